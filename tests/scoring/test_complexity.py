"""cyclomatic_complexity and maintainability_index against radon's own command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codeeval.scoring import (
    cyclomatic_complexity,
    maintainability_index,
    max_cyclomatic_complexity,
)

DATA = Path(__file__).parent / "data" / "code"
SAMPLES = sorted(DATA.glob("*.txt"))


def _radon_json(folder: Path, *args: str) -> dict[str, object]:
    files = sorted(str(path) for path in folder.glob("*.py"))
    done = subprocess.run(
        [sys.executable, "-m", "radon", *args, "-j", *files],
        capture_output=True,
        text=True,
        cwd=folder,
        check=True,
    )
    return {Path(name).stem: value for name, value in json.loads(done.stdout).items()}


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("radon")
    for sample in SAMPLES:
        (folder / f"{sample.stem}.py").write_bytes(sample.read_bytes())
    return folder


@pytest.fixture(scope="module")
def radon_cc(copied: Path) -> dict[str, object]:
    return _radon_json(copied, "cc")


@pytest.fixture(scope="module")
def radon_mi(copied: Path) -> dict[str, object]:
    return _radon_json(copied, "mi")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_cyclomatic_equals_radon_cc_json(sample: Path, radon_cc: dict[str, object]) -> None:
    code = sample.read_bytes().decode("utf-8")
    blocks = radon_cc.get(sample.stem, [])
    assert isinstance(blocks, list)
    values = [b["complexity"] for b in blocks if b["type"] in ("function", "method")]
    if not values:
        assert cyclomatic_complexity(code) is None
        assert max_cyclomatic_complexity(code) is None
        return
    assert cyclomatic_complexity(code) == pytest.approx(sum(values) / len(values), abs=1e-12)
    assert max_cyclomatic_complexity(code) == max(values)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_maintainability_equals_radon_mi_json(sample: Path, radon_mi: dict[str, object]) -> None:
    code = sample.read_bytes().decode("utf-8")
    entry = radon_mi[sample.stem]
    assert isinstance(entry, dict)
    assert maintainability_index(code) == pytest.approx(entry["mi"], abs=1e-9)


def test_the_corpus_has_methods_functions_and_a_script(radon_cc: dict[str, object]) -> None:
    kinds = {b["type"] for blocks in radon_cc.values() for b in blocks}  # type: ignore[union-attr]
    assert {"function", "method", "class"} <= kinds
    assert "script_no_functions" not in radon_cc


def test_cyclomatic_by_hand() -> None:
    code = (
        "def a(x):\n    return x\n\n"
        "def b(x):\n    if x and x > 1:\n        return 1\n"
        "    for i in range(x):\n        pass\n    return 0\n"
    )
    # a: 1. b: 1 + if + `and` + for = 4. Mean 2.5, max 4.
    assert cyclomatic_complexity(code) == 2.5
    assert max_cyclomatic_complexity(code) == 4.0


def test_classes_count_through_their_methods_only() -> None:
    code = "class K:\n    def m(self, x):\n        return 1 if x else 2\n"
    assert cyclomatic_complexity(code) == 2.0


def test_none_when_not_computable() -> None:
    assert cyclomatic_complexity("x = 1\n") is None
    assert cyclomatic_complexity("def f(:\n") is None
    assert maintainability_index("def f(:\n") is None
    assert maintainability_index("") is None


def test_maintainability_is_in_range_and_drops_with_complexity() -> None:
    simple = maintainability_index("def f(x):\n    return x\n")
    branches = "\n".join(f"    if x == {i}:\n        return {i} * x + y" for i in range(30))
    tangled = maintainability_index(f"def f(x, y):\n{branches}\n    return -1\n")
    assert simple is not None and tangled is not None
    assert 0 <= tangled < simple <= 100
