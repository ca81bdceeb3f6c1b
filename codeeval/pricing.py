"""What generations cost, from a dated price table, and the per-model deployment figures.

The table ships as `codeeval/prices.toml` (USD per million input and output tokens, keyed by
`provider/model`, with its `as_of` date and sources) and is overridden by `[prices]` in
codeeval.toml (`RunDefinition.prices`). An unknown price is None, never 0.
"""

from __future__ import annotations

import math
import re
import statistics
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from codeeval.errors import BadConfig

# Dated snapshots and aliases share their base model's price: gpt-4o-2024-08-06, ...-latest.
_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$")


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens for one model, with when and where the price was read."""

    input_per_mtok: float
    output_per_mtok: float
    as_of: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class PriceTable:
    """The shipped price table."""

    as_of: str
    prices: Mapping[str, Price]


@cache
def load_price_table() -> PriceTable:
    """The price table shipped with codeeval (read once).

    Raises:
        BadConfig: the shipped file is malformed (a packaging bug, reported plainly).
    """
    text = resources.files("codeeval").joinpath("prices.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    as_of = str(data.get("as_of", ""))
    try:
        prices = {
            name: Price(
                float(entry["input"]),
                float(entry["output"]),
                str(entry.get("as_of", as_of)),
                str(entry.get("source", "")),
            )
            for name, entry in data.get("models", {}).items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise BadConfig(f"codeeval/prices.toml: malformed entry ({exc})") from None
    return PriceTable(as_of=as_of, prices=prices)


def _check_override(model: str, value: tuple[float, float]) -> Price:
    try:
        input_price, output_price = (float(v) for v in value)
    except (TypeError, ValueError):
        raise BadConfig(
            f"codeeval.toml: prices.{model}: write [input, output] USD per million tokens"
        ) from None
    if not (input_price >= 0 and output_price >= 0) or math.inf in (input_price, output_price):
        raise BadConfig(f"codeeval.toml: prices.{model}: prices must be finite and >= 0")
    return Price(input_price, output_price, source="codeeval.toml [prices]")


def price_for(
    model: str, overrides: Mapping[str, tuple[float, float]] | None = None
) -> Price | None:
    """The price of `provider/model`: an override first, then the table; None when unknown.

    A dated or `-latest` name falls back to its base name (`openai/gpt-4o-2024-08-06` →
    `openai/gpt-4o`) when it has no entry of its own.

    Raises:
        BadConfig: an override is not two non-negative numbers.
    """
    table = load_price_table().prices
    for name in (model, _SUFFIX.sub("", model)):
        if overrides and name in overrides:
            return _check_override(name, overrides[name])
        if name in table:
            return table[name]
    return None


def cost_usd(
    model: str,
    input_tokens: int | None,
    output_tokens: int | None,
    overrides: Mapping[str, tuple[float, float]] | None = None,
) -> float | None:
    """USD cost of one generation; None when the price or a token count is unknown.

    Raises:
        BadConfig: an override is not two non-negative numbers.
    """
    price = price_for(model, overrides)
    if price is None or input_tokens is None or output_tokens is None:
        return None
    return (input_tokens * price.input_per_mtok + output_tokens * price.output_per_mtok) / 1e6


@dataclass(frozen=True, slots=True)
class DeploymentSample:
    """What the deployment summary needs from one generated sample."""

    model: str
    task_id: str
    input_tokens: int | None
    output_tokens: int | None
    latency_s: float | None
    first_token_s: float | None
    cost_usd: float | None
    solved: bool
    peak_memory_mb: float | None = None


@dataclass(frozen=True, slots=True)
class DeploymentSummary:
    """Per-model deployment figures. Each is None when nothing measured it.

    - `output_tokens_per_s`: output tokens over the summed latency of the samples that report
      both, i.e. the speed one request sees (not the server's total throughput).
    - `first_token_median_s`, `first_token_p90_s`: over samples that streamed; p90 is the
      inclusive-method 90th percentile (linear interpolation between order statistics).
    - `cost_per_million_tokens_usd`: total cost over total (input + output) tokens × 10⁶.
    - `cost_per_solved_task_usd`: total cost over the number of distinct tasks with at least
      one solved sample.
    """

    model: str
    samples: int
    input_tokens: int
    output_tokens: int
    output_tokens_per_s: float | None
    first_token_median_s: float | None
    first_token_p90_s: float | None
    cost_usd: float | None
    cost_per_million_tokens_usd: float | None
    tasks_solved: int
    cost_per_solved_task_usd: float | None
    peak_memory_mb: float | None


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def _summarise(model: str, samples: list[DeploymentSample]) -> DeploymentSummary:
    timed = [s for s in samples if s.output_tokens is not None and s.latency_s]
    busy_s = sum(s.latency_s or 0.0 for s in timed)
    first = [s.first_token_s for s in samples if s.first_token_s is not None]
    input_tokens = sum(s.input_tokens or 0 for s in samples)
    output_tokens = sum(s.output_tokens or 0 for s in samples)
    generated = [s for s in samples if s.output_tokens is not None]
    # A cost is known only when every sample that produced tokens has one.
    known = bool(generated) and all(s.cost_usd is not None for s in generated)
    cost = sum(s.cost_usd or 0.0 for s in generated) if known else None
    solved = len({s.task_id for s in samples if s.solved})
    tokens = input_tokens + output_tokens
    memory = [s.peak_memory_mb for s in samples if s.peak_memory_mb is not None]
    return DeploymentSummary(
        model=model,
        samples=len(samples),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        output_tokens_per_s=(sum(s.output_tokens or 0 for s in timed) / busy_s) if busy_s else None,
        first_token_median_s=statistics.median(first) if first else None,
        first_token_p90_s=_p90(first),
        cost_usd=cost,
        cost_per_million_tokens_usd=cost / tokens * 1e6 if cost is not None and tokens else None,
        tasks_solved=solved,
        cost_per_solved_task_usd=cost / solved if cost is not None and solved else None,
        peak_memory_mb=max(memory) if memory else None,
    )


def deployment_summary(samples: Iterable[DeploymentSample]) -> list[DeploymentSummary]:
    """Per-model deployment figures, in the order models first appear in `samples`."""
    by_model: dict[str, list[DeploymentSample]] = defaultdict(list)
    for sample in samples:
        by_model[sample.model].append(sample)
    return [_summarise(model, group) for model, group in by_model.items()]
