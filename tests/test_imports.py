"""Optional weight stays optional: light entry points load no SDK, torch or database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("openai", "anthropic", "google", "torch", "transformers", "ray", "sqlalchemy", "numpy")
# The scoring functions are imported by other programs: they load even less.
SCORING_MUST_NOT_LOAD = (*HEAVY, "radon", "pycodestyle", "pydantic", "typer", "rich")


def _loaded_after(code: str) -> set[str]:
    probe = (
        f"{code}\nimport sys, json\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("code", ["import codeeval.scoring", "import codeeval.extract"])
def test_scoring_and_extract_import_nothing_heavy(code: str) -> None:
    loaded = _loaded_after(code)
    assert not loaded & set(SCORING_MUST_NOT_LOAD), sorted(loaded & set(SCORING_MUST_NOT_LOAD))


@pytest.mark.parametrize(
    "code",
    [
        "import codeeval",
        "from codeeval.cli import app\n"
        "try:\n    app(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass",
    ],
)
def test_light_entry_points_load_no_heavy_module(code: str) -> None:
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), f"{code!r} loaded {sorted(loaded & set(HEAVY))}"


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codeeval", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("run", "runs", "show", "report", "tasks", "providers"):
        assert command in result.stdout


def test_a_command_loads_only_its_own_module() -> None:
    code = (
        "from codeeval.cli import main\n"
        "try:\n    main(['grade', '--help'])\nexcept SystemExit:\n    pass\n"
        "import sys, json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('codeeval.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "codeeval.cli.grade" in loaded
    others = {"codeeval.cli.run", "codeeval.cli.compare", "codeeval.cli.nightly"}
    assert not loaded & others, sorted(loaded & others)
    assert not any(name.startswith("codeeval.report") for name in loaded)


def test_every_command_is_found_where_the_cli_looks_for_it() -> None:
    import typer.main

    from codeeval.cli import COMMAND_MODULES, app

    declared = {
        name: command.callback.__module__
        if command.callback is not None and not hasattr(command, "commands")
        else next(iter(command.commands.values())).callback.__module__  # type: ignore[attr-defined]
        for name, command in typer.main.get_command(app).commands.items()  # type: ignore[attr-defined]
    }
    assert {name: f"codeeval.cli.{module}" for name, module in COMMAND_MODULES.items()} == declared
