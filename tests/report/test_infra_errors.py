"""A sample the grading infrastructure could not grade counts in no metric, and is named."""

from __future__ import annotations

from pathlib import Path

from codeeval.report import build_report
from codeeval.scoring import scores_to_store
from codeeval.store import GenerationRecord, TaskRecord
from codeeval.store.sql import SqlStore
from codeeval.task import select_tasks
from codeeval.types import ExecResult, RunSpec, SampleKey, SampleResult, Status


def test_infra_errors_are_left_out_of_every_metric_and_reported(tmp_path: Path) -> None:
    (task,) = select_tasks(["quicksort"])
    store = SqlStore(str(tmp_path / "results.db"))
    run_id = store.start_run(
        RunSpec(
            tasks=("quicksort",),
            models=("reference",),
            samples=2,
            temperature=0.0,
            lang="en",
            config={},
            machine={},
            task_hashes={"quicksort": task.content_hash},
            codeeval_version="0.1.0",
        )
    )
    store.save_task(run_id, TaskRecord("quicksort", task.content_hash, 2.0, True, ""))
    for index, status in enumerate((Status.PASSED, Status.INFRA_ERROR)):
        key = SampleKey("quicksort", "reference", index)
        store.save_generation(
            run_id, key, GenerationRecord(prompt="p", text=task.reference, code=task.reference)
        )
        execution = ExecResult(f"j{index}", status, message="worker died" if index else "")
        scores = scores_to_store(task.reference, status, execution.timings, task.time_complexity)
        store.save_result(run_id, SampleResult(key, status, scores, execution))
    store.finish_run(run_id, "finished")
    data = build_report(store.load_run(run_id))
    store.close()
    (model,) = data.models
    assert model.samples == 1  # the passed one; the ungraded one is no sample of the model
    assert model.metrics["pass@1"] is not None and model.metrics["pass@1"].value == 1.0
    assert model.metrics["compiles"] is not None and model.metrics["compiles"].value == 1.0
    assert data.tasks[0].cells["reference"].n == 1
    assert data.tasks[0].cells["reference"].pass_at_1 == 1.0
    (warning,) = [w for w in data.warnings if "infra_error" in w]
    assert "1 sample(s) of reference" in warning and f"--resume {run_id}" in warning
