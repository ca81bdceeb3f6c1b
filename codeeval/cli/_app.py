"""The typer app, its consoles, shared options and the helpers every command uses."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
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
SandboxPackageOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sandbox-package",
        envvar="CODEEVAL_SANDBOX_PACKAGES",
        help="An installed package programs may import (numpy), by import name; repeatable. "
        "Its dependencies are not added: list them too.",
    ),
]

DockerImageOption = Annotated[
    str | None,
    typer.Option(
        "--docker-image",
        envvar="CODEEVAL_DOCKER_IMAGE",
        help="Image for --executor docker (default: codeeval's own; build it with: "
        "python -m codeeval sandbox build-image).",
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


def open_store_at(db: str) -> Any:
    """The store at `db` (a path or URL).

    Raises:
        OutputNotWritable: the folder for a database file cannot be made.
    """
    from codeeval.errors import OutputNotWritable
    from codeeval.store.sql import SqlStore

    try:
        return SqlStore(db)
    except OSError as exc:  # e.g. a parent that is a file, or a folder that cannot be made
        raise OutputNotWritable(
            f"--db {hide_password(db)}: cannot create {exc.filename or db}: {why_not(exc)}; "
            "pass --db a file in a writable folder"
        ) from None


def why_not(exc: OSError) -> str:
    """Why a file or folder could not be made, in words."""
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "a file is in the way of a folder"
    return str(exc.strerror or exc)


@dataclass(frozen=True, slots=True)
class Hints:
    """The commands the CLI prints for the user to paste, with the --db and --config given.

    A hint that left them out would act on another database (`run --resume 3` resuming
    nothing, or someone else's run 3), so every printed command goes through `command`.
    """

    db: str | None = None
    config_file: str | None = None

    def command(self, *args: str, db: bool = True) -> str:
        """`python -m codeeval ARGS --db DB --config FILE`, every word shell-quoted.

        Args:
            args: The command and its arguments.
            db: Whether the command takes --db (`providers` does not).

        Returns:
            The command line. A password in a database URL is shown as `***`: it never
            reaches the terminal or a log, so such a hint needs it put back.
        """
        words = ["python", "-m", "codeeval", *args]
        if db and self.db:
            words += ["--db", hide_password(self.db)]
        if self.config_file:
            words += ["--config", self.config_file]
        return shlex.join(words)


def hide_password(db: str) -> str:
    """`db` with the password of a URL (`postgresql://user:secret@host/x`) replaced by `***`."""
    from codeeval.store.urls import masked

    return masked(db)


def load_run(store: Any, run_id: int, hints: Hints) -> Any:
    """The stored run `run_id`.

    Raises:
        BadConfig: there is no such run; the message says how to list the runs there are.
    """
    from codeeval.errors import BadConfig, RunNotFound

    try:
        return store.load_run(run_id)
    except RunNotFound:
        raise BadConfig(
            f"no run {run_id} in this database; list the runs with: {hints.command('runs')}"
        ) from None
