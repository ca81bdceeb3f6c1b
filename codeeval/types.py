"""Value objects passed between codeeval's parts: tasks, requests, generations, jobs and results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Status(StrEnum):
    """How one sample (or one test of it) ended. Every limit hit has its own status."""

    PASSED = "passed"
    FAILED = "failed"  # ran, and a test's assertion or comparison failed
    ERROR = "error"  # the candidate raised, or the entry point is missing
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    SYNTAX_ERROR = "syntax_error"
    KILLED = "killed"  # ended by a signal or a limit with no status of its own
    NO_CODE = "no_code"  # the response held no code to run
    GENERATION_ERROR = "generation_error"  # the provider failed for good
    # The grading machinery failed (a worker or node died, again and again): says nothing
    # about the program, counts in no metric, and a resumed run grades the sample again.
    INFRA_ERROR = "infra_error"


PromptStyle = Literal["instruct", "completion"]


@dataclass(frozen=True, slots=True)
class TaskLimits:
    """How a task's time limit is derived: max(min_time_limit_s, time_factor × reference time)."""

    time_factor: float = 10.0
    min_time_limit_s: float = 2.0
    memory_mb: int = 1024


@dataclass(frozen=True, slots=True)
class DifferentialSpec:
    """Randomised tests: inputs from the task's generator, expected outputs from its reference."""

    count: int = 20
    seed: int = 20240601
    sizes: tuple[int, ...] = (0, 1, 2, 5, 10, 50)
    # Accept a float where the reference returned an int (compared within the float tolerance).
    float_for_int: bool = False


@dataclass(frozen=True, slots=True)
class Task:
    """One programming problem: prompts, reference solution, trusted tests and input generator.

    `tests` is trusted Python source defining `test_*(candidate)` functions (or one
    `check(candidate)`, as HumanEval writes them); the grader runs them outside the sandbox
    with `candidate` standing in for the sandboxed entry point.
    """

    id: str
    prompts: Mapping[str, str]
    entry_point: str
    reference: str
    tests: str
    content_hash: str
    inputs: str | None = None
    signature: str | None = None
    title: str = ""
    tags: tuple[str, ...] = ()
    time_complexity: str | None = None
    prompt_style: PromptStyle = "instruct"
    code_prefix: str = ""
    limits: TaskLimits = field(default_factory=TaskLimits)
    differential: DifferentialSpec | None = None
    complexity_sizes: tuple[int, ...] = ()
    source: str = ""

    def prompt(self, lang: str = "en") -> str:
        """The prompt in `lang`, falling back to English when the task has no such translation."""
        return self.prompts.get(lang) or self.prompts["en"]


@dataclass(frozen=True, slots=True, order=True)
class SampleKey:
    """Identifies one sample within a run."""

    task_id: str
    model: str
    sample_index: int


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """Everything a provider needs for one call. Providers read only what they support."""

    task: Task
    prompt: str
    sample_index: int = 0
    system: str | None = None
    temperature: float = 0.0
    top_p: float | None = None
    max_tokens: int = 2048
    seed: int | None = None
    stop: tuple[str, ...] = ()
    mode: Literal["chat", "completion"] = "chat"


@dataclass(frozen=True, slots=True)
class Generation:
    """A provider's answer. `raw` is the key-free vendor response, kept for audit."""

    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    finish_reason: str | None = None
    raw: Mapping[str, Any] | None = None
    latency_s: float | None = None
    first_token_s: float | None = None
    served_model: str | None = None
    peak_memory_mb: float | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """One differential test: plain-data arguments and the reference's plain-data output."""

    name: str
    args: tuple[Any, ...]
    expected: Any


@dataclass(frozen=True, slots=True)
class ExecLimits:
    """Resource limits for one sample in the sandbox."""

    time_limit_s: float = 4.0  # per test call
    memory_mb: int = 1024
    output_bytes: int = 1_000_000
    processes: int = 32


@dataclass(frozen=True, slots=True)
class TimingPoint:
    """One input to time: its size and its argument tuple, encoded once on the trusted side.

    `payload` is `encoding` ("marshal" or "json", tagged JSON) data of the argument tuple; the
    child decodes a fresh copy whenever one is needed, so input transfer costs one decoding
    per copy, not a Python-level rebuild. `expected` is what the reference's timed call
    returned here (`TimedPoint.fingerprint`), `reference_put_s` the CPU its child took to
    receive these inputs; both are None when the reference itself is being timed.
    """

    size: int
    payload: bytes
    encoding: Literal["marshal", "json"] = "marshal"
    expected: Any = None
    reference_put_s: float | None = None


@dataclass(frozen=True, slots=True)
class TimingFamily:
    """One input family (random, sorted, ...) of a task's timing, its points by size."""

    name: str
    points: tuple[TimingPoint, ...]


