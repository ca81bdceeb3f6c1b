"""JSONL problem files: one reader for benchmarks and `grade --problems`, and tinybench."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from counting_executor import CountingExecutor

from codeeval import registry
from codeeval.errors import BadTaskFile
from codeeval.task import load_benchmark, select_tasks
from codeeval.task.check import check_tasks
from codeeval.task.jsonl import read_jsonl_tasks

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
        (('"just a string"',), r"bad\.jsonl:1: \(record\): Input should be a valid dictionary"),
        ((RECORD, "[" * 100_000), r"bad\.jsonl:2: invalid JSON: nested too deeply"),
        (({**RECORD, "test": 3},), r"bad\.jsonl:1: test: Input should be a valid string"),
    ],
)
def test_malformed_lines_are_named(tmp_path: Path, lines: tuple[object, ...], message: str) -> None:
    with pytest.raises(BadTaskFile, match=message):
        read_jsonl_tasks(_write(tmp_path / "bad.jsonl", *lines), "bad")


def test_a_line_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(json.dumps(RECORD).encode() + b'\n{"task_id": "caf\xe9"}\n')
    with pytest.raises(BadTaskFile, match=r"latin\.jsonl:2: not UTF-8 \(invalid continuation"):
        read_jsonl_tasks(path, "latin")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("none.jsonl", None, r"none\.jsonl: no such file"),
        ("empty.jsonl", b"\n  \n", r"empty\.jsonl: holds no problems"),
        ("fake.jsonl.gz", b"not gzip", r"fake\.jsonl\.gz: cannot be read: Not a gzipped file"),
    ],
)
def test_unreadable_files_are_named(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(BadTaskFile, match=message):
        read_jsonl_tasks(tmp_path / name, "x")


def test_without_a_benchmark_name_ids_are_the_records_own(tmp_path: Path) -> None:
    """What `grade --problems` reads: samples name the problems by their task_id."""
    bare = {k: v for k, v in RECORD.items() if k != "canonical_solution"}
    path = _write(tmp_path / "p.jsonl", RECORD, {**bare, "task_id": "Mine/4"})
    first, second = read_jsonl_tasks(path)
    assert (first.id, first.title, first.tags) == ("Mine/3", "Mine/3", ())
    assert first.reference == RECORD["prompt"] + RECORD["canonical_solution"]
    # A record without canonical solution is read (grade needs none); its reference is the
    # bare prompt, which `tasks check` and `run` report as failing its tests.
    assert second.id == "Mine/4" and second.reference == RECORD["prompt"]
    (named,) = read_jsonl_tasks(_write(tmp_path / "n.jsonl", RECORD), "mine")
    assert named.content_hash == first.content_hash  # the hash is the record's, not the name's


def test_tinybench_is_a_built_in_benchmark(executor: CountingExecutor) -> None:
    assert "tinybench" in registry.names(registry.BENCHMARKS)
    tasks = load_benchmark("tinybench")
    assert [t.id for t in tasks] == [f"tinybench/{i}" for i in range(8)]
    assert [t.entry_point for t in select_tasks(["tinybench/2..3"])] == ["caesar_shift", "chunk"]
    checks = list(check_tasks(tasks, executor))
    assert [c.task_id for c in checks if not c.ok] == []
    assert all(c.hand_written_tests == 1 for c in checks)


def test_a_wrong_canonical_solution_is_refused(tmp_path: Path, executor: CountingExecutor) -> None:
    wrong = {**RECORD, "canonical_solution": "    return x + 2\n"}
    (task,) = read_jsonl_tasks(_write(tmp_path / "w.jsonl", wrong), "w")
    (check,) = check_tasks([task], executor)
    assert check.problems[0].startswith("reference fails check: failed")
