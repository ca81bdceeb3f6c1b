"""pass@k against the formula, brute-force enumeration and the Codex paper's stable form."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest

from codeeval.scoring import pass_at_k, pass_at_k_table


def _enumerated(n: int, c: int, k: int) -> Fraction:
    """Share of the k-subsets of n samples (the first c passing) that hold a passing one."""
    subsets = list(itertools.combinations(range(n), k))
    return Fraction(sum(1 for s in subsets if min(s) < c), len(subsets))


@pytest.mark.parametrize("n", range(1, 9))
def test_equals_brute_force_enumeration_exactly(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == float(_enumerated(n, c, k)), (n, c, k)


def test_matches_the_numerically_stable_form_of_the_codex_paper() -> None:
    # Chen et al. 2021, figure 3: 1 - prod(1 - k / arange(n - c + 1, n + 1)).
    for n, c, k in [(200, 13, 1), (200, 13, 10), (200, 13, 100), (100, 0, 5), (50, 49, 2)]:
        stable = 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))
        assert pass_at_k(n, c, k) == pytest.approx(stable, rel=1e-12, abs=1e-15)


def test_known_values() -> None:
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_at_k(10, 0, 5) == 0.0
    assert pass_at_k(10, 10, 1) == 1.0
    assert pass_at_k(5, 1, 5) == 1.0  # n - c < k: any 5 of 5 include the passing one
    assert pass_at_k(4, 1, 2) == 0.5  # 3 of the 6 pairs hold the passing sample


def test_pass_at_1_is_the_pass_rate() -> None:
    for n in range(1, 30):
        for c in range(n + 1):
            assert pass_at_k(n, c, 1) == pytest.approx(c / n, abs=1e-15)


@pytest.mark.parametrize(
    ("n", "c", "k"),
    [(0, 0, 1), (5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6), (5.0, 2, 1), (5, 2, True)],
)
def test_invalid_counts_raise_value_error(n: object, c: object, k: object) -> None:
    with pytest.raises(ValueError, match="pass_at_k"):
        pass_at_k(n, c, k)  # type: ignore[arg-type]


def test_table_defaults_to_every_k_up_to_the_fewest_samples() -> None:
    table = pass_at_k_table([(4, 1), (5, 0), (4, 4)])
    assert list(table) == [1, 2, 3, 4]
    assert table[1] == pytest.approx((0.25 + 0 + 1) / 3)
    assert table[2] == pytest.approx((0.5 + 0 + 1) / 3)
    assert table[4] == pytest.approx((1 + 0 + 1) / 3)


def test_table_with_chosen_ks_and_its_errors() -> None:
    assert pass_at_k_table([(10, 3)], ks=[5, 1]) == {
        1: pytest.approx(0.3),
        5: pytest.approx(1 - math.comb(7, 5) / math.comb(10, 5)),
    }
    assert pass_at_k_table([]) == {}
    with pytest.raises(ValueError, match="pass@6 needs 1 <= k <= 5"):
        pass_at_k_table([(5, 1), (10, 2)], ks=[6])
