"""Text no database can hold (lone surrogates, NUL) is stored escaped, on every backend.

Model output is hostile input: a program that prints `'\\ud800'`, or a response text holding
one, must never crash the store. Such characters are stored as their Python escapes
(`\\ud800`, `\\x00`), so everything read back encodes as UTF-8 and displays as it is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from codeeval import registry
from codeeval.report import build_report
from codeeval.store import GenerationRecord, TaskRecord
from codeeval.store.sql import SqlStore
from codeeval.types import CaseResult, ExecResult, RunSpec, SampleKey, SampleResult, Status

HOSTILE = "a\ud800b\x00c\udfffd\ud83d\ude00"
SHOWN = "a\\ud800b\\x00c\\udfffd\\ud83d\\ude00"


def _spec(system_prompt: str = HOSTILE) -> RunSpec:
    return RunSpec(
        tasks=("quicksort",),
        models=("reference",),
        samples=1,
        temperature=0.0,
        lang="en",
        config={"system_prompt": system_prompt},
        machine={"cores": 2},
        task_hashes={"quicksort": "abc"},
        codeeval_version="0.1.0",
    )


def test_lone_surrogates_and_nul_are_stored_escaped_and_read_back(db: str) -> None:
    store = SqlStore(db)
    run_id = store.start_run(_spec())
    store.save_task(run_id, TaskRecord("quicksort", "abc", 1.0, True, HOSTILE))
    key = SampleKey("quicksort", "reference", 0)
    generation = GenerationRecord(
        prompt=HOSTILE,
        text=HOSTILE,
        code=HOSTILE,
        raw={HOSTILE: [HOSTILE]},
        finish_reason=HOSTILE,
        served_model=HOSTILE,
        error=HOSTILE,
        cache_key="k",
    )
    store.save_generation(run_id, key, generation)
    execution = ExecResult(
        job_id="j",
        status=Status.ERROR,
        cases=(CaseResult("test_x", Status.ERROR, HOSTILE, 0.1),),
        duration_s=0.1,
        message=HOSTILE,
        stdout=HOSTILE,
    )
    store.save_result(
        run_id, SampleResult(key, Status.ERROR, {"time_complexity": HOSTILE}, execution)
    )
    store.finish_run(run_id, "finished")

    record = store.load_run(run_id)
    store.close()
    (row,) = record.samples
    stored = row.generation
    assert stored is not None and row.result is not None and row.result.execution is not None
    assert (stored.prompt, stored.text, stored.code, stored.error) == (SHOWN,) * 4
    assert (stored.finish_reason, stored.served_model) == (SHOWN, SHOWN)
    assert stored.raw == {SHOWN: [SHOWN]}
    assert row.result.scores == {"time_complexity": SHOWN}
    result = row.result.execution
    assert (result.message, result.stdout, result.cases[0].message) == (SHOWN,) * 3
    assert record.tasks["quicksort"].problem == SHOWN
    assert record.spec.config == {"system_prompt": SHOWN}
    # What is read back displays: every report renders and encodes as UTF-8.
    data = build_report(record)
    for name in ("json", "markdown", "html"):
        registry.resolve(registry.RENDERERS, name)(data).encode("utf-8")
    report = json.loads(registry.resolve(registry.RENDERERS, "json")(data))
    assert report["run"]["config"]["system_prompt"] == SHOWN


def test_ordinary_text_is_stored_as_it_is(db: str) -> None:
    text = "naïve 快速排序 😀 \\ud800 stays a backslash sequence\t\n"
    store = SqlStore(db)
    run_id = store.start_run(_spec(text))
    key = SampleKey("quicksort", "reference", 0)
    store.save_generation(run_id, key, GenerationRecord(prompt=text, text=text, raw={"t": text}))
    stored = store.generations(run_id)[key]
    spec = store.load_run(run_id).spec
    store.close()
    assert (stored.prompt, stored.text, stored.raw) == (text, text, {"t": text})
    assert spec.config == {"system_prompt": text}


def test_a_run_whose_answer_prints_a_lone_surrogate_finishes(tmp_path: Path) -> None:
    from codeeval.task import select_tasks

    (task,) = select_tasks(["quicksort"])
    code = task.reference + "\nprint('\\ud800')\n"
    text = "Here \ud800 it is:\n```python\n" + code + "```\n"
    (tmp_path / "answers.jsonl").write_text(
        json.dumps({"task_id": "quicksort", "response": text}) + "\n"
    )
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CODEEVAL_CONFIG", None)
    command = [sys.executable, "-m", "codeeval", "run", "--tasks", "quicksort"]
    done = subprocess.run(
        [*command, "--model", "replay/answers.jsonl", "--format", "json,markdown,html"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads((tmp_path / "codeeval-results" / "run-1" / "report.json").read_text())
    assert report["run"]["status"] == "finished"
    assert report["models"][0]["samples"] == 1
    shown = subprocess.run(
        [sys.executable, "-m", "codeeval", "show", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
