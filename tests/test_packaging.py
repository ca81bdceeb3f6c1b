"""The wheel holds one top-level import name, the built-in tasks, and runs from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("codeeval-*.whl")
    return path


def test_wheel_installs_only_the_codeeval_import_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"codeeval"}
    for needed in (
        "codeeval/tasks/quicksort/task.toml",
        "codeeval/tasks/quicksort/prompt.zh.md",
        "codeeval/tasks/quicksort/solution.py",
        "codeeval/providers/reference.py",
        "codeeval/reports/templates/report.html.j2",
        "codeeval/py.typed",
    ):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_installed_wheel_runs_quicksort_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import codeeval; print(codeeval.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(target))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "codeeval",
            "run",
            "--tasks",
            "quicksort",
            "--json",
            "--db",
            str(elsewhere / "r.db"),
            "--out",
            str(elsewhere / "out"),
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert '"model": "reference"' in result.stdout
    assert (elsewhere / "out" / "run-1" / "report.md").is_file()


def test_mypy_checks_the_plugin_folders_under_their_installed_names() -> None:
    """.mypy-layout/codeeval/NAME links to the folder setup.py installs as codeeval.NAME."""
    import ast
    import tomllib

    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    (roots,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ROOTS"
    ]
    mapped = {name: (ROOT / folder).resolve() for name, folder in roots.items() if "." in name}
    layout = ROOT / ".mypy-layout" / "codeeval"
    linked = {f"codeeval.{link.name}": link.resolve() for link in layout.iterdir()}
    assert linked == mapped
    checked = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    for name in mapped:
        assert any(entry.startswith(f".mypy-layout/{name.replace('.', '/')}") for entry in checked)
