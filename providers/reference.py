"""The task's own reference solution as a model: a ceiling row that proves the grader works."""

from __future__ import annotations

from codeeval.provider import BaseProvider
from codeeval.types import Generation, GenerationRequest


class ReferenceProvider(BaseProvider):
    """Answers every task with its reference solution in a fenced block, at no cost."""

    requires_model = False
    cacheable = False
    max_concurrency = 32

    def __init__(self, model: str = "", *, base_url: str | None = None) -> None:
        super().__init__(model)

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
