"""`python -m codeeval` from a folder holding another folder named codeeval (the checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import codeeval
from tests.cli.conftest import assert_one_line_error

CHECKOUT = Path(codeeval.__file__).resolve().parent.parent


def _python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CODEEVAL_CONFIG"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("folder", ["checkout", "empty"])
def test_a_folder_named_codeeval_that_shadows_the_package_is_named(
    tmp_path: Path, folder: str
) -> None:
    shadow = tmp_path / "codeeval"
    if folder == "checkout":
        shadow.symlink_to(CHECKOUT, target_is_directory=True)
    else:
        shadow.mkdir()
    imported = _python(tmp_path, "-c", "import codeeval; print(codeeval.__file__)")
    if imported.stdout.strip() != "None":
        pytest.skip("codeeval is not an editable install here: the folder shadows nothing")
    for args in (("runs",), ("run", "--tasks", "quicksort"), ("--help",)):
        result = _python(tmp_path, "-m", "codeeval", *args)
        assert_one_line_error(result, str(shadow), "shadows the installed codeeval")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codeeval"]  # no stray database
