"""The unbiased pass@k estimator of Chen et al. (2021)."""

from __future__ import annotations

import math


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of pass@k from `n` samples of which `c` passed.

    Definition (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1):
    `pass@k = 1 - C(n - c, k) / C(n, k)`, the probability that a set of `k` samples drawn
    without replacement from the `n` contains at least one that passed; 1.0 when `n - c < k`.
    It is computed exactly: `(C(n, k) - C(n - c, k)) / C(n, k)` with integer binomials from
    `math.comb`, then one correctly rounded division.

    Args:
        n: Samples generated for the task (n >= 1).
        c: Samples that passed (0 <= c <= n).
        k: Budget of attempts (1 <= k <= n).

    Returns:
        The estimate, in [0, 1].

    Raises:
        ValueError: If the counts are not integers with 1 <= k <= n and 0 <= c <= n.
    """
    for name, value in (("n", n), ("c", c), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"pass_at_k: {name} must be an int, got {value!r}")
    if n < 1 or not 0 <= c <= n:
        raise ValueError(f"pass_at_k: need n >= 1 and 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"pass_at_k: need 1 <= k <= n, got k={k} with n={n} samples")
    if n - c < k:
        return 1.0
    total = math.comb(n, k)
    # One division of exact integers: the result is the correctly rounded value of the formula.
    return (total - math.comb(n - c, k)) / total
