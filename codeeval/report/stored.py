"""Reports of runs in a store: the baseline chosen, both runs loaded, the report built.

`run`, `show` and `report` (and library code through `codeeval.evaluate`) all build a stored
run's report here, so that each picks its baseline the same way.
"""

from __future__ import annotations

from codeeval.errors import BadConfig
from codeeval.report.build import build_report
from codeeval.report.data import ReportData
from codeeval.store import RunSummary, Store

# The baseline that `latest` names: the newest earlier finished run sharing a model and a task.
LATEST = "latest"


def find_baseline(store: Store, run_id: int, wanted: int | str | None) -> RunSummary | None:
    """The run that run `run_id` is compared with.

    Args:
        store: Where both runs are.
        run_id: The run to compare.
        wanted: A run id (an int, or its digits), "latest" (the newest finished run before
            `run_id` sharing a model and a task with it), the name of a pinned baseline
            (`codeeval baseline set NAME RUN`), or None for no comparison.

    Returns:
        The baseline run's summary; None when `wanted` is None, or "latest" finds none.

    Raises:
        BadConfig: `wanted` is neither a run id, "latest", nor a pinned baseline's name.
        RunNotFound: `wanted` (or `run_id`) names no run in `store`.
    """
    if wanted is None:
        return None
    if wanted == LATEST:
        return store.latest_comparable_run(run_id)
    return store.run_summary(resolve_baseline(store, wanted))


def resolve_baseline(store: Store, wanted: int | str) -> int:
    """The run id that `wanted` (a run id, its digits, or a pinned baseline's name) names.

    Raises:
        BadConfig: `wanted` is "latest" (which has no id by itself), or names no pinned
            baseline.
    """
    if isinstance(wanted, str) and wanted != LATEST and not wanted.isdigit():
        pinned = store.named_baseline(wanted)
        if pinned is None:
            known = ", ".join(b.name for b in store.named_baselines()) or "none yet"
            raise BadConfig(
                f"--baseline: {wanted!r}: give a run id, '{LATEST}' or the name of a pinned "
                f"baseline (pinned here: {known})"
            )
        return pinned.run_id
    return baseline_id(wanted)


def baseline_reason(wanted: int | str | None) -> str:
    """How a report names the baseline `wanted` chose: "latest comparable run", ...."""
    if wanted is None:
        return ""
    if wanted == LATEST:
        return "latest comparable run"
    if isinstance(wanted, str) and not wanted.isdigit():
        return f"pinned as {wanted!r}"
    return "given with --baseline"


def baseline_id(wanted: int | str) -> int:
    """`wanted` as a run id.

    Raises:
        BadConfig: it is neither an int nor its digits (nor "latest", which has no id yet).
    """
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        return wanted
    if isinstance(wanted, str) and wanted.isdigit():
        return int(wanted)
    raise BadConfig(
        f"--baseline: {wanted!r}: give a run id, '{LATEST}' or a pinned baseline's name"
    )


def build_report_for(
    store: Store,
    run_id: int,
    *,
    baseline: int | str | None = None,
    regression_threshold: float = 0.05,
) -> ReportData:
    """The report of stored run `run_id`, compared with `baseline` (see `find_baseline`).

    Raises:
        BadConfig: `baseline` is neither a run id nor "latest".
        RunNotFound: `run_id` or `baseline` names no run in `store`.
    """
    record = store.load_run(run_id)
    chosen = find_baseline(store, run_id, baseline)
    return build_report(
        record,
        store.load_run(chosen.id) if chosen is not None else None,
        regression_threshold,
        baseline_reason=baseline_reason(baseline),
    )
