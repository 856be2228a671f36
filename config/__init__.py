"""Settings: one frozen object built from ``MAILFLOW_*`` variables.

Nothing here runs at import time; ``load_settings()`` is called once by each process
entry point (CLI, WSGI module, worker module, scheduler) and the result is passed on.
"""

from config.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
