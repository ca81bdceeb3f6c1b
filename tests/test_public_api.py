"""The public API is pinned: a change to it is a deliberate edit of this file."""

from __future__ import annotations

import codeeval
import codeeval.scoring

CODEEVAL_ALL = {
    "BadConfig",
    "BadTaskFile",
    "CodeevalError",
    "ExecJob",
    "ExecResult",
    "Generation",
    "GenerationRequest",
    "MissingApiKey",
    "MissingDependency",
    "OutputSettings",
    "ProviderError",
    "RateLimited",
    "RunDefinition",
    "RunListener",
    "RunOptions",
    "RunResult",
    "RunSettings",
    "SampleKey",
    "Status",
    "Task",
    "TransientProviderError",
    "UnknownName",
    "UserError",
    "__version__",
    "evaluate",
}

SCORING_ALL = {
    "COMPLEXITY_CLASS",
    "EXECUTION_METRICS",
    "GROWTH_CLASSES",
    "MAX_STATIC_CODE_CHARS",
    "METRICS",
    "STATIC_METRICS",
    "STATIC_METRICS_SKIPPED",
    "Comparison",
    "COMPLEXITY_FAMILY",
    "COMPLEXITY_NOTE",
    "EFFICIENCY_HIGH",
    "EFFICIENCY_LOW",
    "INCONCLUSIVE",
    "LABELS",
    "NOT_APPLICABLE",
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
}


def test_codeeval_exports_exactly_the_public_api() -> None:
    assert set(codeeval.__all__) == CODEEVAL_ALL
    for name in codeeval.__all__:
        assert hasattr(codeeval, name), name


def test_scoring_exports_exactly_the_public_api() -> None:
    assert set(codeeval.scoring.__all__) == SCORING_ALL
    for name in codeeval.scoring.__all__:
        assert callable(getattr(codeeval.scoring, name)) or name.isupper(), name


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert codeeval.__version__ == version("codeeval")
