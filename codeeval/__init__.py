"""codeeval: measure how well language models write code.

The public API is what `__all__` lists; everything else may change between releases.
"""

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
from codeeval.types import (
    ExecJob,
    ExecResult,
    Generation,
    GenerationRequest,
    SampleKey,
    Status,
    Task,
)

__version__ = "0.1.0"

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
    "ProviderError",
    "RateLimited",
    "SampleKey",
    "Status",
    "Task",
    "TransientProviderError",
    "UnknownName",
    "UserError",
    "__version__",
]
