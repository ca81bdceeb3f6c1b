"""The typer app, its consoles, shared options and the helpers every command uses."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from codeeval.errors import BadConfig, RunNotFound

if TYPE_CHECKING:
    from codeeval.config import RunSettings
    from codeeval.store import Store

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
# The sandbox's options, shared by run, grade and tasks check. An executor's own flag (a
# Docker image, a Ray address) joins them here, and its value goes to executor_options.
ExecutorOption = Annotated[
    str | None,
    typer.Option(
        "--executor",
        envvar="CODEEVAL_EXECUTOR",
        help="Where programs run: local (this machine's sandbox), ray (the same sandbox on "
        "every node of a Ray cluster; see docs/scaling.md), docker (a container per program), "
        "or a plug-in's.",
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
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", envvar="CODEEVAL_WORKERS", help="Programs graded at once."),
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

DockerImageOption = Annotated[
    str | None,
    typer.Option(
        "--docker-image",
        envvar="CODEEVAL_DOCKER_IMAGE",
        help="Image for --executor docker (default: codeeval's own; build it with: "
        "python -m codeeval sandbox build-image).",
    ),
]


def executor_flag_options(
    docker_image: str | None = None, ray_address: str | None = None
) -> dict[str, dict[str, Any]] | None:
    """The executor flags as executors' own options (`[executors.docker] image`, ...)."""
    options: dict[str, dict[str, Any]] = {}
    if docker_image:
        options["docker"] = {"image": docker_image}
    if ray_address:
        options["ray"] = {"address": ray_address}
    return options or None


def check_ray_address(ray_address: str | None, executor: str) -> None:
    """Refuse `--ray-address` for an executor that does not connect to a Ray cluster.

    Raises:
        BadConfig: a Ray address was given with another executor.
    """
    if ray_address and executor != "ray":
        raise BadConfig(
            f"--ray-address: only --executor ray connects to a Ray cluster, not "
            f"--executor {executor}; add --executor ray, or drop --ray-address"
        )


def split_values(values: list[str] | None) -> tuple[str, ...] | None:
    """Accept repeated options and comma- or space-separated lists alike."""
    if not values:
        return None
    return tuple(part for value in values for part in value.replace(",", " ").split())


def load_settings(cli_values: Mapping[str, object], config_file: str | None) -> RunSettings:
    """The settings of a command: its flags and environment, then codeeval.toml, then defaults.

    Raises:
        BadConfig: a value is invalid, or the config file named is missing or invalid.
    """
    from codeeval.config import load_settings as load

    return load(cli_values, config_file)


def open_store(db: str | None, config_file: str | None) -> Store:
    """The results database, for a command that only reads: a missing one is refused."""
    from codeeval.store import open_store as open_at

    return open_at(load_settings({"db": db}, config_file).output.db, create=False)


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
            The command line. A database given by the CODEEVAL_DB environment variable is
            left to it (the pasted command reads the same variable, so a password kept
            there works and is never shown); a password in a URL given with --db is shown
            as `***`: it never reaches the terminal or a log, so such a hint needs it put
            back (or the URL kept in CODEEVAL_DB).
        """
        import os

        words = ["python", "-m", "codeeval", *args]
        if db and self.db and self.db != os.environ.get("CODEEVAL_DB"):
            words += ["--db", hide_password(self.db)]
        if self.config_file:
            words += ["--config", self.config_file]
        return shlex.join(words)


def hide_password(db: str) -> str:
    """`db` with the password of a URL (`postgresql://user:secret@host/x`) replaced by `***`."""
    from codeeval.store.urls import masked

    return masked(db)


def renamed_option(old: str, new: str, old_value: str | None, new_value: str | None) -> str | None:
    """The value of an option that may still be given by its old name, which says so once.

    Raises:
        BadConfig: both names were given.
    """
    if old_value is None:
        return new_value
    if new_value is not None:
        raise BadConfig(f"{old} and {new} are one option; give {new} only")
    stderr.print(
        f"warning: {old} is deprecated here; use {new}, which takes the same value",
        style="yellow",
        markup=False,
        highlight=False,
    )
    return old_value


def run_not_found(exc: RunNotFound, hints: Hints, flag: str | None = None) -> BadConfig:
    """The one-line error for a run id the database does not hold, with the hint to list its runs.

    Args:
        exc: What the store raised.
        hints: The command's --db and --config, for the hint.
        flag: The option that named the run (`--baseline`), if not the command's argument.
    """
    where = f"{flag} {exc.run_id}: no such run" if flag else f"no run {exc.run_id}"
    return BadConfig(f"{where} in this database; list the runs with: {hints.command('runs')}")
