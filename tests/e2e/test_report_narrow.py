"""The weekly report on a 390 px phone in real Chromium: no word of a column heading or a
button breaks inside ("Conversio-n rate", "Ope-n"), in every language, and nothing sticks
out sideways. Screenshots go to ``artifacts/emails/``."""

from __future__ import annotations

from typing import Any

import pytest

from mailflow import i18n
from mailflow.mail.kinds import sample
from mailflow.mail.render import Renderer
from tests.e2e.test_browser import ARTIFACTS, browser

__all__ = ["browser"]

WIDTH = 390
BRAND = {"name": "Nordwind", "color": "#0a6e8a", "background": "#eef3f5"}
LONG_NAMES = ["Haustechnik Schwaben Wärmepumpen-Fachbetrieb GmbH", "Klima Kraus GmbH"]
# How many boxes each word's text lays out in: 1 = the word stands on one line.
_WORD_BOXES = """(word) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const boxes = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    let at = node.data.indexOf(word);
    while (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      boxes.push(lines.size);
      at = node.data.indexOf(word, at + 1);
    }
  }
  return boxes;
}"""


def _report(lang: str) -> str:
    context = {**sample("weekly_report", lang), "brand": BRAND}
    for row, name in zip(context["partners"], LONG_NAMES, strict=True):
        row["name"] = name
    context["reps"] = [dict(context["reps"][0], name="Rita Obermeier-Schwarzenbach")]
    return Renderer().render("weekly_report", context).html


def _words(lang: str) -> list[str]:
    """The words that must never break: those of the headings and of the buttons (a
    compound written with a hyphen may break after it, as any text does)."""
    found = []
    for message in ("Conversion rate", "Pick rate", "Picks", "Open", "Report progress"):
        found += [w for word in i18n.gettext(lang, message).split() for w in word.split("-")]
    return [w for w in found if w]


@pytest.mark.browser
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_word_of_the_report_breaks_at_390_px(browser: Any, lang: str) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, offline=True)
    page = context.new_page()
    page.set_content(_report(lang), wait_until="load")
    broken = {w: boxes for w in _words(lang) if (boxes := page.evaluate(_WORD_BOXES, w))
              and max(boxes) > 1}  # fmt: skip
    seen = {w: page.evaluate(_WORD_BOXES, w) for w in _words(lang)}
    assert all(seen.values()), seen  # every word is on the page
    assert broken == {}
    for action in ("feedback", "console"):  # the buttons stand on one line, inside the page
        button = page.locator(f'a[data-action="{action}"]').first
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= WIDTH
        assert box["height"] < 50, action  # one line of text and its padding
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    (ARTIFACTS / "emails").mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "emails" / f"weekly-report-390-{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    context.close()
