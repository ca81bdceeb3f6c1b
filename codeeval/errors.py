"""The exception tree of codeeval.

```
CodeevalError
├── UserError               "error: <message>" on stderr, exit 2, no traceback
│   ├── UnknownName         unknown task/provider/metric/executor; lists the known names
│   ├── MissingApiKey       "set ANTHROPIC_API_KEY to use anthropic/…"
│   ├── MissingDependency   "pip install 'codeeval[hf]'"
│   ├── BadTaskFile         "<path>: <problem>"
│   ├── BadInputFile        "<path>:<line>: <problem>"
│   ├── BadConfig           "<source>: <key>: <problem>"
│   ├── OutputNotWritable   "cannot write <path>: <why>; <where the results are, the fix>"
│   └── NothingToGrade      every selected task's reference fails (nightly: a red night)
├── ProviderError           a call failed for good; the sample is recorded as not generated
│   ├── RateLimited         .retry_after; the runner backs off and retries
│   └── TransientProviderError
└── StoreError
    └── RunNotFound         no run has the id asked for
```

Every message says what is wrong and how to fix it. Bugs are not wrapped: they stay loud.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CodeevalError(Exception):
    """Base of every error codeeval raises on purpose."""


class UserError(CodeevalError):
    """A mistake the user can fix; the CLI prints it on one line and exits with status 2."""


class UnknownName(UserError):
    """A name (task, provider, metric, executor, renderer, store) that nothing is registered as."""

    def __init__(self, kind: str, name: str, known: Iterable[str], hint: str = "") -> None:
        self.kind, self.name, self.known = kind, name, sorted(known)
        listed = ", ".join(self.known) if self.known else "(none)"
        self.suggestions = difflib.get_close_matches(name, self.known, n=3, cutoff=0.75)
        guess = " or ".join(repr(s) for s in self.suggestions)
        message = f"unknown {kind} {name!r}" + (f" (did you mean {guess}?)" if guess else "")
        message += f"; known: {listed}"
        super().__init__(f"{message}. {hint}" if hint else message)


class MissingApiKey(UserError):
    """A hosted provider was asked for but its key variable is not set."""

    def __init__(self, env_var: str, model: str) -> None:
        self.env_var = env_var
        super().__init__(
            f"set {env_var} to use {model} (export {env_var}=...), or pick another --model"
        )


class MissingDependency(UserError):
    """An optional dependency is not installed."""

    def __init__(
        self, package: str, extra: str | None = None, install: str | None = None, why: str = ""
    ) -> None:
        self.package = package
        fix = f"pip install 'codeeval[{extra}]'" if extra else f"pip install {install or package}"
        super().__init__(f"{package} is not installed{why}; install it with: {fix}")


class BadTaskFile(UserError):
    """A task folder or benchmark file is missing a file or has a malformed one."""


class BadInputFile(UserError):
    """An input file given on the command line (samples JSONL, problems file) cannot be read."""


class BadConfig(UserError):
    """A configuration value (flag, environment variable, codeeval.toml) is invalid."""


class OutputNotWritable(UserError):
    """A file codeeval was asked to write (results, a report) cannot be written."""


class NothingToGrade(UserError):
    """Every selected task's reference solution fails its own tests: the run grades nothing.

    `run` stops with it (exit 2); `nightly` judges the run it started red instead.
    """


class ProviderError(CodeevalError):
    """A generation failed for good; the sample is recorded as `generation_error`."""


class RateLimited(ProviderError):
    """The provider answered 429; `retry_after` is its Retry-After in seconds, if it sent one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientProviderError(ProviderError):
    """A failure worth retrying: 5xx, timeout, dropped connection."""


class StoreError(CodeevalError):
    """The results database cannot be opened or written."""


class RunNotFound(StoreError):
    """No run in the database has the id asked for."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        super().__init__(f"no run {run_id} in this database; list the runs with: codeeval runs")


def os_error_reason(exc: OSError) -> str:
    """Why a file or folder could not be made or written, in words, for a one-line error."""
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "a file is in the way of a folder"
    return str(exc.strerror or exc)
