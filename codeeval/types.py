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
class ExecJob:
    """One program to grade: the candidate code plus the trusted tests to run against it."""

    id: str
    code: str
    entry_point: str
    tests: str
    limits: ExecLimits = field(default_factory=ExecLimits)
    cases: tuple[Case, ...] = ()
    timing_args: tuple[tuple[int, tuple[Any, ...]], ...] = ()
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
class ExecResult:
    """The grader's verdict on one job; exactly one per job, whatever the program did."""

    job_id: str
    status: Status
    cases: tuple[CaseResult, ...] = ()
    duration_s: float = 0.0
    message: str = ""
    timings: tuple[tuple[int, float], ...] = ()
    stdout: str = ""
    outputs: tuple[Any, ...] = ()  # one decoded value per case when job.collect_outputs


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
