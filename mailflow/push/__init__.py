"""Web Push (RFC 8030) to the partners' installed app: the VAPID key that identifies us
to the push services (RFC 8292) and one encrypted message (RFC 8291) to one browser."""
