"""How a long-running process learns it should stop: SIGTERM (systemd, honcho, Kubernetes) or
Ctrl-C sets one event. Made before the process starts serving, so a signal that comes as soon
as it answers finds the handler in place instead of the default that kills it mid-transaction;
a second Ctrl-C while the process winds down is ignored rather than ending it with a
traceback (the wind-down has its own time limit)."""

from __future__ import annotations

import signal
import threading


class Stop:
    """Install with ``Stop()`` before serving; ``wait()`` returns once a signal came."""

    def __init__(self) -> None:
        self.event = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._set)

    def _set(self, signum: int, frame: object) -> None:
        self.event.set()

    def set(self) -> None:
        self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()

    def wait(self) -> None:
        """Until a signal: in short slices, because the kernel may hand a signal to any of
        the process's threads, and a main thread blocked without a timeout never runs the
        Python handler it trips."""
        while not self.event.wait(0.5):
            pass
