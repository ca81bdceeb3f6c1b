"""The HTML report: self-contained, every model text escaped, a strict policy, charts drawn."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from codeeval.report import ReportData, build_report, render
from codeeval.report.data import MetricChange, Problem, RunComparison, TaskFlip, Verdict
from codeeval.reports.html import LARGE_REPORT_CELLS, MAX_SAMPLES_PER_CELL
from codeeval.scoring import scores_to_store
from codeeval.store import GenerationRecord, RunRecord, SampleRow
from codeeval.types import CaseResult, ExecResult, SampleKey, SampleResult, Status
from tests.report.test_build import DOWN, F, P, _run

HOSTILE = (
    "<script>window.pwned = 1; document.title = 'pwned'</script>"
    '<img src=x onerror="window.pwned = 2">\x1b[31m'
)
HOSTILE_CODE = f"def double(x):\n    # {HOSTILE}\n    return 2 * x\n"


class _Page(HTMLParser):
    """Every tag with its attributes, and the text of each <style> and <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in self.inline else None
        if self._open:
            self.inline[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline[self._open][-1] += data


def hostile_run() -> RunRecord:
    """Two models, one answer full of markup, one model that never answered."""
    base = _run(1, {("a", "good"): [P, F], ("b", "good"): [P, P], ("a", "down"): [DOWN]})
    key = SampleKey("b", "evil<b>", 0)
    generation = GenerationRecord(
        prompt="Write double.",
        text=f"{HOSTILE}\n```python\n{HOSTILE_CODE}```",
        code=HOSTILE_CODE,
        extract_method="fence",
    )
    execution = ExecResult(
        "x",
        Status.FAILED,
        cases=(CaseResult("test_" + HOSTILE, Status.FAILED, HOSTILE),),
        stdout=HOSTILE,
    )
    evil = SampleRow(
        key,
        generation,
        SampleResult(key, Status.FAILED, scores_to_store(HOSTILE_CODE, F), execution),
    )
    spec = base.spec.__class__(**{**_spec_fields(base), "models": (*base.spec.models, "evil<b>")})
    return RunRecord(base.summary, spec, base.tasks, (*base.samples, evil))


def _spec_fields(record: RunRecord) -> dict[str, object]:
    spec = record.spec
    return {name: getattr(spec, name) for name in spec.__dataclass_fields__}


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_the_page_allows_only_its_own_style_and_script_by_hash() -> None:
    html = render(build_report(hostile_run()), "html")
    page = _parse(html)
    (policy,) = [
        attrs["content"]
        for tag, attrs in page.tags
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert policy is not None
    rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
    assert rules["default-src"] == "'none'"
    assert rules["img-src"] == "'none'"
    (style,), (script,) = page.inline["style"], page.inline["script"]
    assert rules["style-src"] == f"'{_digest(style)}'"
    assert rules["script-src"] == f"'{_digest(script)}'"
    assert "unsafe" not in policy


def test_model_output_is_text_never_markup() -> None:
    html = render(build_report(hostile_run()), "html")
    page = _parse(html)
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert "img" not in [tag for tag, _ in page.tags]
    handlers = [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    assert [tag for tag, attrs in page.tags if "style" in attrs] == []
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.pwned = 1" in html
    assert "evil&lt;b&gt;" in html and "evil<b>" not in html


def test_charts_are_inline_svg_with_data_marks() -> None:
    html = render(build_report(hostile_run()), "html")
    page = _parse(html)
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert [attrs["aria-label"] for attrs in svgs] == [
        "pass@1 per model (95% interval)",
        "pass@k by k (band: 95% interval where computed)",
        "Quality metrics per model (95% intervals)",
    ]
    marks = [attrs["id"] for tag, attrs in page.tags if (attrs.get("id") or "").startswith("data-")]
    # one pass@1 bar per graded model, one pass@k line per model
    assert len([m for m in marks if m.startswith("data-pass1-")]) == 2
    assert len([m for m in marks if re.fullmatch(r"data-passk-\d", m)]) == 2
    assert not re.search(r"\bhttps?://(?!www\.w3\.org/)", html)  # nothing to fetch


def test_every_sample_that_failed_can_be_opened_with_its_error_and_code() -> None:
    data = build_report(hostile_run())
    html = render(data, "html")
    assert 'id="cell-1-2"' in html  # task b, model evil<b>
    assert "test_&lt;script&gt;" in html  # the failing test's name, escaped
    highlighted = '<span class="k">def</span><span class="w"> </span><span class="nf">double</span>'
    assert highlighted in html
    assert "HTTP 500 on a" in html  # the failed generation
    assert "Generation failures" in html


def test_a_cell_shows_a_few_samples_and_the_command_for_the_rest() -> None:
    data = build_report(_run(1, {("a", "m"): [F] * (MAX_SAMPLES_PER_CELL + 2)}))
    html = render(data, "html")
    assert html.count('<details class="sample') == MAX_SAMPLES_PER_CELL
    assert (
        "2 more sample(s) not shown here: <code>python -m codeeval show 1 --task a --model m"
        in html
    )


def test_verdict_and_comparison_are_shown_when_present() -> None:
    data = build_report(hostile_run())
    data = data.model_copy(
        update={
            "verdict": Verdict(
                red=True,
                summary="compared with run 41 (2026-12-06, last good night): 1 regression",
                problems=[Problem(kind="outage", model="down", message="no generation succeeded")],
            ),
            "comparison": RunComparison(
                run_id=1,
                baseline_run=41,
                baseline_created_at="2026-12-06",
                baseline_reason="last good night",
                changes=[
                    MetricChange(
                        model="good",
                        metric="pass@1",
                        baseline=1.0,
                        current=0.5,
                        delta=-0.5,
                        low=-0.8,
                        high=-0.2,
                        p_value=0.01,
                        test="McNemar",
                        significant=True,
                        regression=True,
                    )
                ],
                flips=[TaskFlip(model="good", task_id="a", before="pass", after="fail", sample=1)],
                new_models=["evil<b>"],
            ),
        }
    )
    html = render(data, "html")
    assert '<div class="verdict red" id="verdict">' in html
    assert "Red night: compared with run 41 (2026-12-06, last good night): 1 regression" in html
    assert "no generation succeeded" in html
    assert "New model(s), no baseline: evil&lt;b&gt;" in html
    assert '<a href="#cell-0-0">open sample 1</a>' in html
    assert "[-0.8, -0.2]" in html


def test_a_large_report_inlines_only_samples_that_did_not_pass() -> None:
    tasks, models = 60, LARGE_REPORT_CELLS // 60 + 1
    verdicts = {
        (f"t{t}", f"m{m}"): [P if (t + m) % 4 else F] for t in range(tasks) for m in range(models)
    }
    data: ReportData = build_report(_run(1, verdicts))
    html = render(data, "html")
    failing = sum(1 for s in data.samples if s.status != "passed")
    assert html.count('<details class="sample') == failing
    assert "only samples that did not pass are shown" in html


def test_names_that_look_like_tex_are_drawn_as_they_are() -> None:
    data = build_report(_run(1, {("a", "$\\frac$"): [P], ("a", "m$x$"): [F]}))
    html = render(data, "html")
    assert "$\\frac$" in html and "m$x$" in html


def test_long_programs_fold_and_huge_ones_are_cut_in_the_page() -> None:
    from codeeval.reports.html import FOLD_LINES, MAX_PAGE_TEXT

    data = build_report(_run(1, {("a", "m"): [F, F]}))
    long_code = "x = 1\n" * (FOLD_LINES + 10)
    huge_code = "y = 2\n" * (MAX_PAGE_TEXT // 3)
    first, second = data.samples
    data = data.model_copy(
        update={
            "samples": [
                first.model_copy(update={"code": long_code}),
                second.model_copy(update={"code": huge_code}),
            ]
        }
    )
    html = render(data, "html")
    assert f"<details><summary>code ({FOLD_LINES + 10} lines)</summary>" in html
    assert f"… [cut here: {len(huge_code) - MAX_PAGE_TEXT} more characters; <code>" in html


def test_a_log_axis_is_labelled_with_plain_numbers() -> None:
    from reports._charts import scatter

    points = [("cheap", 2e-5, 0.5), ("dear", 3e-3, 0.9)]
    svg = scatter("Cost against pass@1", points, xlabel="cost", ylabel="pass@1", log_x=True)
    assert "mathdefault" not in svg and "$" not in svg
    assert "0.001" in svg and "0.0001" in svg
