"""The ways a message comes in over the network: the SMTP server and its per-client limits.
(The MTA pipe is ``mailflow inbound deliver``, the provider webhook ``POST /inbound/webhook``.)
Each stores the message (:mod:`mailflow.actions.inbound.store`) before it answers."""