@dataclass(frozen=True, slots=True)
class TimingPlan:
    """What to time after a job's tests pass: families of inputs and a CPU budget.

    `budget_s` is the most CPU time the whole timing of one job may use (inputs delivered,
    calls, checks); sizes are measured in increasing order, and a family stops at the first
    size that would not fit. `reference` marks the reference's own timing, which records the
    fingerprint of each result for the candidates' checks.
    """

    families: tuple[TimingFamily, ...]
    budget_s: float = 3.0
    reference: bool = False


@dataclass(frozen=True, slots=True)
class ExecJob:
    """One program to grade: the candidate code plus the trusted tests to run against it."""

    id: str
    code: str
    entry_point: str
    tests: str
    limits: ExecLimits = field(default_factory=ExecLimits)
    cases: tuple[Case, ...] = ()
    # Shorthand for a plan of one family ("random") of plain argument tuples by size; a
    # `timing` plan, when given, is used instead.
    timing_args: tuple[tuple[int, tuple[Any, ...]], ...] = ()
    timing: TimingPlan | None = None
    # Record each case's decoded output in ExecResult.outputs instead of comparing it with
    # `expected` (how calibration gets the reference's outputs for the differential cases).
    collect_outputs: bool = False
    # A float where a case expects an int is compared as a float (else it is a wrong answer).
    float_for_int: bool = False


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The verdict on one test function or differential case."""

    name: str
    status: Status
    message: str = ""
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class TimedPoint:
    """The measured time of one call at one size (CPU seconds of the job's process tree).

    `seconds` is the least disturbed per-call time: the smallest of `rounds`, each round the
    CPU of `repeats` calls in a row divided by `repeats`; the first call on these inputs (its
    result checked against the reference's) is `first_s`. `put_s` is the CPU the child took
    to receive the inputs (not timed). `fingerprint` is the result's fingerprint (the value
    itself when small, else a digest); `verified` says whether it matched the reference's
    (None when timing the reference). `note` says what was odd about this point.
    """

    size: int
    seconds: float
    rounds: tuple[float, ...] = ()
    repeats: int = 1
    first_s: float = 0.0
    put_s: float = 0.0
    fingerprint: Any = None
    verified: bool | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FamilyTiming:
    """The points of one input family, in increasing size; `stopped` says why it ended early."""

    family: str
    points: tuple[TimedPoint, ...] = ()
    stopped: str = ""
    by_budget: bool = False  # it stopped only because the budget could not pay for more


@dataclass(frozen=True, slots=True)
class TimingResult:
    """Every timing of one job: per family, with what the measurement cost.

    `clock` is "cpu" (the kernel's CPU clock of the job's process tree, read by the grader)
    or "wall" (where that clock cannot be read); `cpu_s` and `wall_s` what the whole timing
    took; `budget_s` the budget it had. What the trusted side noticed on the way is in each
    family's `stopped` and each point's `note`.
    """

    families: tuple[FamilyTiming, ...]
    clock: Literal["cpu", "wall"] = "cpu"
    cpu_s: float = 0.0
    wall_s: float = 0.0
    budget_s: float = 0.0

    def pairs(self, family: str | None = None) -> tuple[tuple[int, float], ...]:
        """(size, seconds) of the verified points of `family` (default: the first family)."""
        for timing in self.families:
            if family is None or timing.family == family:
                return tuple((p.size, p.seconds) for p in timing.points if p.verified is not False)
        return ()


@dataclass(frozen=True, slots=True)
class ExecResult:
    """The grader's verdict on one job; exactly one per job, whatever the program did."""

    job_id: str
    status: Status
    cases: tuple[CaseResult, ...] = ()
    duration_s: float = 0.0
    message: str = ""
    timings: tuple[tuple[int, float], ...] = ()  # (size, seconds) of the first family
    stdout: str = ""
    outputs: tuple[Any, ...] = ()  # one decoded value per case when job.collect_outputs
    timing: TimingResult | None = None


@dataclass(frozen=True, slots=True)
class SampleResult:
    """A graded sample: its verdict and the per-sample metric values (None: not computable).

    Scores are numbers, except labels such as the fitted time complexity class ("O(n log n)").
    """

    key: SampleKey
    status: Status
    scores: Mapping[str, float | str | None]
    execution: ExecResult | None = None


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What a run was asked to do, as stored with it (never any API key)."""

    tasks: tuple[str, ...]
    models: tuple[str, ...]
    samples: int
    temperature: float
    lang: str
    config: Mapping[str, Any]
    machine: Mapping[str, Any]
    task_hashes: Mapping[str, str]
    codeeval_version: str
