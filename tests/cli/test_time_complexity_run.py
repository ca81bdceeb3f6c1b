"""The measured class through `run --model reference --tasks <folder>`, read from report.json.

Task folders with `[complexity] sizes` over their range go the whole way: folder, preparation
(the reference timed once), grading (timed again as a sample), scoring, report.
"""

from __future__ import annotations

import json
from pathlib import Path

WIDE = "[100, 316, 1000, 3162, 10000, 31623, 100000, 316228, 1000000]"
INTS = "def generate(size, rng):\n    return ([rng.randint(0, 99) for _ in range(max(1, size))],)\n"
SORTED = (
    "def generate(size, rng):\n"
    "    items = sorted(rng.randint(0, 4 * size) for _ in range(max(1, size)))\n"
    "    return (items, rng.randint(0, 4 * size))\n"
)
CASES = {
    "constant": ("O(1)", "def f(a):\n    return a[0] + a[-1]\n", INTS, WIDE),
    "logarithmic": (
        "O(log n)",
        "import bisect\n\n\ndef f(a, x):\n    return bisect.bisect_left(a, x)\n",
        SORTED,
        WIDE,
    ),
    "linear": (
        "O(n)",
        "def f(a):\n    total = 0\n    for x in a:\n        total += x\n    return total\n",
        INTS,
        "[100, 316, 1000, 3162, 10000, 31623, 100000]",
    ),
    "n_log_n": (
        "O(n log n)",
        "import heapq\n\n\ndef f(a):\n    h = list(a)\n    heapq.heapify(h)\n"
        "    return [heapq.heappop(h) for _ in range(len(h))]\n",
        INTS,
        "[100, 316, 1000, 3162, 10000, 31623, 100000]",
    ),
    "quadratic": (
        "O(n^2)",
        "def f(a):\n    return sum(1 for x in a for y in a if x < y)\n",
        INTS,
        "[50, 100, 200, 400, 800, 1600]",
    ),
}


def _write(root: Path, name: str, truth: str, code: str, inputs: str | None, sizes: str) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    toml = f'entry_point = "f"\ntime_complexity = "{truth}"\n'
    if inputs is not None:
        toml += f"\n[complexity]\nsizes = {sizes}\n"
        (folder / "inputs.py").write_text(inputs)
    (folder / "task.toml").write_text(toml)
    (folder / "prompt.en.md").write_text(f"Write f, {truth}.\n")
    (folder / "solution.py").write_text(code)
    (folder / "tests.py").write_text(
        "def test_runs(candidate):\n    assert candidate is not None\n"
    )


def _report(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    (path,) = (tmp_path / "out").glob("run-*/report.json")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def test_the_report_names_the_measured_class_of_each_task(codeeval, tmp_path: Path) -> None:
    for name, (truth, code, inputs, sizes) in CASES.items():
        _write(tmp_path / "tasks", name, truth, code, inputs, sizes)
    result = codeeval(
        "run", "--model", "reference", "--tasks", str(tmp_path / "tasks"), "--out", "out",
        "--complexity-budget", "2", timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = _report(tmp_path)
    found = {
        task["task_id"].rsplit("/", 1)[-1]: task["cells"]["reference"]["time_complexity"]
        for task in report["tasks"]
    }
    assert found == {name: truth for name, (truth, *_) in CASES.items()}
    samples = {s["task_id"].rsplit("/", 1)[-1]: s["scores"] for s in report["samples"]}
    for scores in samples.values():
        assert scores["time_complexity_family"] == "random"
        assert scores["time_complexity"] == 1.0  # each is its own stated optimal class
        # The reference graded as a sample, against its own timing in the same run.
        assert 0.5 < scores["efficiency"] < 2.0
        assert scores["efficiency_low"] <= scores["efficiency"] <= scores["efficiency_high"]
    (model,) = report["models"]
    assert model["time_complexity"] == "100% optimal"
    assert model["metrics"]["efficiency"]["value"] > 0.5


def test_no_generator_is_not_applicable_and_a_raising_one_is_a_task_error(
    codeeval, tmp_path: Path
) -> None:
    _write(tmp_path / "tasks", "plain", "O(n)", "def f(a):\n    return a\n", None, "")
    raising = INTS + (
        "\n\ndef broken(size, rng):\n    if size > 300:\n        raise ValueError('too big')\n"
        "    return generate(size, rng)\n\n\nFAMILIES = {'broken': broken}\n"
    )
    _write(tmp_path / "tasks", "raising", "O(n)", "def f(a):\n    return a\n", raising, WIDE)
    result = codeeval(
        "run", "--model", "reference", "--tasks", str(tmp_path / "tasks"), "--out", "out",
        "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = _report(tmp_path)
    (plain,) = [s for s in report["samples"] if s["task_id"].endswith("plain")]
    assert plain["scores"]["time_complexity_class"] == "n/a"
    assert plain["scores"]["time_complexity_note"] == "the task has no input generator (inputs.py)"
    assert plain["scores"]["time_complexity"] is None
    (warning,) = [w for w in report["warnings"] if "raising" in w]
    assert "its input generator failed: GeneratorError: FAMILIES['broken'](316, rng) raises" in (
        warning
    )
    assert "ValueError: too big" in warning
