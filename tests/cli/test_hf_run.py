"""A local transformers model through the whole pipeline: generate, extract, grade, store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the hf extra is not installed")
pytest.importorskip("transformers", reason="the hf extra is not installed")

from tests.providers.tiny_model import build_tiny_model  # noqa: E402


def test_a_tiny_local_model_runs_end_to_end(codeeval, tmp_path: Path) -> None:
    model = build_tiny_model(tmp_path / "tiny", chat_template=True)
    (tmp_path / "codeeval.toml").write_text('[providers.hf]\nbatch_size = 4\ndtype = "float32"\n')
    result = codeeval(
        "run",
        "--tasks",
        "quicksort",
        "--model",
        f"hf/{model}",
        "--model",
        "reference",
        "--samples",
        "3",
        "--max-tokens",
        "24",
        "--seed",
        "7",
        "--json",
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    by_model = {m["model"]: m for m in data["models"]}
    tiny = by_model[f"hf/{model}"]
    # A random model writes no working quicksort: its samples are graded, not crashes.
    assert tiny["samples"] == 3 and tiny["pass_at"]["1"]["value"] == 0.0
    assert by_model["reference"]["pass_at"]["1"]["value"] == 1.0
    assert tiny["deployment"]["output_tokens"] > 0
    assert tiny["deployment"]["output_tokens_per_s"] > 0
    statuses = {line["status"] for line in data["samples"] if line["model"] == f"hf/{model}"}
    assert statuses <= {"no_code", "syntax_error", "error", "failed"}
    (comparison,) = data["comparisons"]
    assert comparison["difference"] in (-1.0, 1.0)
