"""Outbound mail: compile (MJML → HTML → inlined CSS, once per template version),
render (Jinja per recipient), compose (MIME bytes), send (SMTP), outbox dispatch."""
