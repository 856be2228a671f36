"""Inbound mail: receive → store raw → classify → route → verify → extract → interpret → act."""
