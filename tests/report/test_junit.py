"""The JUnit report: one case per task and model, parsable, failures where nothing passed."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from codeeval.report import build_report, render
from tests.report.test_build import DOWN, F, P, _run
from tests.report.test_html import hostile_run


def test_one_case_per_task_and_model_failing_where_no_sample_passed() -> None:
    data = build_report(
        _run(1, {("a", "m"): [P, F], ("b", "m"): [F, F], ("a", "down"): [DOWN, DOWN]})
    )
    root = ElementTree.fromstring(render(data, "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert list(suites) == ["m", "down"]
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert list(cases) == [("m", "a"), ("m", "b"), ("down", "a")]
    assert cases[("m", "a")].find("failure") is None
    assert cases[("m", "a")].findtext("system-out") == "1 of 2 graded sample(s) passed"
    failure = cases[("m", "b")].find("failure")
    assert failure is not None and failure.get("type") == "failed"
    assert failure.get("message") == "0 of 2 sample(s) passed; sample 0: a test failed"
    error = cases[("down", "a")].find("error")
    assert error is not None
    assert error.get("message") == "no sample graded: HTTP 500 on a"
    assert suites["down"].get("errors") == "1" and suites["m"].get("failures") == "1"


def test_hostile_answers_stay_well_formed_xml() -> None:
    xml = render(build_report(hostile_run()), "junit")
    root = ElementTree.fromstring(xml)  # a control character would make this raise
    (failure,) = [
        case.find("failure") for case in root.iter("testcase") if case.get("classname") == "evil<b>"
    ]
    assert failure is not None
    assert "test_<script>window.pwned" in (failure.get("message") or "")
    assert "\\x1b[31m" in (failure.get("message") or "")
    assert "\x1b" not in xml
