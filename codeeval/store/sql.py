"""SqlStore: the Store on SQLAlchemy Core; SQLite file by default, any SQLAlchemy URL works."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from codeeval.errors import RunNotFound, StoreError, UserError
from codeeval.store import (
    GenerationRecord,
    NamedBaseline,
    NightVerdict,
    RunRecord,
    RunSummary,
    SampleRow,
    TaskRecord,
)
from codeeval.store.engine import open_engine
from codeeval.store.migrations import (
    baselines,
    generations,
    now,
    results,
    run_tasks,
    runs,
    verdicts,
)
from codeeval.store.owner import is_gone, other_live_process, this_process
from codeeval.store.text import storable, storable_value
from codeeval.store.urls import mask_passwords
from codeeval.types import (
    CaseResult,
    ExecResult,
    FamilyTiming,
    RunSpec,
    SampleKey,
    SampleResult,
    Status,
    TimedPoint,
    TimingResult,
)


def _dumps(value: Any) -> str:
    return json.dumps(
        storable_value(value), ensure_ascii=False, allow_nan=True, default=_json_default
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return storable(repr(value))


def _storable_key(key: SampleKey) -> SampleKey:
    return SampleKey(storable(key.task_id), storable(key.model), key.sample_index)


def _clean_scores(scores: Mapping[str, float | str | None]) -> dict[str, float | str | None]:
    return {
        name: None if value is None or (isinstance(value, float) and math.isnan(value)) else value
        for name, value in scores.items()
    }


def _execution_to_json(execution: ExecResult | None) -> str | None:
    if execution is None:
        return None
    return _dumps(
        {
            "job_id": execution.job_id,
            "status": str(execution.status),
            "cases": [asdict(case) for case in execution.cases],
            "duration_s": execution.duration_s,
            "message": execution.message,
            "timings": [list(pair) for pair in execution.timings],
            "timing": _timing_to_json(execution.timing),
            "stdout": execution.stdout,
        }
    )


def _timing_to_json(timing: TimingResult | None) -> dict[str, Any] | None:
    """Every measured time of a job (its results' fingerprints left out: checks only)."""
    if timing is None:
        return None
    data = asdict(timing)
    for family in data["families"]:
        for point in family["points"]:
            point.pop("fingerprint", None)
    return data


def _timing_from_json(data: Mapping[str, Any] | None) -> TimingResult | None:
    if not data:
        return None
    return TimingResult(
        families=tuple(
            FamilyTiming(
                family=family["family"],
                points=tuple(
                    TimedPoint(**{**point, "rounds": tuple(point.get("rounds", ()))})
                    for point in family["points"]
                ),
                stopped=family.get("stopped", ""),
                by_budget=family.get("by_budget", False),
            )
            for family in data["families"]
        ),
        clock=data.get("clock", "cpu"),
        cpu_s=data.get("cpu_s", 0.0),
        wall_s=data.get("wall_s", 0.0),
        budget_s=data.get("budget_s", 0.0),
    )


def _execution_from_json(text: str | None) -> ExecResult | None:
    if text is None:
        return None
    data = json.loads(text)
    return ExecResult(
        job_id=data["job_id"],
        status=Status(data["status"]),
        cases=tuple(
            CaseResult(
                name=case["name"],
                status=Status(case["status"]),
                message=case.get("message", ""),
                duration_s=case.get("duration_s", 0.0),
            )
            for case in data["cases"]
        ),
        duration_s=data["duration_s"],
        message=data["message"],
        timings=tuple((int(size), float(seconds)) for size, seconds in data["timings"]),
        stdout=data.get("stdout", ""),
        timing=_timing_from_json(data.get("timing")),
    )


def _spec_to_json(spec: RunSpec) -> str:
    return _dumps(mask_passwords(asdict(spec)))


def _spec_from_json(text: str) -> RunSpec:
    data = mask_passwords(json.loads(text))  # a password an earlier version stored stays hidden
    return RunSpec(
        tasks=tuple(data["tasks"]),
        models=tuple(data["models"]),
        samples=data["samples"],
        temperature=data["temperature"],
        lang=data["lang"],
        config=data["config"],
        machine=data["machine"],
        task_hashes=data["task_hashes"],
        codeeval_version=data["codeeval_version"],
    )


_GENERATION_COLUMNS = (
    "prompt text code extract_method input_tokens output_tokens finish_reason latency_s "
    "first_token_s served_model peak_memory_mb cost_usd attempts error cache_key cached_from_run"
).split()


def _generation_from_row(row: sa.Row[Any]) -> GenerationRecord:
    values = {name: getattr(row, name) for name in _GENERATION_COLUMNS}
    raw = json.loads(row.raw_json) if row.raw_json else None
    return GenerationRecord(raw=raw, **values)


def _generation_values(generation: GenerationRecord) -> dict[str, Any]:
    values = {name: getattr(generation, name) for name in _GENERATION_COLUMNS}
    return {
        name: storable(value) if isinstance(value, str) else value for name, value in values.items()
    }


class SqlStore:
    """The default Store: one database reached through a SQLAlchemy URL."""

    def __init__(self, db: str, *, create: bool = True) -> None:
        """Open (with `create`, make) the database `db` names and bring its schema up to date.

        Args:
            db: a file path (SQLite) or a database URL (see `codeeval.store.urls`).
            create: make the database and its tables when missing; without it (commands that
                only read) a database that does not exist, or holds no codeeval tables, is
                refused and left as it was.

        Raises:
            StoreError: the database cannot be opened, is not codeeval's, or (without
                `create`) does not exist.
            MissingDependency: the URL's driver is not installed.
        """
        self._engine = open_engine(db, create=create)
        self._write_lock = threading.Lock()

    def _write(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        with self._write_lock, self._engine.begin() as connection:
            return connection.execute(statement)

    def start_run(self, spec: RunSpec) -> int:
        """Record a new run and return its id."""
        inserted = self._write(
            runs.insert().values(
                created_at=now(),
                status="running",
                spec_json=_spec_to_json(spec),
                owner=this_process(),
            )
        )
        key = inserted.inserted_primary_key
        if key is None:
            raise StoreError("the database did not return the new run's id")
        return int(key[0])

    def reopen_run(self, run_id: int) -> None:
        """Mark an interrupted run as running again (resume), owned by this process.

        Raises:
            UserError: another process on this machine is still running it.
        """
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(runs.c.status, runs.c.owner).where(runs.c.id == run_id)
            ).first()
        pid = other_live_process(row.owner) if row and row.status == "running" else None
        if pid is not None:
            raise UserError(
                f"run {run_id} is still running (process {pid} on this machine); "
                f"wait for it, or stop it (kill {pid}) and resume again"
            )
        self._write(
            runs.update().where(runs.c.id == run_id).values(status="running", owner=this_process())
        )

    def save_task(self, run_id: int, task: TaskRecord) -> None:
        """Record a task's hash and calibration for a run (replacing an earlier record)."""
        with self._write_lock, self._engine.begin() as connection:
            connection.execute(
                run_tasks.delete().where(
                    (run_tasks.c.run_id == run_id) & (run_tasks.c.task_id == storable(task.task_id))
                )
            )
            connection.execute(
                run_tasks.insert().values(
                    run_id=run_id,
                    task_id=storable(task.task_id),
                    content_hash=task.content_hash,
                    time_limit_s=task.time_limit_s,
                    reference_ok=task.reference_ok,
                    problem=storable(task.problem),
                    optimal_complexity=task.optimal_complexity,
                    tags_json=_dumps(list(task.tags)),
                )
            )

    def completed(self, run_id: int) -> set[SampleKey]:
        """Samples of the run that have a stored result (not an `infra_error`: never graded)."""
        query = sa.select(results.c.task_id, results.c.model, results.c.sample_index).where(
            (results.c.run_id == run_id) & (results.c.status != str(Status.INFRA_ERROR))
        )
        with self._engine.connect() as connection:
            return {SampleKey(*row) for row in connection.execute(query)}

    def generations(self, run_id: int) -> dict[SampleKey, GenerationRecord]:
        """Generations already stored for the run (the resume path reuses them)."""
        query = sa.select(generations).where(generations.c.run_id == run_id)
        with self._engine.connect() as connection:
            return {
                SampleKey(row.task_id, row.model, row.sample_index): _generation_from_row(row)
                for row in connection.execute(query)
            }

    def cached_generation(self, cache_key: str) -> tuple[int, GenerationRecord] | None:
        """A successful generation with this cache key from any run, with its run id."""
        query = (
            sa.select(generations)
            .where((generations.c.cache_key == cache_key) & generations.c.error.is_(None))
            .where(generations.c.cached_from_run.is_(None))
            .order_by(generations.c.run_id.desc())
            .limit(1)
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else (row.run_id, _generation_from_row(row))

    def save_generation(self, run_id: int, key: SampleKey, generation: GenerationRecord) -> None:
        """Store a generation (committed at once: a crash never pays for it twice)."""
        values = _generation_values(generation)
        key = _storable_key(key)
        where = (
            (generations.c.run_id == run_id)
            & (generations.c.task_id == key.task_id)
            & (generations.c.model == key.model)
            & (generations.c.sample_index == key.sample_index)
        )
        with self._write_lock, self._engine.begin() as connection:
            connection.execute(generations.delete().where(where))
            connection.execute(
                generations.insert().values(
                    run_id=run_id,
                    task_id=key.task_id,
                    model=key.model,
                    sample_index=key.sample_index,
                    raw_json=_dumps(generation.raw) if generation.raw is not None else None,
                    created_at=now(),
                    **values,
                )
            )

    def save_result(self, run_id: int, result: SampleResult) -> None:
        """Store a graded sample (replacing an earlier result for the same sample)."""
        key = _storable_key(result.key)
        where = (
            (results.c.run_id == run_id)
            & (results.c.task_id == key.task_id)
            & (results.c.model == key.model)
            & (results.c.sample_index == key.sample_index)
        )
        with self._write_lock, self._engine.begin() as connection:
            connection.execute(results.delete().where(where))
            connection.execute(
                results.insert().values(
                    run_id=run_id,
                    task_id=key.task_id,
                    model=key.model,
                    sample_index=key.sample_index,
                    status=storable(str(result.status)),
                    scores_json=_dumps(_clean_scores(result.scores)),
                    execution_json=_execution_to_json(result.execution),
                    created_at=now(),
                )
            )

    def finish_run(self, run_id: int, status: str) -> None:
        """Mark the run finished (or interrupted, failed)."""
        self._write(
            runs.update().where(runs.c.id == run_id).values(status=status, finished_at=now())
        )

    def _summaries(self, where: Any, limit: int) -> list[RunSummary]:
        graded = (
            sa.select(results.c.run_id, sa.func.count().label("graded"))
            .group_by(results.c.run_id)
            .subquery()
        )
        query = (
            sa.select(runs, sa.func.coalesce(graded.c.graded, 0).label("graded"))
            .outerjoin(graded, graded.c.run_id == runs.c.id)
            .where(where)
            .order_by(runs.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        summaries = []
        for row in rows:
            spec = json.loads(row.spec_json)
            summaries.append(
                RunSummary(
                    id=row.id,
                    created_at=row.created_at,
                    finished_at=row.finished_at,
                    # A run whose process died without a word (kill -9, power loss).
                    status="interrupted"
                    if row.status == "running" and is_gone(row.owner)
                    else row.status,
                    models=tuple(spec["models"]),
                    tasks=tuple(spec["tasks"]),
                    samples=spec["samples"],
                    graded=row.graded,
                )
            )
        return summaries

    def runs(self, limit: int = 20) -> list[RunSummary]:
        """The most recent runs, newest first."""
        return self._summaries(sa.true(), limit)

    def latest_comparable_run(self, run_id: int) -> RunSummary | None:
        """The newest finished run before `run_id` sharing a model and a task with it.

        Earlier runs are read newest first, a batch at a time, until one matches: however
        many runs lie between, the comparable one is found.

        Raises:
            RunNotFound: no run has the id `run_id`.
        """
        current = _spec_from_json(self._spec_json(run_id))
        models, tasks = set(current.models), set(current.tasks)
        query = (
            sa.select(runs.c.id, runs.c.spec_json)
            .where((runs.c.id < run_id) & (runs.c.status == "finished"))
            .order_by(runs.c.id.desc())
            .execution_options(yield_per=100)
        )
        found = None
        with self._engine.connect() as connection, connection.execute(query) as rows:
            for row in rows:
                spec = json.loads(row.spec_json)
                if models & set(spec["models"]) and tasks & set(spec["tasks"]):
                    found = int(row.id)
                    break
        return None if found is None else self._summaries(runs.c.id == found, 1)[0]

    def save_verdict(
        self,
        run_id: int,
        matrix: str,
        red: bool,
        summary: str,
        *,
        baseline_run: int | None = None,
        baseline_reason: str = "",
        problems: Sequence[Mapping[str, str | None]] = (),
    ) -> None:
        """Record a nightly's verdict on its run (replacing an earlier one for that run)."""
        listed = [{key: problem.get(key) for key in _PROBLEM_KEYS} for problem in problems]
        with self._write_lock, self._engine.begin() as connection:
            connection.execute(verdicts.delete().where(verdicts.c.run_id == run_id))
            connection.execute(
                verdicts.insert().values(
                    run_id=run_id,
                    matrix=storable(matrix),
                    red=red,
                    summary=storable(summary),
                    created_at=now(),
                    baseline_run_id=baseline_run,
                    baseline_reason=storable(baseline_reason)[:200],
                    problems_json=json.dumps(storable_value(listed)),
                )
            )

    def verdict(self, run_id: int) -> NightVerdict | None:
        """The nightly verdict stored for a run; None when no nightly judged it."""
        with self._engine.connect() as connection:
            row = connection.execute(sa.select(verdicts).where(verdicts.c.run_id == run_id)).first()
        if row is None:
            return None
        return NightVerdict(
            row.run_id,
            row.matrix,
            bool(row.red),
            row.summary,
            row.created_at,
            baseline_run=row.baseline_run_id,
            baseline_reason=row.baseline_reason or "",
            problems=_stored_problems(row.problems_json),
        )

    def last_good_run(self, matrix: str, before: int) -> RunSummary | None:
        """The newest finished run before `before` whose nightly `matrix` judged it not red."""
        query = (
            sa.select(sa.func.max(runs.c.id))
            .join(verdicts, verdicts.c.run_id == runs.c.id)
            .where(
                (runs.c.id < before)
                & (runs.c.status == "finished")
                & (verdicts.c.matrix == storable(matrix))
                & sa.not_(verdicts.c.red)
            )
        )
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return None if found is None else self._summaries(runs.c.id == found, 1)[0]

    def pin_baseline(self, name: str, run_id: int) -> None:
        """Pin run `run_id` under `name` (replacing what the name pinned before).

        Raises:
            RunNotFound: no run has the id `run_id`.
        """
        self.run_summary(run_id)
        with self._write_lock, self._engine.begin() as connection:
            connection.execute(baselines.delete().where(baselines.c.name == storable(name)))
            connection.execute(
                baselines.insert().values(name=storable(name), run_id=run_id, created_at=now())
            )

    def named_baseline(self, name: str) -> NamedBaseline | None:
        """The run pinned under `name`, or None."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(baselines).where(baselines.c.name == storable(name))
            ).first()
        return None if row is None else NamedBaseline(row.name, row.run_id, row.created_at)

    def named_baselines(self) -> list[NamedBaseline]:
        """Every pinned baseline, by name."""
        with self._engine.connect() as connection:
            rows = connection.execute(sa.select(baselines).order_by(baselines.c.name)).all()
        return [NamedBaseline(row.name, row.run_id, row.created_at) for row in rows]

    def delete_baseline(self, name: str) -> bool:
        """Forget a pinned baseline; False when no baseline had that name."""
        deleted = self._write(baselines.delete().where(baselines.c.name == storable(name)))
        return bool(deleted.rowcount)

    def _spec_json(self, run_id: int) -> str:
        with self._engine.connect() as connection:
            spec_json = connection.execute(
                sa.select(runs.c.spec_json).where(runs.c.id == run_id)
            ).scalar_one_or_none()
        if spec_json is None:
            raise RunNotFound(run_id)
        return str(spec_json)

    def run_summary(self, run_id: int) -> RunSummary:
        """One run's line of `codeeval runs`.

        Raises:
            RunNotFound: no run has that id.
        """
        summaries = self._summaries(runs.c.id == run_id, 1)
        if not summaries:
            raise RunNotFound(run_id)
        return summaries[0]

    def load_run(self, run_id: int) -> RunRecord:
        """Everything stored about a run.

        Raises:
            RunNotFound: no run has that id.
        """
        summary = self.run_summary(run_id)
        spec_json = self._spec_json(run_id)
        with self._engine.connect() as connection:
            task_rows = connection.execute(
                sa.select(run_tasks).where(run_tasks.c.run_id == run_id)
            ).all()
            generation_rows = connection.execute(
                sa.select(generations).where(generations.c.run_id == run_id)
            ).all()
            result_rows = connection.execute(
                sa.select(results).where(results.c.run_id == run_id)
            ).all()
        tasks = {
            row.task_id: TaskRecord(
                task_id=row.task_id,
                content_hash=row.content_hash,
                time_limit_s=row.time_limit_s,
                reference_ok=row.reference_ok,
                problem=row.problem,
                optimal_complexity=row.optimal_complexity,
                tags=tuple(json.loads(row.tags_json)),
            )
            for row in task_rows
        }
        by_key: dict[SampleKey, dict[str, Any]] = {}
        for row in generation_rows:
            key = SampleKey(row.task_id, row.model, row.sample_index)
            by_key.setdefault(key, {})["generation"] = _generation_from_row(row)
        for row in result_rows:
            key = SampleKey(row.task_id, row.model, row.sample_index)
            by_key.setdefault(key, {})["result"] = SampleResult(
                key=key,
                status=Status(row.status),
                scores=json.loads(row.scores_json),
                execution=_execution_from_json(row.execution_json),
            )
        samples = tuple(
            SampleRow(key=key, generation=parts.get("generation"), result=parts.get("result"))
            for key, parts in sorted(by_key.items())
        )
        return RunRecord(
            summary=summary, spec=_spec_from_json(spec_json), tasks=tasks, samples=samples
        )

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()


_PROBLEM_KEYS = ("kind", "model", "task_id", "message")


def _stored_problems(text: str | None) -> tuple[dict[str, str | None], ...]:
    """A verdict's problems as stored; none for a verdict stored before they were kept."""
    if not text:
        return ()
    return tuple(
        {key: (str(item[key]) if item.get(key) is not None else None) for key in _PROBLEM_KEYS}
        for item in json.loads(text)
        if isinstance(item, dict)
    )
