"""``mailflow bench compose``: emails per second, compiled pipeline vs. the naive one.

``per_s``: per email one Jinja render of the precompiled offer template, the MIME bytes
from :func:`mailflow.mail.compose.compose` and one DKIM signature (Ed25519).
``naive_per_s`` (same run, same contexts): per email Jinja into the MJML source,
mjml2html, css-inline and an ``EmailMessage`` (unsigned).
``rsa_sign_ms``: what one RSA-2048 DKIM signature costs with dkimpy (pure Python), when
``openssl`` is there to make a key.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import css_inline
import mjml

from bench._fixtures import ed25519_signer, offer_context
from mailflow.mail.compile import HTML_ENV, TEXT_ENV, file_source, layout
from mailflow.mail.compose import Envelope, compose
from mailflow.mail.render import Renderer
from mailflow.mail.signing import DkimSigner
from mailflow.settings import Settings


def _envelope(i: int, subject: str) -> Envelope:
    return Envelope(
        sender="Nordwind Leads <leads@bench.example>",
        to=f"partner{i}@dealer.example",
        to_name=f"Partner {i}",
        subject=subject,
        message_id=f"offer.{i:08x}@reply.bench.example",
        thread_root="lead-1@reply.bench.example",
        reply_to=f"reply+{i:x}.1.abcdefghij@reply.bench.example",
        extra_headers=(("X-Mailflow-Kind", "offer"),),
    )


def _fast(contexts: list[dict[str, Any]], signer: DkimSigner) -> tuple[float, int]:
    renderer = Renderer()
    renderer.compiled("offer")  # compile once, outside the clock: that is per version
    size = 0
    start = time.perf_counter()
    for i, ctx in enumerate(contexts):
        out = renderer.render("offer", ctx)
        data = signer.sign(compose(_envelope(i, out.subject), out.text, out.html))
        size += len(data)
    return time.perf_counter() - start, size // len(contexts)


def _naive(contexts: list[dict[str, Any]]) -> float:
    source = file_source("offer")
    body = source.body_mjml.split("%}", 1)[1]  # the preheader is set in the context below
    mjml_tpl = HTML_ENV.from_string(layout().replace("<mj-include-content />", body))
    subject_tpl = TEXT_ENV.from_string(source.subject)
    text_tpl = TEXT_ENV.from_string(source.body_text)
    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    start = time.perf_counter()
    for i, ctx in enumerate(contexts):
        ctx = {**ctx, "preheader": "New lead"}
        subject = " ".join(subject_tpl.render(ctx).split())
        html = inliner.inline(mjml.mjml2html(mjml_tpl.render({**ctx, "subject_line": subject})))
        env = _envelope(i, subject)
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = env.sender, env.to, subject
        msg["Message-ID"] = f"<{env.message_id}>"
        msg["References"] = msg["In-Reply-To"] = f"<{env.thread_root}>"
        msg["Reply-To"] = env.reply_to
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(text_tpl.render(ctx))
        msg.add_alternative(html, subtype="html")
        msg.as_bytes()
    return time.perf_counter() - start


def _rsa_sign_ms(message: bytes) -> float | None:
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "k.pem"
        subprocess.run(
            [openssl, "genrsa", "-out", str(key), "2048"], check=True, capture_output=True
        )
        signer = DkimSigner(key.read_bytes(), "bench", "bench.example")
    start = time.perf_counter()
    for _ in range(10):
        signer.sign(message)
    return round((time.perf_counter() - start) * 100, 2)


def run(settings: Settings, *, quick: bool) -> dict[str, Any]:
    n = 200 if quick else 3000
    contexts = [offer_context(settings, i) for i in range(n)]
    signer, _ = ed25519_signer()
    fast_s, size = _fast(contexts, signer)
    naive_n = max(50, n // 10)  # the naive path is slow; its rate needs fewer emails
    naive_s = _naive(contexts[:naive_n])
    per_s, naive_per_s = n / fast_s, naive_n / naive_s
    sample = signer.sign(compose(_envelope(0, "x"), "t" * 3000, "h" * (size - 3000)))
    return {
        "bench": "compose",
        "emails": n,
        "bytes_per_email": size,
        "per_s": round(per_s, 1),
        "ms_per_email": round(1000 / per_s, 3),
        "naive_emails": naive_n,
        "naive_per_s": round(naive_per_s, 1),
        "speedup": round(per_s / naive_per_s, 1),
        "dkim": "ed25519-sha256",
        "rsa_sign_ms": _rsa_sign_ms(sample),
    }
