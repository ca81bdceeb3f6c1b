"""The command-line interface; the only package that prints or exits.

Exit codes: 0 ok, 1 a red night (`nightly`), regression (with --fail-on-regression), unsound
task, a run whose every
generation failed, a grade that graded nothing or skipped a line (unless --allow-bad-lines),
2 user error (output that cannot be written included), 130 interrupted. One module per
command group; `_app.py` holds the typer app they share.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.exceptions import TyperException

from codeeval.cli._app import stderr
from codeeval.errors import StoreError, UserError

__all__ = ["app", "load_commands", "main"]

# Each command (or group) and the module that declares it, in the order `--help` lists them.
# A command only imports its own module: `grade` does not pay for the report builder's
# imports, which are a third of the start-up of a command that grades in seconds.
COMMAND_MODULES = {
    "compare": "compare",
    "grade": "grade",
    "runs": "history",
    "show": "history",
    "report": "history",
    "nightly": "nightly",
    "baseline": "nightly",
    "providers": "providers",
    "run": "run",
    "sandbox": "sandbox",
    "tasks": "tasks",
    "history": "trend",
}


def load_commands(argv: Sequence[str] = ()) -> typer.Typer:
    """The app, with the command `argv` names declared (every command when it names none).

    The command is the first argument that is not an option; `--help`, no argument or an
    unknown name loads them all, so that help lists every command and a typo gets the
    usual error with every command it could have meant.
    """
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if command in COMMAND_MODULES:
        modules = [COMMAND_MODULES[command]]
    else:
        modules = list(dict.fromkeys(COMMAND_MODULES.values()))
    for module in modules:
        importlib.import_module(f"codeeval.cli.{module}")
    from codeeval.cli._app import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # `from codeeval.cli import app`: the whole app, every command in it
        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: one-line errors for user mistakes, exit 130 on Ctrl-C."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = load_commands(args)(args=args, prog_name="codeeval", standalone_mode=False)
    except (UserError, StoreError) as exc:
        stderr.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except TyperException as exc:  # usage errors: typer prints them as click would
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            stderr.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        stderr.print("interrupted", markup=False)
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)
