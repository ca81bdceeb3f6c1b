"""The HTML report of a real run, opened in headless Chromium as a person would open it.

Four models: the reference, a replay file whose answer carries `<script>` and `<img onerror>`
payloads, and two OpenAI-compatible loopback servers, one answering and one failing every
request. The page must show no console error, draw its charts, open a sample's code, run none
of the payloads and fetch nothing. Screenshots stay in the test's tmp_path.

Chromium is Debian's (`/usr/bin/chromium`, installed by .ci/run), driven by the playwright
package; without it the test is skipped, unless CODEEVAL_REQUIRE_CHROMIUM=1 (CI) makes that a
failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codeeval.task import select_tasks
from tests.servers import openai_wire
from tests.servers.base import WireServer

CHROMIUM = os.environ.get("CODEEVAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAYLOAD = (
    "<script>window.pwned = 'script'; document.title = 'pwned'</script>"
    "<img src=x onerror=\"window.pwned = 'img'; document.title = 'pwned'\">"
)
TASKS = ("quicksort", "binary_search")


def _browser_or_skip() -> Any:
    """playwright's sync API, or a skip (a failure when CODEEVAL_REQUIRE_CHROMIUM=1)."""
    missing = None
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "the playwright package is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("CODEEVAL_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"CODEEVAL_REQUIRE_CHROMIUM=1 but {missing}")
        pytest.skip(missing)
    return sync_playwright


def _answers(tmp_path: Path) -> None:
    lines = []
    for task in select_tasks(list(TASKS)):
        code = f"# {PAYLOAD}\n{task.reference}"
        lines.append({"task_id": task.id, "completion": f"{PAYLOAD}\n```python\n{code}```"})
        lines.append({"task_id": task.id, "completion": "no code here " + PAYLOAD})
    (tmp_path / "answers.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))


def _real_run(tmp_path: Path, good: str, down: str) -> Path:
    (tmp_path / "codeeval.toml").write_text(
        '[endpoints.fast]\nprovider = "openai-compatible"\n'
        f'base_url = "{good}/v1"\n'
        '[endpoints.down]\nprovider = "openai-compatible"\n'
        f'base_url = "{down}/v1"\n'
        '[prices]\n"fast/coder" = [0.5, 1.5]\n'
    )
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CODEEVAL_CONFIG", None)
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "codeeval",
            "run",
            "--tasks",
            ",".join(TASKS),
            "--model",
            "reference,replay/answers.jsonl,fast/coder,down/coder",
            "--samples",
            "2",
            "--max-attempts",
            "1",
            "--format",
            "html",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode in (0, 1), ran.stderr
    (page,) = tmp_path.glob("codeeval-results/**/report.html")
    return page


def test_the_report_of_a_real_run_in_chromium(tmp_path: Path) -> None:
    sync_playwright = _browser_or_skip()
    _answers(tmp_path)
    (task,) = select_tasks(["quicksort"])
    answer = f"Sure:\n```python\n{task.reference}```\n"
    failing = openai_wire.error(400, "model is down for maintenance")
    with WireServer(openai_wire.chat(answer)) as good, WireServer(failing) as down:
        report = _real_run(tmp_path, good.url, down.url)
    assert len(down.requests) == 2 * len(TASKS)

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            def refuse(route: Any) -> None:
                if route.request.url != report.as_uri():
                    requests.append(route.request.url)
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", refuse)
            page.goto(report.as_uri())
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

            assert page.title() == "codeeval run 1"
            assert page.evaluate("typeof window.pwned") == "undefined"
            # charts: four SVGs, each with data marks that have a size
            labels = page.eval_on_selector_all(
                "svg.chart", "nodes => nodes.map(n => n.getAttribute('aria-label'))"
            )
            assert labels == [
                "pass@1 per model (95% interval)",
                "pass@k by k (band: 95% interval where computed)",
                "Quality metrics per model (95% intervals)",
                "Cost against pass@1",
            ]
            sized = page.eval_on_selector_all(
                "svg.chart [id^='data-']",
                "nodes => nodes.filter(n => n.getBBox().width > 0).length",
            )
            assert sized >= 3 + 2 * 3  # pass@1 bars, pass@k lines, quality panels

            # the heatmap opens a cell; its first sample shows its code
            page.click("#heat-table a[href='#cell-0-1']")
            assert page.evaluate("document.getElementById('cell-0-1').open") is True
            # failures come first: the answer with no code, then the passing one
            summaries = page.locator("#cell-0-1 > details.sample > summary")
            assert summaries.count() == 2
            assert "the response held no code to run" in summaries.nth(0).inner_text()
            summaries.nth(1).click()
            code = page.inner_text("#cell-0-1 details.sample.passed[open] pre.code")
            assert "def quicksort" in code and "<script>window.pwned" in code
            page.screenshot(path=str(tmp_path / "sample.png"), full_page=False)

            # the outage is shown: generation failures and the failing model's cells
            failures = page.inner_text("#failure-table")
            assert "down/coder" in failures and "model is down for maintenance" in failures

            # tables sort and filter
            page.click("#heat-table thead th:nth-child(3)")
            assert page.get_attribute("#heat-table thead th:nth-child(3)", "aria-sort") == (
                "ascending"
            )
            page.fill("input[data-filter='heat-table']", "binary")
            visible = page.eval_on_selector_all(
                "#heat-table tbody tr", "rows => rows.filter(r => !r.hidden).length"
            )
            assert visible == 1

            # having opened every fold, still nothing ran and nothing was fetched
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            page.screenshot(path=str(tmp_path / "everything.png"), full_page=True)
            assert page.evaluate("typeof window.pwned") == "undefined"
            assert page.title() == "codeeval run 1"
        finally:
            browser.close()
    assert errors == []
    assert requests == []
    assert (tmp_path / "report.png").stat().st_size > 10_000
