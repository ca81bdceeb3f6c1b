"""The sparkline `codeeval history` draws: one character per run, its height the value."""

from __future__ import annotations

from codeeval.cli.trend import sparkline


def test_shares_are_drawn_on_a_fixed_scale_and_gaps_stay_gaps() -> None:
    assert sparkline([0.0, 0.5, 1.0, None, 1.0], 0.0, 1.0) == "▁▅█ █"
    assert sparkline([0.9, 0.9], 0.0, 1.0) == "▇▇"


def test_other_values_use_their_own_range_and_flat_lines_sit_in_the_middle() -> None:
    assert sparkline([2.0, 4.0, 3.0]) == "▁█▅"
    assert sparkline([5.0, 5.0, 5.0]) == "▅▅▅"
    assert sparkline([None, None]) == "  "
