"""The history site: an index with trends, a page per run and per comparison, all linked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeeval.report import ReportData, gather_history, write_site
from codeeval.store.sql import SqlStore
from tests.report.test_build import F, P, _run
from tests.report.test_html import _parse
from tests.report.test_stored import _stored


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore(str(tmp_path / "results.db"))
    yield opened
    opened.close()


def _nights(store: SqlStore) -> list[int]:
    return [
        _stored(store, _run(0, {("a", "m"): [P, P], ("b", "m"): [P, F], ("a", "n"): [F, F]})),
        _stored(store, _run(0, {("x", "other"): [P]})),  # shares nothing with the others
        _stored(store, _run(0, {("a", "m"): [F, F], ("b", "m"): [P, F], ("a", "n"): [P, P]})),
        _stored(store, _run(0, {("a", "m"): [P, F], ("b", "m"): [P, P]})),
    ]


def _links(page: Path) -> list[str]:
    parsed = _parse(page.read_text())
    return [attrs["href"] or "" for tag, attrs in parsed.tags if tag == "a" and "href" in attrs]


def test_every_page_is_written_linked_and_under_the_policy(store: SqlStore, tmp_path: Path) -> None:
    one, other, three, four = _nights(store)
    site = gather_history(store)
    assert [data.run.id for data in site.runs] == [one, other, three, four]
    assert [data.baseline_run for data in site.runs] == [None, None, one, three]
    written = write_site(site, tmp_path / "site")
    names = sorted(path.name for path in written)
    assert names == sorted(
        ["index.html"]
        + [f"run-{n}.html" for n in (one, other, three, four)]
        + [f"compare-{three}-{one}.html", f"compare-{four}-{three}.html"]
    )
    for path in written:
        html = path.read_text()
        metas = [a for tag, a in _parse(html).tags if tag == "meta" and "http-equiv" in a]
        assert (metas[0]["content"] or "").startswith("default-src 'none';")
        assert "<link" not in html
        for href in _links(path):
            assert href.startswith("#") or (tmp_path / "site" / href).is_file(), (path, href)
    index = (tmp_path / "site" / "index.html").read_text()
    assert f'<a href="compare-{four}-{three}.html">run {three}</a>' in index
    assert f'<a href="run-{one}.html">run {one}</a>' in index
    # one trend chart per headline metric, a line per model that has values
    charts = re.findall(r'aria-label="([^"]+) across runs"', index)
    assert charts[:2] == ["compile rate", "pass@1"]
    assert len(re.findall(r'id="data-trend-pass1-\d"', index)) == 3  # m, n, other
    compare = (tmp_path / "site" / f"compare-{three}-{one}.html").read_text()
    assert f"Run {three} against run {one}" in compare
    # m on task a went from 2/2 to 0/2: a regression, and a worse row side by side
    assert '<tr class="bad"><td>m</td><td>pass@1</td><td class="num">75%' in compare
    assert "(all shared tasks)" in compare


def test_the_site_of_one_model_shows_only_its_runs_and_trends(
    store: SqlStore, tmp_path: Path
) -> None:
    one, _, three, _ = _nights(store)
    site = gather_history(store, model="n", limit=5)
    assert [data.run.id for data in site.runs] == [one, three]
    index = write_site(site, tmp_path / "site")[0].read_text()
    assert len(re.findall(r'id="data-trend-pass1-\d"', index)) == 1


def test_a_night_is_compared_with_the_last_good_night_and_shows_its_verdict(
    store: SqlStore, tmp_path: Path
) -> None:
    one, other, three, four = _nights(store)
    store.save_verdict(one, "team", red=False, summary="no earlier run of this matrix")
    store.save_verdict(three, "team", red=True, summary="compared with run 1: 1 regression")
    store.save_verdict(four, "team", red=False, summary="compared with run 1: no regression")
    site = gather_history(store)
    # the red night 3 is never a baseline: night 4 is compared with night 1
    assert [data.baseline_run for data in site.runs] == [None, None, one, one]
    assert [data.verdict.red if data.verdict else None for data in site.runs] == [
        False,
        None,
        True,
        False,
    ]
    write_site(site, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text()
    assert '<td class="bad" title="compared with run 1: 1 regression">red</td>' in index
    compare = (tmp_path / "site" / f"compare-{four}-{one}.html").read_text()
    assert "the last good night of its matrix." in compare


def test_a_night_keeps_the_baseline_it_was_judged_against_and_its_problems(
    store: SqlStore, tmp_path: Path
) -> None:
    one, _, three, four = _nights(store)
    store.save_verdict(one, "team", red=False, summary="no earlier run of this matrix")
    store.save_verdict(three, "team", red=False, summary="compared with run 1: no regression")
    regression = {
        "kind": "regression",
        "model": "m",
        "task_id": None,
        "message": "pass@1 <fell> 100% -> 75%",
    }
    store.save_verdict(
        four,
        "team",
        red=True,
        summary=f"compared with run {one} (pinned as 'prod'): 1 regression",
        baseline_run=one,
        baseline_reason="pinned as 'prod'",
        problems=[regression],
    )
    site = gather_history(store)
    # night 4 was judged against the pinned run 1, not the last good night (3)
    assert [data.baseline_run for data in site.runs] == [None, None, one, one]
    night = site.runs[-1]
    assert night.comparison is not None and night.comparison.baseline_reason == "pinned as 'prod'"
    assert night.verdict is not None
    assert [p.model_dump() for p in night.verdict.problems] == [regression]
    write_site(site, tmp_path / "site")
    page = (tmp_path / "site" / f"compare-{four}-{one}.html").read_text()
    assert "), its baseline, pinned as &#39;prod&#39;." in page
    run_page = (tmp_path / "site" / f"run-{four}.html").read_text()
    assert "pass@1 &lt;fell&gt; 100% -&gt; 75%" in run_page


def test_a_stored_baseline_that_is_gone_falls_back_to_the_last_good_night(
    store: SqlStore,
) -> None:
    one, _, three, four = _nights(store)
    store.save_verdict(one, "team", red=False, summary="first")
    store.save_verdict(four, "team", red=False, summary="pinned", baseline_run=999)
    site = gather_history(store)
    assert site.runs[-1].baseline_run == one


@pytest.mark.parametrize(("before", "after", "worse"), [(1.10, 1.03, False), (1.03, 1.10, True)])
def test_time_against_the_reference_is_worse_when_it_grows(
    tmp_path: Path, before: float, after: float, worse: bool
) -> None:
    from codeeval.report import HistorySite, MetricValue, build_report

    def timed(run_id: int, efficiency: float) -> ReportData:
        data = build_report(_run(run_id, {("a", "m"): [P, P]}))
        data.models[0].metrics["efficiency"] = MetricValue(value=efficiency)
        return data

    base, night = timed(1, before), timed(2, after)
    night.baseline_run = 1
    write_site(HistorySite(runs=[base, night]), tmp_path / "site")
    page = (tmp_path / "site" / "compare-2-1.html").read_text()
    (row,) = [line for line in page.splitlines() if "<td>time vs reference</td>" in line]
    assert row.startswith('<tr class="bad">') == worse
    assert "the run before it sharing a model and a task." in page
