#!/usr/bin/env python3
"""Regenerate search.tsv: real words and phrases through nashra's search normaliser.

    python tests/vectors/make_search_vectors.py

Inputs: every distinct word, title and entity name of the sample site (content/), the edge cases of
fold.tsv, and words and names of a benchmark corpus (../shared/bench/gen_corpus.py, 300 articles,
seed 1). Each line: input<TAB>analysis, where the analysis gives, per token, the folded form, its
clitic bases, its shard key and its light stem. Python (tests/test_search_index.py) and the browser
runtime (tests/browser/test_search_in_browser.py) must both reproduce every line.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
sys.path.insert(0, str(REPO / "src"))

from nashra import arabic  # noqa: E402

FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)
QUOTED = re.compile(r'"([^"]+)"')


def analysis(text: str) -> str:
    return " ".join(f"{t.folded}|{','.join(arabic.clitic_bases(t.folded))}|{arabic.shard_key(t.folded)}|"
                    f"{arabic.light_stem(t.folded)}" for t in arabic.tokens(text))


def harvest(content: Path) -> tuple[set[str], set[str]]:
    """(words, phrases) of a content folder: body words; titles, names and aliases as phrases."""
    words, phrases = set(), set()
    for path in sorted(content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = FRONT.match(text)
        front, body = (match.group(1), text[match.end():]) if match else ("", text)
        phrases.update(q for q in QUOTED.findall(front) if not q.startswith("http"))
        words.update(m.group() for m in arabic.WORD_RE.finditer(body))
    return words, phrases


def main() -> None:
    words, phrases = harvest(REPO / "content")
    rows = [line.split("\t")[0] for line in (HERE / "fold.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(GEN), "--articles", "300", "--seed", "1", "--out", f"{tmp}/c"],
                       check=True, capture_output=True)
        corpus_words, corpus_phrases = harvest(Path(tmp) / "c" / "content")
    pick = random.Random(1)
    corpus_words = sorted(corpus_words - words)
    inputs = sorted(words) + sorted(phrases) + rows + pick.sample(corpus_words, min(1200, len(corpus_words))) \
        + sorted(corpus_phrases - phrases)
    seen, lines = set(), []
    for text in inputs:
        text = " ".join(text.split())
        if text and text not in seen and "\t" not in text:
            seen.add(text)
            lines.append(f"{text}\t{analysis(text)}")
    header = ("# Search normaliser vectors, made by make_search_vectors.py from the sample site and a benchmark corpus.\n"
              "# input<TAB>per token: folded|clitic bases|shard key|light stem. Python and the browser must agree.\n")
    (HERE / "search.tsv").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} vectors")


if __name__ == "__main__":
    main()
