"""`run_nightly`: run the matrix, pick the baseline, decide red or green, write every report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from codeeval.config import RunSettings
from codeeval.errors import NothingToGrade
from codeeval.listener import ForwardingListener, RunListener
from codeeval.nightly.settings import NightlyPolicy
from codeeval.nightly.verdict import decide

if TYPE_CHECKING:
    from codeeval.evaluation import RunResult
    from codeeval.report import ReportData, UnwrittenReport, Verdict
    from codeeval.store import RunSummary, Store

LAST_GOOD = "last good night"


@dataclass(frozen=True, slots=True)
class Judgement:
    """A night judged: its report (comparison and verdict filled) and the baseline used."""

    report: ReportData
    baseline: RunSummary | None

    @property
    def verdict(self) -> Verdict:
        """The night's verdict."""
        assert self.report.verdict is not None
        return self.report.verdict


@dataclass(frozen=True, slots=True)
class NightlyResult:
    """What `run_nightly` did.

    Attributes:
        run_id: The night's run id.
        judgement: The report with its comparison and verdict, and the baseline.
        report_files: Each format's file.
        unwritten_reports: Report files that could not be written, and why.
        run: The run, as `codeeval.evaluate` returned it; None when it stopped with nothing
            to grade (every task's reference failing: a red night all the same).
    """

    run_id: int
    judgement: Judgement
    report_files: Mapping[str, Path] = field(default_factory=dict)
    unwritten_reports: tuple[UnwrittenReport, ...] = ()
    run: RunResult | None = None

    @property
    def verdict(self) -> Verdict:
        """Red or green, with every problem and the one-line summary."""
        return self.judgement.verdict

    @property
    def report(self) -> ReportData:
        """The night's report, comparison and verdict included."""
        return self.judgement.report

    @property
    def exit_code(self) -> int:
        """1 when the night is red, 0 when all is well."""
        return 1 if self.verdict.red else 0


def run_nightly(
    settings: RunSettings | None = None,
    policy: NightlyPolicy | None = None,
    *,
    listener: RunListener | None = None,
) -> NightlyResult:
    """Run the night's matrix, judge it against its baseline, store the verdict, write reports.

    The run itself is `codeeval.evaluate` with `settings` (its baseline and formats are the
    night's business: it compares and writes reports after judging). The baseline is
    `policy.baseline` when set (a pinned name or a run id), else the last good night of the
    matrix `policy.name`, never simply the previous night.

    Raises:
        UserError: as `codeeval.evaluate`, or a pinned baseline that does not exist (checked
            before anything is paid for).
    """
    from codeeval.evaluation import evaluate
    from codeeval.report import write_reports
    from codeeval.store import open_store

    settings = settings or RunSettings()
    policy = policy or NightlyPolicy()
    store = open_store(settings.output.db)
    try:
        if policy.baseline is not None:
            _pinned(store, policy.baseline)
    finally:
        store.close()
    quiet = settings.output.model_copy(update={"formats": (), "baseline": None})
    started = _RunId(listener or RunListener())
    result: RunResult | None = None
    try:
        result = evaluate(settings=replace(settings, output=quiet), listener=started)
    except NothingToGrade:
        if started.run_id is None:
            raise
    run_id = result.run_id if result is not None else started.run_id
    assert run_id is not None
    store = open_store(settings.output.db)
    try:
        judgement = judge(store, run_id, policy, settings.output.regression_threshold)
        verdict, comparison = judgement.verdict, judgement.report.comparison
        store.save_verdict(
            run_id,
            policy.name,
            verdict.red,
            verdict.summary,
            baseline_run=comparison.baseline_run if comparison is not None else None,
            baseline_reason=comparison.baseline_reason if comparison is not None else "",
            problems=[problem.model_dump() for problem in verdict.problems],
        )
    finally:
        store.close()
    files = write_reports(
        judgement.report, settings.output.report_folder(run_id), settings.output.formats
    )
    return NightlyResult(run_id, judgement, files.written, files.failed, result)


class _RunId(ForwardingListener):
    """Passes everything on, and keeps the id of the run started."""

    def __init__(self, listener: RunListener) -> None:
        super().__init__(listener)
        self.run_id: int | None = None

    def started(self, run_id: int) -> None:
        self.run_id = run_id
        self.listener.started(run_id)


def _pinned(store: Store, wanted: str) -> RunSummary:
    from codeeval.report.stored import resolve_baseline

    return store.run_summary(resolve_baseline(store, wanted))


def judge(
    store: Store, run_id: int, policy: NightlyPolicy, regression_threshold: float = 0.05
) -> Judgement:
    """Judge stored run `run_id` as a night of `policy.name`: compare, find every problem.

    Raises:
        RunNotFound: no such run, or a pinned baseline run that is gone.
        BadConfig: a pinned baseline name that is not pinned.
    """
    from codeeval.report import build_report

    record = store.load_run(run_id)
    baseline: RunSummary | None
    if policy.baseline is not None:
        baseline = _pinned(store, policy.baseline)
        reason = (
            f"pinned as {policy.baseline!r}"
            if not policy.baseline.isdigit()
            else "given with --baseline"
        )
    else:
        baseline, reason = store.last_good_run(policy.name, run_id), LAST_GOOD
    data = build_report(
        record,
        store.load_run(baseline.id) if baseline is not None else None,
        regression_threshold,
        baseline_reason=reason,
        metric_thresholds=policy.thresholds,
        require_significance=policy.require_significance,
    )
    data.verdict = decide(
        record,
        data.comparison,
        baseline,
        reason=reason,
        max_failure_share=policy.max_failure_share,
    )
    return Judgement(data, baseline)
