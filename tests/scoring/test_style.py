"""pep8_violations and pep8_compliance against pycodestyle's own command line."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from codeeval.scoring import pep8_compliance, pep8_scores, pep8_violations

DATA = Path(__file__).parent / "data" / "code"
SAMPLES = sorted(DATA.glob("*.txt"))
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[EW]\d+) ")


def _pycodestyle_cli(folder: Path, max_line_length: int) -> dict[str, list[int]]:
    """Line numbers of every violation pycodestyle's CLI prints, per file name."""
    files = sorted(str(path) for path in folder.glob("*.py"))
    done = subprocess.run(
        [sys.executable, "-m", "pycodestyle", f"--max-line-length={max_line_length}", *files],
        capture_output=True,
        text=True,
        cwd=folder,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[int]] = defaultdict(list)
    for text in done.stdout.splitlines():
        match = LINE.match(text)
        assert match, text
        found[Path(match["path"]).stem].append(int(match["line"]))
    return found


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pep8")
    for sample in SAMPLES:
        (folder / f"{sample.stem}.py").write_bytes(sample.read_bytes())
    return folder


@pytest.fixture(scope="module")
def cli_79(copied: Path) -> dict[str, list[int]]:
    return _pycodestyle_cli(copied, 79)


@pytest.fixture(scope="module")
def cli_100(copied: Path) -> dict[str, list[int]]:
    return _pycodestyle_cli(copied, 100)


def _expected_compliance(code: str, lines: list[int]) -> float:
    """The documented formula, computed here from the CLI's own output."""
    text_lines = code.replace("\r\n", "\n").split("\n")
    if text_lines and text_lines[-1] == "":
        text_lines.pop()
    counted = {i for i, t in enumerate(text_lines, 1) if t.strip()} | set(lines)
    return 1 - len(set(lines)) / len(counted)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_violation_count_equals_pycodestyle_cli(
    sample: Path, cli_79: dict[str, list[int]], cli_100: dict[str, list[int]]
) -> None:
    code = sample.read_bytes().decode("utf-8")
    assert pep8_violations(code) == len(cli_79[sample.stem])
    assert pep8_violations(code, max_line_length=100) == len(cli_100[sample.stem])


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_compliance_follows_the_documented_formula_on_cli_output(
    sample: Path, cli_79: dict[str, list[int]]
) -> None:
    code = sample.read_bytes().decode("utf-8")
    expected = _expected_compliance(code, cli_79[sample.stem])
    assert pep8_compliance(code) == pytest.approx(expected, abs=1e-12)
    assert pep8_scores(code) == (len(cli_79[sample.stem]), pytest.approx(expected, abs=1e-12))


def test_the_corpus_exercises_both_clean_and_messy_code(cli_79: dict[str, list[int]]) -> None:
    assert cli_79.get("clean_quicksort", []) == []
    assert len(cli_79["messy_style"]) >= 15
    assert len(cli_79["long_lines"]) == 2


def test_clean_code_is_fully_compliant() -> None:
    assert pep8_compliance("def f(x):\n    return x\n") == 1.0
    assert pep8_violations("def f(x):\n    return x\n") == 0


def test_known_violations_by_hand() -> None:
    code = "import os,sys\ndef f( x ):\n  return x+1\n"
    # E231 and E401 on line 1; E302, E201, E202 on line 2; E111 on line 3.
    assert pep8_violations(code) == 6
    assert pep8_compliance(code) == 0.0
    assert pep8_compliance("x = 1\ny=2\n") == 0.5


def test_line_length_is_settable() -> None:
    code = "x = '" + "a" * 90 + "'\n"
    assert pep8_violations(code) == 1
    assert pep8_violations(code, max_line_length=120) == 0


def test_default_ignore_list_applies() -> None:
    # E226 (missing whitespace around arithmetic operator) is in pycodestyle's default ignore.
    assert pep8_violations("x = 1\ny = x*2\n") == 0


def test_compliance_is_none_for_code_that_does_not_parse_or_is_blank() -> None:
    assert pep8_compliance("def f(:\n") is None
    assert pep8_compliance("   \n") is None
    assert pep8_violations("") == 0
