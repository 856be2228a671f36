"""Webhooks: signed HTTP POSTs of events to the URLs organizations registered.

``fanout`` writes WebhookDelivery rows in the transaction that records the Event (the
webhook outbox); ``deliver`` sends them after commit, with retries and backoff;
``address`` decides which URLs and addresses may be called at all (no requests into our
own network); ``client`` makes one POST to a checked address; ``signing`` is the
Stripe-like signature scheme.
"""
