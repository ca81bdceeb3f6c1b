"""RunComparison: per model and metric, per task, flips with samples to open, new and edited."""

from __future__ import annotations

import pytest

from codeeval.report import build_report
from codeeval.report.comparison import compare_runs, fisher_exact
from tests.report.test_build import DOWN, F, P, _run


def test_a_model_that_got_worse_has_its_change_its_test_and_its_flipped_tasks() -> None:
    before = _run(1, {(task, "m"): [P, P] for task in "abcdefgh"})
    now = _run(2, {("a", "m"): [P, F], ("b", "m"): [F, F]} | {(t, "m"): [P, P] for t in "cdefgh"})
    comparison = compare_runs(now, before, reason="last good night")
    assert (comparison.run_id, comparison.baseline_run) == (2, 1)
    assert comparison.baseline_reason == "last good night"
    overall = {c.metric: c for c in comparison.changes if c.task_id is None}
    pass1 = overall["pass@1"]
    assert (pass1.baseline, pass1.current) == (1.0, pytest.approx(1 - 1.5 / 8))
    assert pass1.delta == pytest.approx(-1.5 / 8)
    assert pass1.test == "paired bootstrap" and pass1.regression
    assert pass1.low is not None and pass1.high is not None and pass1.low <= pass1.delta
    per_task = {c.task_id: c for c in comparison.changes if c.task_id is not None}
    assert set(per_task) == {"a", "b"}  # unchanged tasks are not listed
    assert per_task["b"].regression and not per_task["a"].regression  # b fell by 1, a by 1/2
    assert per_task["b"].test == "Fisher exact"
    assert per_task["b"].p_value == pytest.approx(1 / 3)
    (flip,) = comparison.flips  # a is at 0.5: still passing
    assert (flip.task_id, flip.before, flip.after, flip.sample, flip.baseline_sample) == (
        "b",
        "pass",
        "fail",
        0,
        0,
    )
    assert "compiles" in overall and not overall["compiles"].regression  # no threshold set


def test_a_fixed_task_flips_back_with_the_passing_sample_to_open() -> None:
    before = _run(1, {("a", "m"): [F, F, F]})
    now = _run(2, {("a", "m"): [F, P, P]})
    (flip,) = compare_runs(now, before).flips
    assert (flip.before, flip.after, flip.sample, flip.baseline_sample) == ("fail", "pass", 1, 0)
    assert not any(change.regression for change in compare_runs(now, before).changes)


def test_new_models_new_tasks_and_edited_tasks_are_listed_not_compared() -> None:
    before = _run(1, {("a", "m"): [P], ("b", "m"): [P]})
    now = _run(
        2,
        {("a", "m"): [F], ("b", "m"): [P], ("c", "m"): [F], ("a", "new"): [F]},
        hashes={"a": "hash-a-edited"},
    )
    comparison = compare_runs(now, before)
    assert comparison.new_models == ["new"]
    assert comparison.new_tasks == ["c"]
    assert comparison.edited_tasks == ["a"]
    assert not comparison.flips
    assert not any(change.regression for change in comparison.changes)
    assert {change.model for change in comparison.changes} == {"m"}


def test_other_metrics_count_only_beyond_their_threshold_in_their_bad_direction() -> None:
    before = _run(1, {(task, "m"): [P] for task in "abcd"})
    now = _run(2, {(task, "m"): [F] for task in "abcd"})
    loose = compare_runs(now, before, threshold=1.0, metric_thresholds={"compiles": 0.0})
    assert not any(change.regression for change in loose.changes)  # compiles did not move
    strict = compare_runs(now, before, threshold=0.05, require_significance=True)
    (pass1,) = [c for c in strict.changes if c.metric == "pass@1" and c.task_id is None]
    assert pass1.significant is False and not pass1.regression  # 4 tasks: McNemar p = 1/8
    assert compare_runs(now, before, threshold=0.05).changes[1].regression


def test_the_report_carries_the_comparison_and_its_regressions_agree() -> None:
    before = _run(1, {("a", "m"): [P, P], ("b", "m"): [P, P]})
    now = _run(2, {("a", "m"): [F, F], ("b", "m"): [P, P, DOWN]}, samples=2)
    data = build_report(now, before, baseline_reason="given")
    assert data.comparison is not None and data.comparison.baseline_reason == "given"
    flagged = [(c.model, c.task_id, c.metric) for c in data.comparison.changes if c.regression]
    assert [(r.model, r.task_id, r.metric) for r in data.regressions] == flagged
    assert flagged == [("m", None, "pass@1"), ("m", "a", "pass@1")]
    assert build_report(now).comparison is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((0, 2, 2, 2), 1 / 3),
        ((0, 5, 5, 5), 2 / 252),
        ((1, 1, 0, 1), 1.0),
        ((3, 3, 3, 3), 1.0),
        ((0, 0, 1, 1), 1.0),
    ],
)
def test_fisher_exact_matches_hand_computed_values(
    counts: tuple[int, int, int, int], expected: float
) -> None:
    assert fisher_exact(*counts) == pytest.approx(expected)


def test_counts_are_never_tested_as_pass_or_fail() -> None:
    before = _run(1, {(task, "m"): [P] for task in "abcd"})
    now = _run(2, {(task, "m"): [F] for task in "abcd"})
    tests = {c.metric: c.test for c in compare_runs(now, before).changes if c.task_id is None}
    assert tests["pass@1"] == "exact McNemar"
    assert tests["max_cyclomatic"] == "paired bootstrap"  # a value of 1 is not a pass


def test_the_markdown_report_shows_the_verdict_and_the_flipped_tasks() -> None:
    from codeeval.report import Problem, Verdict, render

    before = _run(1, {("a", "m"): [P]})
    data = build_report(_run(2, {("a", "m"): [F]}), before, baseline_reason="last good night")
    data.verdict = Verdict(
        red=True,
        problems=[Problem(kind="outage", model="m", message="m: <script>x</script>")],
        summary="compared with run 1 (2026-12-07, last good night): 2 regressions",
    )
    text = render(data, "markdown")
    assert "**Nightly verdict: RED**: compared with run 1 (2026-12-07, last good night)" in text
    assert "- outage: m: &lt;script&gt;x&lt;/script&gt;" in text
    assert "| m | a | pass | fail | 0 |" in text
