"""The report builder on stored runs made here: aggregates, intervals, comparisons, failures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from codeeval.report import build_report, find_regressions
from codeeval.scoring import pass_at_k, scores_to_store
from codeeval.store import GenerationRecord, RunRecord, RunSummary, SampleRow, TaskRecord
from codeeval.types import RunSpec, SampleKey, SampleResult, Status

CODE = "def double(x):\n    # twice x\n    return 2 * x\n"
P, F = Status.PASSED, Status.FAILED
# A generation that failed for good: stored with its error, never graded.
DOWN = None

Verdicts = Mapping[tuple[str, str], Sequence[Status | None]]


def _row(task: str, model: str, index: int, status: Status | None) -> SampleRow:
    key = SampleKey(task, model, index)
    if status is DOWN:
        generation = GenerationRecord(prompt="p", text=None, error=f"HTTP 500 on {task}")
        return SampleRow(key, generation, None)
    generation = GenerationRecord(
        prompt="p", text=f"```python\n{CODE}```", code=CODE, input_tokens=10, output_tokens=20
    )
    scores = scores_to_store(CODE, status)
    return SampleRow(key, generation, SampleResult(key, status, scores))


def _run(
    run_id: int,
    verdicts: Verdicts,
    *,
    hashes: Mapping[str, str] | None = None,
    samples: int | None = None,
) -> RunRecord:
    tasks = tuple(dict.fromkeys(task for task, _ in verdicts))
    models = tuple(dict.fromkeys(model for _, model in verdicts))
    hashes = {task: (hashes or {}).get(task, f"hash-{task}") for task in tasks}
    rows = tuple(
        _row(task, model, index, status)
        for (task, model), statuses in verdicts.items()
        for index, status in enumerate(statuses)
    )
    spec = RunSpec(
        tasks=tasks,
        models=models,
        samples=samples or max(len(statuses) for statuses in verdicts.values()),
        temperature=0.8,
        lang="en",
        config={},
        machine={},
        task_hashes=hashes,
        codeeval_version="0.1.0",
    )
    summary = RunSummary(run_id, "2026-12-07", "2026-12-07", "finished", models, tasks, 0, 0)
    records = {task: TaskRecord(task, hashes[task], 1.0, True) for task in tasks}
    return RunRecord(summary, spec, records, rows)


def test_each_model_is_the_mean_over_tasks_of_its_samples() -> None:
    record = _run(
        1,
        {
            ("a", "m1"): [P, P, P, F],
            ("b", "m1"): [F, F, F, F],
            ("a", "m2"): [P, P, P, P],
            ("b", "m2"): [P, F, P, F],
        },
    )
    data = build_report(record)
    assert data.ks == [1, 2, 4]
    m1, m2 = data.models
    assert (m1.model, m1.tasks, m1.samples) == ("m1", 2, 8)
    assert m1.pass_at[1].value == pytest.approx((0.75 + 0.0) / 2)
    assert m2.pass_at[1].value == pytest.approx((1.0 + 0.5) / 2)
    assert m2.pass_at[2].value == pytest.approx((1.0 + pass_at_k(4, 2, 2)) / 2)
    assert m1.pass_at_every_k == {
        k: pytest.approx((pass_at_k(4, 3, k) + 0.0) / 2) for k in (1, 2, 3, 4)
    }
    assert m1.statuses == {"passed": 3, "failed": 5}
    assert m1.metrics["compiles"] is not None and m1.metrics["compiles"].value == 1.0
    # Per task and model: n, c and pass@1.
    (row_a, row_b) = data.tasks
    assert (row_a.task_id, row_a.cells["m1"].n, row_a.cells["m1"].c) == ("a", 4, 3)
    assert row_b.cells["m2"].pass_at_1 == 0.5


def test_intervals_hold_their_value_and_collapse_without_spread() -> None:
    record = _run(
        1,
        {(task, "m"): [P, F, P, F] for task in "abcdef"} | {("g", "m"): [P, P, P, P]},
    )
    (model,) = build_report(record).models
    estimate = model.pass_at[1]
    assert estimate.low is not None and estimate.high is not None
    assert estimate.low < estimate.value < estimate.high
    assert 0.0 <= estimate.low and estimate.high <= 1.0
    same = build_report(_run(1, {("a", "m"): [P, P], ("b", "m"): [P, P]}))
    assert same.models[0].pass_at[1].value == 1.0
    assert same.models[0].pass_at[1].low == same.models[0].pass_at[1].high == 1.0


def test_two_models_on_the_same_tasks_get_a_paired_comparison() -> None:
    record = _run(
        1,
        {
            (task, model): [P] if model == "good" else [F]
            for task in "abcdefgh"
            for model in ("good", "bad")
        },
    )
    (comparison,) = build_report(record).comparisons
    assert (comparison.model_a, comparison.model_b, comparison.tasks) == ("bad", "good", 8)
    assert comparison.difference == -1.0
    assert comparison.significant and comparison.method == "exact McNemar"
    assert comparison.p_value == pytest.approx(2 / 2**8)  # 8 discordant pairs, all one way


def test_failed_generations_are_counted_and_left_out_of_every_metric() -> None:
    record = _run(1, {("a", "m"): [P, DOWN, F, DOWN], ("b", "m"): [DOWN, DOWN]}, samples=4)
    data = build_report(record)
    (model,) = data.models
    assert (model.tasks, model.samples, model.generation_errors) == (1, 2, 4)
    assert model.pass_at[1].value == 0.5  # of the two graded samples of task a
    (failure,) = data.generation_failures
    assert (failure.model, failure.count, failure.first_error) == ("m", 4, "HTTP 500 on a")
    lines = {(line.task_id, line.sample_index): line for line in data.samples}
    assert lines[("a", 1)].status == "generation_error"
    assert lines[("a", 1)].error == "HTTP 500 on a"
    assert lines[("b", 0)].scores == {}
    assert data.tasks[1].cells["m"].n == 0


def test_regressions_per_model_and_per_task() -> None:
    before = _run(
        1,
        {(task, "m"): [P, P] for task in "abcd"} | {(task, "steady"): [P, F] for task in "abcd"},
    )
    now = _run(
        2,
        {("a", "m"): [F, F], ("b", "m"): [P, F], ("c", "m"): [P, P], ("d", "m"): [P, P]}
        | {(task, "steady"): [F, P] for task in "abcd"},
    )
    found = find_regressions(now, before, threshold=0.05)
    assert [(r.model, r.task_id, r.baseline, r.current) for r in found] == [
        ("m", None, 1.0, pytest.approx(0.625)),
        ("m", "a", 1.0, 0.0),  # per task: a drop of more than half
    ]
    assert found[0].delta == pytest.approx(-0.375) and found[0].metric == "pass@1"
    assert not found[1].significant
    assert find_regressions(now, before, threshold=0.5) == [found[1]]
    data = build_report(now, before)
    assert data.baseline_run == 1 and data.regressions == found


def test_edited_tasks_and_new_models_are_never_regressions() -> None:
    before = _run(1, {("a", "m"): [P, P], ("b", "m"): [P, P]})
    edited = _run(
        2,
        {("a", "m"): [F, F], ("b", "m"): [P, P], ("a", "new"): [F, F]},
        hashes={"a": "hash-a-edited"},
    )
    assert find_regressions(edited, before) == []
    same = _run(3, {("a", "m"): [F, F], ("b", "m"): [P, P]})
    assert [(r.model, r.task_id) for r in find_regressions(same, before)] == [
        ("m", None),
        ("m", "a"),
    ]
