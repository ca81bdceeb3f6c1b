"""The benchmark loader interface: the JSONL format and the shipped tinybench example."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from fork_executor import ForkExecutor

from codeeval import registry
from codeeval.benchmark import read_jsonl_tasks
from codeeval.errors import BadTaskFile
from codeeval.task import load_benchmark, select_tasks
from codeeval.task.check import check_tasks

RECORD = {
    "task_id": "Mine/3",
    "prompt": 'def inc(x):\n    """Return x + 1."""\n',
    "entry_point": "inc",
    "canonical_solution": "    return x + 1\n",
    "test": "def check(candidate):\n    assert candidate(1) == 2\n",
    "plus_input": [[1]],
}


def _write(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_completion_record_becomes_a_task(tmp_path: Path) -> None:
    (task,) = read_jsonl_tasks(_write(tmp_path / "mine.jsonl", RECORD), "mine")
    assert task.id == "mine/3"
    assert task.prompt_style == "completion"
    assert task.code_prefix == RECORD["prompt"]
    assert task.reference == RECORD["prompt"] + RECORD["canonical_solution"]
    assert task.tests == RECORD["test"]
    assert task.tags == ("mine",)
    assert task.source == f"{tmp_path / 'mine.jsonl'}:1"
    assert len(task.content_hash) == 64


def test_instruct_record_with_translation(tmp_path: Path) -> None:
    record = {
        **RECORD,
        "prompt": "Write inc(x).",
        "prompts": {"zh": "编写 inc(x)。"},
        "canonical_solution": "def inc(x):\n    return x + 1\n",
        "prompt_style": "instruct",
        "tags": ["math"],
    }
    (task,) = read_jsonl_tasks(_write(tmp_path / "b.jsonl", record), "b")
    assert task.reference == record["canonical_solution"]
    assert task.code_prefix == ""
    assert task.prompt("zh") == "编写 inc(x)。"
    assert task.tags == ("b", "math")


def test_gzip_file_and_hash_follows_content(tmp_path: Path) -> None:
    path = tmp_path / "z.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(RECORD) + "\n")
    (zipped,) = read_jsonl_tasks(path, "z")
    (plain,) = read_jsonl_tasks(_write(tmp_path / "p.jsonl", RECORD), "z")
    (changed,) = read_jsonl_tasks(_write(tmp_path / "c.jsonl", {**RECORD, "test": "x"}), "z")
    assert zipped.content_hash == plain.content_hash != changed.content_hash


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((RECORD, "{not json"), r"bad\.jsonl:2: invalid JSON"),
        (({**RECORD, "entry_point": ""},), r"bad\.jsonl:1: entry_point: String should have"),
        (({k: v for k, v in RECORD.items() if k != "test"},), r"bad\.jsonl:1: test: Field req"),
        ((RECORD, RECORD), r"bad\.jsonl:2: task_id 'Mine/3' appears twice"),
    ],
)
def test_malformed_lines_are_named(tmp_path: Path, lines: tuple[object, ...], message: str) -> None:
    with pytest.raises(BadTaskFile, match=message):
        read_jsonl_tasks(_write(tmp_path / "bad.jsonl", *lines), "bad")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadTaskFile, match=r"none\.jsonl: missing"):
        read_jsonl_tasks(tmp_path / "none.jsonl", "none")


def test_tinybench_is_a_built_in_benchmark(executor: ForkExecutor) -> None:
    assert "tinybench" in registry.names(registry.BENCHMARKS)
    tasks = load_benchmark("tinybench")
    assert [t.id for t in tasks] == [f"tinybench/{i}" for i in range(8)]
    assert [t.entry_point for t in select_tasks(["tinybench/2..3"])] == ["caesar_shift", "chunk"]
    checks = list(check_tasks(tasks, executor))
    assert [c.task_id for c in checks if not c.ok] == []
    assert all(c.hand_written_tests == 1 for c in checks)


def test_a_wrong_canonical_solution_is_refused(tmp_path: Path, executor: ForkExecutor) -> None:
    wrong = {**RECORD, "canonical_solution": "    return x + 2\n"}
    (task,) = read_jsonl_tasks(_write(tmp_path / "w.jsonl", wrong), "w")
    (check,) = check_tasks([task], executor)
    assert check.problems[0].startswith("reference fails check: failed")
