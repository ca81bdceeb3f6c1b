"""The HTML report at 40 models x 200 tasks: its size and render time, against the JSON report.

    python benchmarks/report_size.py [--models 40] [--tasks 200] [--samples 1] [--failing 0.3]

A synthetic run (no store, no sandbox): every sample answers with a real task's reference
solution in a fence, a share of them failing a test with a message. Prints the sizes of the
HTML and JSON reports of the same ReportData, the time each renderer takes (one core), and
their ratios; the HTML page's size should grow with the failing samples shown, not the run.
"""

from __future__ import annotations

import argparse
import random
import time

from codeeval.report import build_report, render
from codeeval.scoring import scores_to_store
from codeeval.store import GenerationRecord, RunRecord, RunSummary, SampleRow, TaskRecord
from codeeval.task import select_tasks
from codeeval.types import CaseResult, ExecResult, RunSpec, SampleKey, SampleResult, Status


def synthetic_run(models: int, tasks: int, samples: int, failing: float) -> RunRecord:
    """A finished run of `models` x `tasks` x `samples` answers, `failing` of them failing."""
    sources = select_tasks(["all"])
    rng = random.Random(7)
    model_names = [f"vendor-{m % 5}/model-{m:02d}" for m in range(models)]
    task_names = [f"{sources[t % len(sources)].id}-{t:03d}" for t in range(tasks)]
    rows = []
    for t, task in enumerate(task_names):
        code = sources[t % len(sources)].reference
        scores_passed = scores_to_store(code, Status.PASSED)
        scores_failed = scores_to_store(code, Status.FAILED)
        for model in model_names:
            for index in range(samples):
                key = SampleKey(task, model, index)
                fails = rng.random() < failing
                execution = ExecResult(
                    "x",
                    Status.FAILED if fails else Status.PASSED,
                    cases=(CaseResult("test_edge", Status.FAILED, "returned [2, 1]"),)
                    if fails
                    else (),
                    stdout="",
                )
                generation = GenerationRecord(
                    prompt=f"Write {task}.",
                    text=f"Here is the solution:\n```python\n{code}```\n",
                    code=code,
                    extract_method="fence",
                    input_tokens=120,
                    output_tokens=300,
                    latency_s=2.0,
                    cost_usd=0.001,
                )
                status = execution.status
                result = SampleResult(
                    key, status, scores_failed if fails else scores_passed, execution
                )
                rows.append(SampleRow(key, generation, result))
    spec = RunSpec(
        tasks=tuple(task_names),
        models=tuple(model_names),
        samples=samples,
        temperature=0.8,
        lang="en",
        config={},
        machine={},
        task_hashes={task: task for task in task_names},
        codeeval_version="bench",
    )
    summary = RunSummary(1, "2026-12-07", "2026-12-07", "finished", spec.models, spec.tasks, 0, 0)
    records = {task: TaskRecord(task, task, 1.0, True) for task in task_names}
    return RunRecord(summary, spec, records, tuple(rows))


def main() -> None:
    """Build the report once, render it as HTML and JSON, print sizes, times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=40)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--samples", type=int, default=1)
    parser.add_argument("--failing", type=float, default=0.3)
    args = parser.parse_args()
    record = synthetic_run(args.models, args.tasks, args.samples, args.failing)
    started = time.perf_counter()
    data = build_report(record)
    built = time.perf_counter() - started
    timings = {}
    sizes = {}
    for name in ("json", "html"):
        started = time.perf_counter()
        text = render(data, name)
        timings[name] = time.perf_counter() - started
        sizes[name] = len(text.encode())
    failing = sum(1 for s in data.samples if s.status != "passed")
    print(
        f"{args.models} models x {args.tasks} tasks x {args.samples} sample(s), "
        f"{failing} failing; build_report {built:.1f} s"
    )
    for name in ("json", "html"):
        print(f"{name:5} {sizes[name] / 1e6:6.1f} MB  {timings[name]:6.2f} s")
    print(
        f"html/json: size x{sizes['html'] / sizes['json']:.2f}, "
        f"render time x{timings['html'] / timings['json']:.0f}"
    )


if __name__ == "__main__":
    main()
