"""The Nu HTML Checker (vnu, the validator behind validator.w3.org/nu) over every page of the sample site.

vnu comes from npm (`vnu-jar`) and runs on the machine's Java; .ci/run installs both."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from nashra.build import build

from helpers import REPO

VNU_JAR = Path(os.environ.get("NASHRA_VNU_JAR")
               or Path.home() / ".cache/nashra/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
INSTALL = ('npm install --prefix "$HOME/.cache/nashra/vnu" --no-audit --no-fund --ignore-scripts vnu-jar '
           "(and Java: apt-get install -y default-jre-headless), or set NASHRA_VNU_JAR")


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        missing = f"the Nu HTML Checker is not installed at {VNU_JAR}" if java else "java is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must install it: {INSTALL}")
        pytest.skip(f"{missing}: {INSTALL}")
    return [java, "-jar", str(VNU_JAR)]


def test_every_page_of_the_sample_site_is_valid_html(vnu, tmp_path):
    public = build(REPO, output=tmp_path / "public").output
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 50
    result = subprocess.run([*vnu, "--errors-only", "--format", "json", "--stdout", *map(str, pages)],
                            capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert result.stdout.strip(), result.stderr          # vnu itself failed (no report at all)
    errors = json.loads(result.stdout)["messages"]
    shown = [f"{m.get('url', '').removeprefix(public.as_uri()).removeprefix('file:' + str(public))}:"
             f"{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: {m['message']}"
             for m in errors]
    assert not errors, f"{len(errors)} error(s) from vnu:\n" + "\n".join(shown)
