"""The HumanEval benchmark as tasks, and every canonical solution passing under the grader."""

from __future__ import annotations

import json

from codeeval.sandbox.local import LocalExecutor
from codeeval.task import content_hash, load_benchmark, select_tasks
from codeeval.task.prepare import prepare_tasks
from codeeval.types import Status


def test_the_164_problems_load_as_completion_tasks() -> None:
    tasks = load_benchmark("humaneval")
    assert [task.id for task in tasks] == [f"humaneval/{n}" for n in range(164)]
    first = tasks[0]
    assert first.title == "HumanEval/0"
    assert first.prompt_style == "completion"
    assert first.entry_point == "has_close_elements"
    assert first.prompts == {"en": first.code_prefix}
    assert first.reference.startswith(first.code_prefix) and "return False" in first.reference
    assert "def check(candidate):" in first.tests
    assert first.tags == ("humaneval",)
    assert len({task.content_hash for task in tasks}) == 164
    assert select_tasks(["humaneval/3..5"])[0].id == "humaneval/3"


def test_the_content_hash_covers_the_whole_record() -> None:
    (task,) = select_tasks(["humaneval/7"])
    assert task.content_hash != content_hash([("problem.json", json.dumps({}).encode())])
    assert task.content_hash == select_tasks(["humaneval/7"])[0].content_hash


def test_all_164_canonical_solutions_pass(executor: LocalExecutor) -> None:
    tasks = load_benchmark("humaneval")
    prepared = prepare_tasks(tasks, executor)
    failing = {task_id: p.problem for task_id, p in prepared.items() if not p.ok}
    assert failing == {}
    jobs = [prepared[t.id].job(t.reference[len(t.code_prefix) :], t.id) for t in tasks]
    statuses = {result.job_id: result.status for result in executor.run(jobs)}
    assert set(statuses.values()) == {Status.PASSED}
    assert len(statuses) == 164
