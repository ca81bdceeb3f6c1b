"""codeeval: measure how well language models write code.

`evaluate` runs tasks x models x samples as `codeeval run` does and returns a `RunResult`:

    import codeeval

    result = codeeval.evaluate(tasks="quicksort", models="reference", db="results.db")
    print(result.pass_at(1))

The public API is what `__all__` lists (with `codeeval.scoring`'s); everything else may
change between releases. `evaluate` and the settings' types are imported when first used,
so that `import codeeval.scoring` stays light (no pydantic).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from codeeval.errors import (
    BadConfig,
    BadTaskFile,
    CodeevalError,
    MissingApiKey,
    MissingDependency,
    ProviderError,
    RateLimited,
    TransientProviderError,
    UnknownName,
    UserError,
)
from codeeval.listener import RunListener
from codeeval.types import (
    ExecJob,
    ExecResult,
    Generation,
    GenerationRequest,
    SampleKey,
    Status,
    Task,
)

if TYPE_CHECKING:
    from codeeval.config import OutputSettings, RunDefinition, RunOptions, RunSettings
    from codeeval.evaluation import RunResult, evaluate

__version__ = "0.1.0"

# Public names defined in modules that load pydantic, by module.
_LAZY = {
    "OutputSettings": "codeeval.config",
    "RunDefinition": "codeeval.config",
    "RunOptions": "codeeval.config",
    "RunSettings": "codeeval.config",
    "RunResult": "codeeval.evaluation",
    "evaluate": "codeeval.evaluation",
}

__all__ = [
    "BadConfig",
    "BadTaskFile",
    "CodeevalError",
    "ExecJob",
    "ExecResult",
    "Generation",
    "GenerationRequest",
    "MissingApiKey",
    "MissingDependency",
    "OutputSettings",
    "ProviderError",
    "RateLimited",
    "RunDefinition",
    "RunListener",
    "RunOptions",
    "RunResult",
    "RunSettings",
    "SampleKey",
    "Status",
    "Task",
    "TransientProviderError",
    "UnknownName",
    "UserError",
    "__version__",
    "evaluate",
]


def __getattr__(name: str) -> object:
    """`evaluate` and the settings' types, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'codeeval' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
