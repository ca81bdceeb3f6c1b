"""README's and docs/library.md's script, run as written in a new interpreter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script(document: Path) -> str:
    text = document.read_text(encoding="utf-8")
    section = text[text.index("# Library use") :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, f"{document}: no script under 'Library use'"
    return match.group(1)


def test_the_library_script_prints_pass_at_1(tmp_path: Path) -> None:
    script = _script(ROOT / "README.md")
    assert _script(ROOT / "docs" / "library.md") == script
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("run 1: pass@1 100%\n", "")
    assert not list(tmp_path.iterdir())  # everything went to the temporary folder
