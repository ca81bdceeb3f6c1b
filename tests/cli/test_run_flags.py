"""Every flag of `run` sets one setting (or is a switch), and --resume refuses the definition's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import typer.main

from codeeval.cli import app
from codeeval.cli.run import flag_setting
from codeeval.config import RunDefinition, setting_names
from tests.cli.conftest import assert_one_line_error


def _run_flags() -> dict[str, str]:
    command = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    return {param.name: param.opts[0] for param in command.params if param.opts}


def test_every_flag_of_run_sets_a_setting_or_is_a_switch() -> None:
    """A new flag must say which setting it sets: that decides whether --resume takes it."""
    flags = _run_flags()
    settings = {name: flag_setting(name) for name in flags}
    unknown = {flags[name]: setting for name, setting in settings.items()}
    unknown = {flag: s for flag, s in unknown.items() if s is not None and s not in setting_names()}
    assert not unknown, f"flags of run that set no setting: {unknown}"
    switches = sorted(flags[name] for name, setting in settings.items() if setting is None)
    assert switches == ["--config", "--fail-on-regression", "--json", "--resume"]


def test_the_flags_refused_with_resume_are_those_of_the_definition() -> None:
    defining = sorted(
        flag
        for name, flag in _run_flags().items()
        if flag_setting(name) in RunDefinition.model_fields
    )
    assert defining == sorted(
        [
            "--tasks", "--tag", "--model", "--samples", "--temperature", "--top-p",
            "--max-tokens", "--seed", "--system", "--stop", "--lang", "--sandbox-package",
            "--replay", "--time-factor", "--min-time-limit", "--memory-mb", "--complexity-budget",
            "--max-line-length", "--max-response-bytes",
        ]
    )  # fmt: skip


def test_resume_takes_how_and_where_but_not_what(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    assert codeeval("run", "--tasks", "quicksort").returncode == 0
    refused = codeeval("run", "--resume", "1", "--lang", "zh", "--memory-mb", "512")
    assert_one_line_error(refused, "--resume 1", "--lang, --memory-mb would be ignored")
    taken = codeeval(
        "run", "--resume", "1", "--workers", "1", "--max-attempts", "2", "--no-cache",
        "--out", "elsewhere", "--format", "json", "--json",
    )  # fmt: skip
    assert taken.returncode == 0, taken.stderr
    assert json.loads(taken.stdout)["run"]["id"] == 1
    assert "run 1 already finished; retrying only its failed generations" in taken.stderr
    assert (tmp_path / "elsewhere" / "run-1" / "report.json").is_file()
