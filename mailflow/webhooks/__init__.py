"""Webhooks: signed HTTP POSTs of events to the URLs organizations registered.

``fanout`` writes WebhookDelivery rows in the transaction that records the Event (the
webhook outbox); ``deliver`` sends them after commit, with retries and backoff;
``signing`` is the Stripe-like signature scheme.
"""
