"""The command-line interface; the only package that prints or exits.

Exit codes: 0 ok, 1 a red night (`nightly`), regression (with --fail-on-regression), unsound
task, a run whose every
generation failed, a grade that graded nothing or skipped a line (unless --allow-bad-lines),
2 user error (output that cannot be written included), 130 interrupted. One module per
command group; `_app.py` holds the typer app they share.
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

# Imported for their commands:
from codeeval.cli import (  # noqa: F401
    compare,
    grade,
    history,
    nightly,
    providers,
    run,
    sandbox,
    tasks,
    trend,
)
from codeeval.cli._app import app, stderr
from codeeval.errors import StoreError, UserError

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: one-line errors for user mistakes, exit 130 on Ctrl-C."""
    try:
        result = app(args=argv, prog_name="codeeval", standalone_mode=False)
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
