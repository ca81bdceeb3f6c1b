"""tinybench: eight small HumanEval-style problems written for codeeval, shipped as JSONL.

The worked example of a benchmark loader (docs/benchmarks.md): a module in `tasks/` whose
`load()` reads a data file that ships beside it. Run it with `--tasks tinybench` or
`--tasks tinybench/0..3`. The problems are codeeval's own, under codeeval's licence.
"""

from collections.abc import Iterable
from pathlib import Path

from codeeval.task import read_jsonl_tasks
from codeeval.types import Task

DATA = Path(__file__).with_name("tinybench.jsonl")


def load() -> Iterable[Task]:
    """The eight tinybench problems, as tasks `tinybench/0` .. `tinybench/7`."""
    return read_jsonl_tasks(DATA, "tinybench")
