"""A real Dovecot IMAP server for the tests and ``mailflow bench mailbox``: Debian's
``dovecot-imapd`` started in the foreground with a throw-away configuration (its own
directories, a password file, a self-signed TLS certificate) on free ports.

Runs as the current user; as root (Dovecot never runs mail processes as root), the mail
processes run as Debian's ``mail`` user on a mail folder of their own in ``/tmp``."""

from __future__ import annotations

import contextlib
import getpass
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "sales", "s3cret-Pass"

_CONFIG = """\
instance_name = mailflow-test-{imap_port}
base_dir = {run}
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth_mechanism}
auth_verbose = yes
mail_location = maildir:{mail}/mail/%u
mail_fsync = never
first_valid_uid = {uid}
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
{oauth_passdb}userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {me}
}}
service imap-login {{
  chroot =
}}
"""


_OAUTH_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
"""
_OAUTH_CONFIG = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
"""


def available() -> bool:
    return Path(DOVECOT).is_file()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Dovecot:
    """``with Dovecot(folder) as server``: a running server; ``restart()``, ``stop()``."""

    def __init__(self, root: Path, introspection_url: str | None = None) -> None:
        """With ``introspection_url`` XOAUTH2 logins too, their tokens checked there
        (RFC 7662 token introspection, as Dovecot's oauth2 password database does)."""
        self.root = root
        self.introspection_url = introspection_url
        self.imap_port, self.imaps_port = free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None
        # Its sockets live here: a unix socket's path has at most 107 bytes, and pytest's
        # folders (with xdist's popen-gwN) are longer than that
        self.run = Path(tempfile.mkdtemp(prefix="dc-", dir="/tmp"))
        self.run.chmod(0o755)
        self.mail = root
        if os.getuid() == 0:
            self.mail = Path(tempfile.mkdtemp(prefix="mailflow-dovecot-"))
        self._configure()

    # -- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> Dovecot:
        self.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
        shutil.rmtree(self.run, ignore_errors=True)
        if self.mail != self.root:
            shutil.rmtree(self.mail, ignore_errors=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stop() ends its children too
        )
        deadline = time.monotonic() + 30
        while not self._answers():
            if self.process.poll() is not None:
                error = self.process.stderr.read() if self.process.stderr else b""
                raise RuntimeError(f"dovecot did not start: {error.decode(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("dovecot did not answer within 30 s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        group = self.process.pid  # the group the server and its children run in
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        # Dovecot leaves its login and mail processes serving their connections after the
        # master ends; a restart in a test means them too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None
        deadline = time.monotonic() + 10
        while self._answers() and time.monotonic() < deadline:  # its children go too
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()

    # -- what tests need ------------------------------------------------------------
    def url(self, folder: str = "INBOX", *, scheme: str = "imaps", query: str = "") -> str:
        port = self.imaps_port if scheme == "imaps" else self.imap_port
        tail = f"?{query}" if query else ""
        return f"{scheme}://{USER}:{PASSWORD}@127.0.0.1:{port}/{folder}{tail}"

    password = PASSWORD

    @property
    def ca_file(self) -> Path:
        return self.root / "cert.pem"

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context, timeout=30)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, messages: list[bytes], folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            self._create(conn, folder)
            for raw in messages:
                typ, data = conn.append(_quoted(folder), "", None, raw)
                assert typ == "OK", data
        finally:
            conn.logout()

    def uids(self, folder: str = "INBOX") -> list[int]:
        """The UIDs in ``folder`` (not marked deleted); [] when it does not exist."""
        conn = self.client()
        try:
            typ, _ = conn.select(_quoted(folder), readonly=True)
            if typ != "OK":
                return []
            typ, data = conn.uid("SEARCH", "UNDELETED")
            return [int(u) for u in (data[0] or b"").split()]
        finally:
            conn.logout()

    def headers(self, folder: str = "INBOX") -> list[bytes]:
        conn = self.client()
        try:
            conn.select(_quoted(folder), readonly=True)
            _, data = conn.uid("FETCH", "1:*", "(BODY.PEEK[HEADER] FLAGS)")
            return [item[0] + item[1] for item in data if isinstance(item, tuple)]
        finally:
            conn.logout()

    def move_all(self, source: str, target: str = "INBOX") -> None:
        """Every message of ``source`` into ``target`` with one UID MOVE: they arrive at once."""
        conn = self.client()
        try:
            assert conn.select(_quoted(source))[0] == "OK"
            assert conn.uid("MOVE", "1:*", _quoted(target))[0] == "OK"
        finally:
            conn.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        conn = self.client()
        try:
            conn.select(_quoted(folder), readonly=True)
            _, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            return [item for item in data if isinstance(item, bytes)]
        finally:
            conn.logout()

    def recreate(self, folder: str) -> None:
        """Delete ``folder`` with its messages and create it again (a new UIDVALIDITY)."""
        conn = self.client()
        try:
            assert conn.delete(_quoted(folder))[0] == "OK"
            assert conn.create(_quoted(folder))[0] == "OK"
        finally:
            conn.logout()

    def folders(self) -> list[str]:
        conn = self.client()
        try:
            _, data = conn.list()
            lines = [line for line in data if isinstance(line, bytes)]
            return [line.decode().rsplit(" ", 1)[-1].strip('"') for line in lines]
        finally:
            conn.logout()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _create(self, conn: imaplib.IMAP4, folder: str) -> None:
        if folder.upper() != "INBOX":
            conn.create(_quoted(folder))  # NO when it exists: fine

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as sock:
                return sock.recv(100).startswith(b"* OK")
        except OSError:
            return False

    def _configure(self) -> None:
        (self.root / "state").mkdir(parents=True, exist_ok=True)
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:
            mail_user = pwd.getpwnam("mail")
            uid, gid = mail_user.pw_uid, mail_user.pw_gid
            os.chown(self.mail, uid, gid)
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(self.root / "key.pem"), "-out", str(self.root / "cert.pem"),
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        if self.introspection_url:
            oauth = _OAUTH_CONFIG.format(url=self.introspection_url)
            (self.root / "oauth2.conf.ext").write_text(oauth)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        me = getpass.getuser()
        root_user = os.getuid() == 0
        (self.root / "dovecot.conf").write_text(
            _CONFIG.format(
                root=self.root,
                run=self.run,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                mail=self.mail,
                uid=uid,
                gid=gid,
                internal="dovecot" if root_user else me,
                login="dovenull" if root_user else me,
                me=me,  # the auth process reads the password file in the private folder
                oauth_mechanism=" xoauth2" if self.introspection_url else "",
                oauth_passdb=_OAUTH_PASSDB.format(root=self.root) if self.introspection_url else "",
            )
        )


def _quoted(folder: str) -> str:
    """A folder path written with ``/`` as Dovecot's Maildir++ names it (``.`` between
    levels), quoted."""
    folder = folder.replace("/", ".")
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
