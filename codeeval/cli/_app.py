"""The typer app, its consoles, shared options and the helpers every command uses."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console

app = typer.Typer(
    name="codeeval",
    help="Measure how well language models write code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
tasks_app = typer.Typer(help="List, inspect, create and check tasks.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")

# Piped output (CI logs, files) gets a wide table instead of rich's 80-column default.
stdout = Console(width=None if sys.stdout.isatty() else 160)
stderr = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="CODEEVAL_DB", help="Results database: a path or SQLAlchemy URL."),
]
ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", envvar="CODEEVAL_CONFIG", help="Config file (default ./codeeval.toml)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
ExecutorOption = Annotated[
    str | None,
    typer.Option(
        "--executor",
        envvar="CODEEVAL_EXECUTOR",
        help="Where programs run: local (this machine's sandbox), ray (the same sandbox on "
        "every node of a Ray cluster; see docs/scaling.md), docker.",
    ),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        envvar="CODEEVAL_RAY_ADDRESS",
        help="With --executor ray: the cluster (HOST:6379 or ray://HOST:10001). Default: "
        "RAY_ADDRESS, else the cluster `ray start` made on this machine, else a local one.",
    ),
]
SandboxPackageOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sandbox-package",
        envvar="CODEEVAL_SANDBOX_PACKAGES",
        help="An installed package programs may import (numpy), by import name; repeatable. "
        "Its dependencies are not added: list them too.",
    ),
]


def split_values(values: list[str] | None) -> tuple[str, ...] | None:
    """Accept repeated options and comma- or space-separated lists alike."""
    if not values:
        return None
    return tuple(part for value in values for part in value.replace(",", " ").split())


def load_settings(cli_values: dict[str, Any], config_file: str | None) -> Any:
    from codeeval.config import load_run_config

    return load_run_config(cli_values, config_file)


def open_store(db: str | None, config_file: str | None) -> Any:
    """The results database, for a command that only reads: a missing one is refused."""
    from codeeval.store.sql import SqlStore

    return SqlStore(load_settings({"db": db}, config_file).db, create=False)
