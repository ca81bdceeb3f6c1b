"""The task's own reference solution as a model: a ceiling row that proves the grader works."""

from __future__ import annotations

from typing import ClassVar

from codeeval.provider import StaticProvider
from codeeval.types import Generation, GenerationRequest


class ReferenceProvider(StaticProvider):
    """Answers every task with its reference solution in a fenced block, at no cost."""

    max_concurrency: ClassVar[int] = 32
    cacheable: ClassVar[bool] = False

    def __init__(self, model: str = "", *, base_url: str | None = None) -> None:
        self.model = model

    def generate(self, request: GenerationRequest) -> Generation:
        """Return the reference solution of `request.task` as a markdown answer."""
        code = request.task.reference.rstrip("\n")
        return Generation(
            text=f"Reference solution:\n\n```python\n{code}\n```\n",
            finish_reason="stop",
            served_model="reference",
            latency_s=0.0,
        )


PROVIDER = ReferenceProvider
