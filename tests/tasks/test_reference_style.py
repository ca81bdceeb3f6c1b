"""Every built-in reference solution is PEP 8 clean: the ceiling row's style scores mean 1.0."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pycodestyle
import pytest

from codeeval.scoring.style import pep8_scores
from codeeval.task import builtin_task_names, builtin_task_root

NAMES = builtin_task_names()
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


class _Collect(pycodestyle.BaseReport):  # type: ignore[misc]
    """Keeps every error as `line:col: CODE text` instead of printing it."""

    def __init__(self, options: Any) -> None:
        super().__init__(options)
        self.messages: list[str] = []

    def error(self, line_number: int, offset: int, text: str, check: Any) -> str | None:
        code: str | None = super().error(line_number, offset, text, check)
        if code is not None:
            self.messages.append(f"{line_number}:{offset + 1}: {text}")
        return code


@pytest.mark.parametrize("name", NAMES)
def test_reference_has_no_pycodestyle_violations(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pycodestyle's defaults only: no ~/.config/pycodestyle, no project file (no paths given).
    monkeypatch.setattr(pycodestyle, "USER_CONFIG", None)
    guide = pycodestyle.StyleGuide(reporter=_Collect)
    assert guide.options.max_line_length == pycodestyle.MAX_LINE_LENGTH == 79
    path = builtin_task_root() / name / "solution.py"
    report = guide.init_report(_Collect)
    checker = pycodestyle.Checker(str(path), options=guide.options, report=report)
    checker.check_all()
    assert report.messages == [], f"{path}:\n" + "\n".join(report.messages)
    # The scorer that fills the ceiling row agrees.
    assert pep8_scores(path.read_text(encoding="utf-8")) == (0, 1.0)


def test_ruff_leaves_reference_solutions_alone() -> None:
    # ruff's formatter (line length 100, spaces around slice colons) would undo the PEP 8
    # wrapping of the references, so they stay excluded from ruff.
    ruff = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["ruff"]
    assert "tasks/*/solution.py" in ruff["extend-exclude"]
