"""Pure metric functions on code strings and counts, the METRICS table, and statistics.

Importing this package loads no SDK, torch or database; radon and pycodestyle are imported by
the functions that use them, and numpy only by the statistics that need it. Every function's
docstring states its exact definition; `docs/metrics.md` gives the formulas with examples.
"""

from codeeval.scoring.comments import comment_coverage
from codeeval.scoring.compare import (
    Comparison,
    clopper_pearson,
    compare,
    mcnemar_exact,
    mcnemar_test,
    paired_bootstrap,
)
from codeeval.scoring.compile import compiles
from codeeval.scoring.complexity import (
    cyclomatic_complexity,
    maintainability_index,
    max_cyclomatic_complexity,
)
from codeeval.scoring.growth import (
    INCONCLUSIVE,
    NOT_APPLICABLE,
    Efficiency,
    FamilyVerdict,
    TimeComplexity,
    judge_time_complexity,
)
from codeeval.scoring.metrics import (
    COMPLEXITY_CLASS,
    COMPLEXITY_FAMILY,
    COMPLEXITY_NOTE,
    EFFICIENCY_HIGH,
    EFFICIENCY_LOW,
    EXECUTION_METRICS,
    LABELS,
    MAX_STATIC_CODE_CHARS,
    METRICS,
    STATIC_METRICS,
    Metric,
    score_code,
    score_execution,
    score_sample,
    static_metrics_skipped,
)
from codeeval.scoring.passk import pass_at_k
from codeeval.scoring.sample import STATIC_METRICS_SKIPPED, scores_to_store
from codeeval.scoring.stats import (
    Estimate,
    bootstrap_ci,
    mean_of_means,
    pass_at_k_ci,
    pass_at_k_table,
)
from codeeval.scoring.style import pep8_compliance, pep8_scores, pep8_violations
from codeeval.scoring.timefit import (
    GROWTH_CLASSES,
    ComplexityFit,
    GrowthClass,
    fit_time_complexity,
    growth_class,
    time_complexity_score,
)

__all__ = [
    "COMPLEXITY_CLASS",
    "COMPLEXITY_FAMILY",
    "COMPLEXITY_NOTE",
    "EFFICIENCY_HIGH",
    "EFFICIENCY_LOW",
    "EXECUTION_METRICS",
    "GROWTH_CLASSES",
    "INCONCLUSIVE",
    "LABELS",
    "MAX_STATIC_CODE_CHARS",
    "METRICS",
    "NOT_APPLICABLE",
    "STATIC_METRICS",
    "STATIC_METRICS_SKIPPED",
    "Comparison",
    "ComplexityFit",
    "Efficiency",
    "Estimate",
    "FamilyVerdict",
    "GrowthClass",
    "Metric",
    "TimeComplexity",
    "bootstrap_ci",
    "clopper_pearson",
    "comment_coverage",
    "compare",
    "compiles",
    "cyclomatic_complexity",
    "fit_time_complexity",
    "growth_class",
    "judge_time_complexity",
    "maintainability_index",
    "max_cyclomatic_complexity",
    "mcnemar_exact",
    "mcnemar_test",
    "mean_of_means",
    "paired_bootstrap",
    "pass_at_k",
    "pass_at_k_ci",
    "pass_at_k_table",
    "pep8_compliance",
    "pep8_scores",
    "pep8_violations",
    "score_code",
    "score_execution",
    "score_sample",
    "scores_to_store",
    "static_metrics_skipped",
    "time_complexity_score",
]
