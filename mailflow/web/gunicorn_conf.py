"""``gunicorn --config python:mailflow.web.gunicorn_conf``: the start-up checks run once in
gunicorn's master before it starts any worker, so a configuration mistake ends gunicorn
with one line (each worker failing on its own would make gunicorn print its own stack
trace while it stops the others).

gunicorn (from 25.1) also opens a control socket for ``gunicornc``, by default one path
per user (``$XDG_RUNTIME_DIR/gunicorn.ctl`` or ``~/.gunicorn/gunicorn.ctl``): a second
instance of the same user replaces the first one's socket, and whichever stops first
removes it for both. Each instance gets its own instead, in the data directory and named
by the address it listens on: ``$MAILFLOW_DATA_DIR/gunicorn/127.0.0.1_8000.ctl``. A
``--control-socket`` given on the command line is kept, and ``--no-control-socket`` too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mailflow import preflight

# gunicorn reads every name of this module that is one of its settings: no helper here
# may be called like one (``control_socket`` would be taken for the path)
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


def on_starting(server: Any) -> None:
    settings = preflight.start("web")
    cfg = server.cfg
    if "control_socket" not in cfg.settings:  # a gunicorn without control sockets
        return
    if cfg.settings["control_socket"].value != cfg.settings["control_socket"].default:
        return  # the operator chose the path
    cfg.set("control_socket", str(socket_path(settings.data_dir, cfg.bind)))


def socket_path(data_dir: Path, binds: list[str]) -> Path:
    """This instance's control socket: two instances never listen on the same address."""
    name = _UNSAFE.sub("_", binds[0] if binds else "default").strip("_")
    return data_dir / "gunicorn" / f"{name}.ctl"
