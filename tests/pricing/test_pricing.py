"""The price table, overrides, cost_usd and the per-model deployment summary."""

from __future__ import annotations

import datetime
import math
import statistics

import pytest

from codeeval.errors import BadConfig
from codeeval.pricing import (
    DeploymentSample,
    cost_usd,
    deployment_summary,
    load_price_table,
    price_for,
)


def test_the_shipped_table_is_dated_sourced_and_sane() -> None:
    table = load_price_table()
    datetime.date.fromisoformat(table.as_of)
    assert len(table.prices) >= 20
    for name, price in table.prices.items():
        provider, _, model = name.partition("/")
        assert provider in {"openai", "anthropic", "google", "deepseek"} and model
        assert 0 < price.input_per_mtok <= price.output_per_mtok <= 200, name
        assert price.source.startswith("https://"), name
        datetime.date.fromisoformat(price.as_of)


def test_cost_of_a_known_model() -> None:
    # gpt-4o: $2.50 in, $10.00 out per million tokens
    assert cost_usd("openai/gpt-4o", 1_000_000, 0) == pytest.approx(2.50)
    assert cost_usd("openai/gpt-4o", 1200, 800) == pytest.approx((1200 * 2.5 + 800 * 10) / 1e6)


def test_dated_snapshots_use_the_base_price() -> None:
    assert price_for("openai/gpt-4o-2024-08-06") == price_for("openai/gpt-4o")
    assert price_for("anthropic/claude-haiku-4-5-20251001") == price_for(
        "anthropic/claude-haiku-4-5"
    )


def test_unknown_is_none_never_zero() -> None:
    assert cost_usd("hf/Qwen/Qwen2.5-0.5B", 100, 100) is None
    assert cost_usd("team-vllm/coder", 100, 100) is None
    assert cost_usd("openai/gpt-4o", None, 100) is None


def test_overrides_win_and_add_models() -> None:
    overrides = {"openai/gpt-4o": (1.0, 2.0), "team-vllm/coder": (0.1, 0.1)}
    assert cost_usd("openai/gpt-4o", 1_000_000, 1_000_000, overrides) == pytest.approx(3.0)
    assert cost_usd("team-vllm/coder", 500_000, 500_000, overrides) == pytest.approx(0.1)
    assert cost_usd("hf/local", 10, 10, {"hf/local": (0.0, 0.0)}) == 0.0  # an explicit zero


@pytest.mark.parametrize("bad", [(-1.0, 2.0), (math.nan, 1.0), (math.inf, 1.0)])
def test_bad_overrides_are_bad_config(bad: tuple[float, float]) -> None:
    with pytest.raises(BadConfig, match=r"prices.openai/gpt-4o"):
        cost_usd("openai/gpt-4o", 1, 1, {"openai/gpt-4o": bad})


def sample(model: str = "m", task: str = "t", **fields: object) -> DeploymentSample:
    values: dict[str, object] = dict(
        input_tokens=100,
        output_tokens=50,
        latency_s=1.0,
        first_token_s=0.2,
        cost_usd=0.01,
        solved=False,
    )
    values.update(fields)
    return DeploymentSample(model=model, task_id=task, **values)  # type: ignore[arg-type]


def test_deployment_summary_figures() -> None:
    firsts = [0.1, 0.2, 0.3, 0.4, 1.0]
    samples = [
        sample(
            task=f"t{i}",
            output_tokens=50 * (i + 1),
            latency_s=float(i + 1),
            first_token_s=first,
            solved=i < 2,
            cost_usd=0.01 * (i + 1),
        )
        for i, first in enumerate(firsts)
    ]
    samples.append(sample(task="t0", solved=True))  # a second solved sample of t0
    (summary,) = deployment_summary(samples)
    assert summary.samples == 6
    assert summary.output_tokens == 50 * 15 + 50 and summary.input_tokens == 600
    assert summary.output_tokens_per_s == pytest.approx(800 / 16)
    all_firsts = [*firsts, 0.2]
    assert summary.first_token_median_s == pytest.approx(statistics.median(all_firsts))
    expected_p90 = statistics.quantiles(all_firsts, n=10, method="inclusive")[8]
    assert summary.first_token_p90_s == pytest.approx(expected_p90)
    assert summary.cost_usd == pytest.approx(0.16)
    assert summary.cost_per_million_tokens_usd == pytest.approx(0.16 / 1400 * 1e6)
    assert summary.tasks_solved == 2  # t0 and t1; t0 counted once
    assert summary.cost_per_solved_task_usd == pytest.approx(0.08)
    assert summary.peak_memory_mb is None


def test_deployment_summary_unknowns_stay_none() -> None:
    summaries = deployment_summary(
        [
            sample(model="a", cost_usd=None),
            sample(model="b", first_token_s=None, peak_memory_mb=2048.0),
            sample(
                model="b", output_tokens=None, latency_s=None, first_token_s=None, cost_usd=None
            ),
        ]
    )
    a, b = summaries
    assert (a.model, b.model) == ("a", "b")
    assert a.cost_usd is None and a.cost_per_million_tokens_usd is None
    assert a.cost_per_solved_task_usd is None  # unknown cost, nothing solved
    assert b.first_token_median_s is None and b.first_token_p90_s is None
    assert b.cost_usd == pytest.approx(0.01)  # the failed generation produced no tokens
    assert b.cost_per_solved_task_usd is None and b.peak_memory_mb == 2048.0
    assert b.output_tokens_per_s == pytest.approx(50.0)
