"""Email in from a mailbox over IMAP (``mailflow inbound fetch``): the replies among a
mailbox's messages are stored like the SMTP server's and marked on the server after the
commit; everything else stays untouched."""
