"""What a report holds: ReportData and its parts, as every renderer receives them.

These are pydantic models, so that the JSON report is their dump (`schema_version` says its
shape). Renderers (`reports/<format>.py`) receive a finished ReportData: they never query the
store or compute a metric.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field

from codeeval.pricing import DeploymentSummary

SCHEMA_VERSION = 1


class MetricValue(BaseModel):
    """A metric's value with its 95% confidence interval (bounds None with too little data).

    `codeeval.scoring.Estimate` is what the statistics return; this is what a report shows.
    """

    value: float
    low: float | None = None
    high: float | None = None


class ModelSummary(BaseModel):
    """One row of the comparison table, plus the deployment figures."""

    model: str
    tasks: int
    samples: int
    generation_errors: int = 0
    metrics: dict[str, MetricValue | None] = Field(default_factory=dict)
    pass_at: dict[int, MetricValue] = Field(default_factory=dict)
    pass_at_every_k: dict[int, float] = Field(default_factory=dict)
    time_complexity: str | None = None
    statuses: dict[str, int] = Field(default_factory=dict)
    cached: int = 0
    median_latency_s: float | None = None
    deployment: DeploymentSummary | None = None


class TaskCell(BaseModel):
    """One model on one task."""

    n: int
    c: int
    pass_at_1: float | None
    time_complexity: str | None = None
    time_complexity_family: str | None = None  # the input family that showed that class
    statuses: dict[str, int] = Field(default_factory=dict)


class TaskResults(BaseModel):
    """One task across models: a cell per model (`codeeval.task.info.TaskRow` is a listing)."""

    task_id: str
    content_hash: str
    optimal_complexity: str | None = None
    time_limit_s: float | None = None
    cells: dict[str, TaskCell] = Field(default_factory=dict)


class ModelComparison(BaseModel):
    """A paired comparison of two models on the tasks both ran (pass@1 per task).

    The report's form of `codeeval.scoring.Comparison`, with the two models named.
    """

    model_a: str
    model_b: str
    tasks: int
    difference: float
    low: float | None
    high: float | None
    p_value: float | None
    significant: bool
    method: str = ""


class Regression(BaseModel):
    """A drop against the baseline run on a task whose content hash is unchanged."""

    model: str
    task_id: str | None
    metric: str
    baseline: float
    current: float
    delta: float
    significant: bool


class RunInfo(BaseModel):
    """Where the numbers come from."""

    id: int
    created_at: str
    finished_at: str | None
    status: str
    models: list[str]
    tasks: list[str]
    samples: int
    temperature: float
    lang: str
    codeeval_version: str
    machine: dict[str, Any]
    config: dict[str, Any]


class GenerationFailure(BaseModel):
    """Generations of one model that failed for good, with the first error message."""

    model: str
    count: int
    first_error: str


class StyleViolation(BaseModel):
    """One pycodestyle violation: the line it is on and its code (E501, W291...)."""

    line: int
    code: str


class SampleLine(BaseModel):
    """One sample: its verdict, scores and everything needed to open it.

    `error` says why a sample did not pass (None only for passed ones); `failing_test` names
    the first test that did not pass. Texts come from the model and are hostile input: each is
    cut at `codeeval.report.samples.MAX_TEXT_CHARS` (stdout and messages shorter) with a
    visible note at the end, and renderers escape them.
    """

    task_id: str
    model: str
    sample_index: int
    status: str
    scores: dict[str, float | str | None]
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency_s: float | None = None
    cost_usd: float | None = None
    error: str | None = None
    failing_test: str | None = None
    prompt: str | None = None
    response: str | None = None
    code: str | None = None
    extract_method: str = ""
    stdout: str | None = None
    pep8: list[StyleViolation] = Field(default_factory=list)
    timings: list[tuple[int, float]] = Field(default_factory=list)
    timings_by_family: dict[str, list[tuple[int, float]]] = Field(default_factory=dict)
    timing_clock: str | None = None


class MetricChange(BaseModel):
    """One model's change in one metric against the baseline run (over shared, unedited tasks).

    `task_id` None is the model's figure over all shared tasks; otherwise one task's. `low` and
    `high` bound `delta` (95%), `test` names the statistical test behind `p_value`.
    """

    model: str
    metric: str
    task_id: str | None = None
    baseline: float | None
    current: float | None
    delta: float | None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    test: str = ""
    significant: bool = False
    regression: bool = False


class TaskFlip(BaseModel):
    """A task that went from passing to failing (or back) for one model, with samples to open.

    A task passes for a model when its pass@1 is at least one half.
    """

    model: str
    task_id: str
    before: str
    after: str
    baseline_sample: int | None = None
    sample: int | None = None

    def show_args(self, run_id: int) -> tuple[str, ...]:
        """The `codeeval show` arguments that open this flip's sample of run `run_id`."""
        args = ("show", str(run_id), "--task", self.task_id, "--model", self.model)
        return args + (("--sample", str(self.sample)) if self.sample is not None else ())


class RunComparison(BaseModel):
    """What changed between a baseline run and this run, as `compare A B` prints it."""

    run_id: int
    baseline_run: int
    baseline_created_at: str
    baseline_reason: str
    changes: list[MetricChange] = Field(default_factory=list)
    flips: list[TaskFlip] = Field(default_factory=list)
    new_models: list[str] = Field(default_factory=list)
    new_tasks: list[str] = Field(default_factory=list)
    edited_tasks: list[str] = Field(default_factory=list)


class Problem(BaseModel):
    """One reason a night is red: `kind` is regression, outage or reference_failing."""

    kind: str
    model: str | None = None
    task_id: str | None = None
    message: str


class Verdict(BaseModel):
    """A night's verdict: red when anything is wrong, with every reason and one summary line.

    `summary` reads like "compared with run 41 (2026-12-06, last good night): 2 regressions,
    1 outage", or "no earlier run of this matrix: this night becomes the baseline".
    """

    red: bool
    problems: list[Problem] = Field(default_factory=list)
    summary: str


class ReportData(BaseModel):
    """Everything a renderer shows."""

    schema_version: int = SCHEMA_VERSION
    run: RunInfo
    ks: list[int]
    models: list[ModelSummary]
    tasks: list[TaskResults]
    comparisons: list[ModelComparison] = Field(default_factory=list)
    baseline_run: int | None = None
    regressions: list[Regression] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    generation_failures: list[GenerationFailure] = Field(default_factory=list)
    samples: list[SampleLine] = Field(default_factory=list)
    comparison: RunComparison | None = None
    verdict: Verdict | None = None


class Renderer(Protocol):
    """A report format: `reports/<format>.py` exports `SUFFIX` and `render`."""

    def __call__(self, data: ReportData) -> str:
        """Render the report as text."""
        ...
