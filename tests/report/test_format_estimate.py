"""How a value and its interval are shown in the terminal and every report."""

from __future__ import annotations

import pytest

from codeeval.report import MetricValue, format_estimate


@pytest.mark.parametrize(
    ("value", "low", "high", "fmt", "shown"),
    [
        (1 / 3, 0.08, 0.67, ".0%", "33% [8-67]"),
        (1.0, 0.4, 1.0, ".0%", "100% [40-100]"),  # never "100% ± 30%"
        (0.02, 0.0, 0.05, ".0%", "2% [0-5]"),  # never "2% ± 3%"
        (2.5, 1.0, 4.25, ".1f", "2.5 [1.0-4.2]"),
        (-0.5, -1.0, 0.25, ".2f", "-0.50 [-1.00, 0.25]"),  # no "-1.00-0.25"
        (0.5, 0.5, 0.5, ".0%", "50%"),  # no interval to show
        (0.5, 0.499, 0.501, ".0%", "50%"),  # none that the format can show
        (0.0, -0.0, 0.0, ".0%", "0%"),
    ],
)
def test_intervals_are_shown_by_their_bounds(
    value: float, low: float, high: float, fmt: str, shown: str
) -> None:
    assert format_estimate(MetricValue(value=value, low=low, high=high), fmt) == shown


def test_missing_values_and_intervals() -> None:
    assert format_estimate(None) == "—"
    assert format_estimate(MetricValue(value=0.25), ".0%") == "25%"
