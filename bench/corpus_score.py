"""Score the reply extractor on the public reply corpus (see the corpus README).

    python -m bench.corpus_score [CORPUS_DIR]

prints {"trimmer_exact": …, "trimmer_cases": …, "multilang_start": …, "multilang_cases": …}.
trimmer: share of trimmer/emails/X.txt whose extraction equals trimmer/trimmed/X.txt (both
stripped at the ends). multilang: share of multilang/expected.json entries whose extraction
starts with the expected paragraph.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mailflow.inbound.parse.extract import extract_reply

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "replies"


def trimmer_results(corpus_dir: Path) -> dict[str, bool]:
    """Case name -> whether the extraction matches the expected trimmed text exactly."""
    results: dict[str, bool] = {}
    for email_path in sorted((corpus_dir / "trimmer" / "emails").glob("*.txt")):
        expected_path = corpus_dir / "trimmer" / "trimmed" / email_path.name
        if not expected_path.exists():
            continue
        expected = expected_path.read_text(encoding="utf-8").strip()
        got = extract_reply(email_path.read_text(encoding="utf-8")).strip()
        results[email_path.name] = got == expected
    return results


def multilang_results(corpus_dir: Path) -> dict[str, bool]:
    """Case name -> whether the extraction starts with the expected first paragraph."""
    folder = corpus_dir / "multilang"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    results: dict[str, bool] = {}
    for name, start in sorted(expected["reply_starts_with"].items()):
        got = extract_reply((folder / "fixtures" / name).read_text(encoding="utf-8"))
        results[name] = got.startswith(start.strip())
    return results


def score(corpus_dir: str | Path = DEFAULT_CORPUS) -> dict[str, float | int]:
    corpus = Path(corpus_dir)
    trimmer = trimmer_results(corpus)
    multilang = multilang_results(corpus)
    return {
        "trimmer_exact": _share(trimmer),
        "trimmer_cases": len(trimmer),
        "multilang_start": _share(multilang),
        "multilang_cases": len(multilang),
    }


def _share(results: dict[str, bool]) -> float:
    return round(sum(results.values()) / len(results), 4) if results else 0.0


if __name__ == "__main__":
    print(json.dumps(score(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CORPUS), indent=2))
