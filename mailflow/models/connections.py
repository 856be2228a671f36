"""The state of each mail connection (a mailbox read, the relay or API emails go out
through), for the console's "Mail connections" page and the alert to the admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class MailConnection(SQLModel, table=True):
    __tablename__ = "mail_connection"

    id: int | None = Field(default=None, primary_key=True)
    # how the connection is named (its URL without secrets): one row per connection
    name: str = Field(max_length=300, unique=True)
    direction: str = Field(max_length=10)  # inbound | outbound
    kind: str = Field(max_length=10)  # imap | graph | gmail | smtp
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    auth_failed: bool = False  # the last error was a refusal of our credentials
    waiting: int = 0  # inbound: our messages seen but not yet stored
    alerted_at: datetime | None = None  # the admins were told of the current trouble
    # inbound through an API: where the next read goes on (Graph's delta link, Gmail's
    # history id), saved only once every message listed before it was stored or left
    position: str | None = Field(default=None, sa_column=Column(Text))
    updated_at: datetime
