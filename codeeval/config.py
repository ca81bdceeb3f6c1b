"""Run settings and where their values come from: flag > CODEEVAL_* env > codeeval.toml > default.

A run's settings are three objects, split by what they are for:

- `RunDefinition`: what the run measures (tasks, models, samples, generation parameters,
  limits). It is stored with the run, and `--resume` takes it from there: a flag that would
  change it is refused.
- `RunOptions`: how the run is carried out (executor, workers, answer cache, retries).
  Not stored; a resumed run may change it.
- `OutputSettings`: where the results go and what the report compares them with (database,
  report folder and formats, baseline, regression threshold). Not stored.

`[run]` in codeeval.toml takes any of their settings by name. Flags and environment variables
arrive together from the CLI (each typer option declares its `envvar=`); this module adds the
`codeeval.toml` layer and the defaults, and is the only module that reads `CODEEVAL_*` or the
config file. API keys never enter any of them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from codeeval.errors import BadConfig
from codeeval.task.folder import MAX_MEMORY_MB, MIN_MEMORY_MB

if TYPE_CHECKING:
    from codeeval.sandbox import Executor

CONFIG_FILE = "codeeval.toml"
DEFAULT_HOME = Path("codeeval-results")
_SECRET_WORDS = ("api_key", "apikey", "secret", "token", "password")
# codeeval.toml's tables besides [run], and the setting each one fills.
_TABLES = {
    "providers": "providers",
    "endpoints": "endpoints",
    "prices": "prices",
    "executors": "executor_options",
}
# Tables a command reads for itself (`read_command_table`): [nightly] for `codeeval nightly`.
_OWN_TABLES = ("nightly",)
# Settings that are tables of tables: the layers are merged per name, then per option.
_NESTED = ("providers", "executor_options")


class EndpointConfig(BaseModel):
    """A named model endpoint from `[endpoints.NAME]`, used as `--model NAME/model`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    provider: str
    base_url: str | None = None
    api_key_env: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class RunDefinition(BaseModel):
    """What a run measures; stored with the run, so it never holds a secret.

    Two runs with equal definitions (and unchanged tasks) measure the same thing: every
    setting that can change a stored answer, verdict or score is here.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    tasks: tuple[str, ...] = ("quicksort",)
    tags: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    samples: int = Field(1, ge=1, le=1000)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    max_tokens: int = Field(2048, ge=1)
    seed: int | None = None
    system_prompt: str | None = None
    stop: tuple[str, ...] = ()
    lang: str = "en"
    sandbox_packages: tuple[str, ...] = ()  # installed packages programs may import
    time_factor: float | None = Field(None, gt=0)
    min_time_limit_s: float | None = Field(None, gt=0)
    # The same bounds a task file's [limits] memory_mb has.
    memory_mb: int | None = Field(None, ge=MIN_MEMORY_MB, le=MAX_MEMORY_MB)
    # CPU seconds of timing per passing sample (and per reference) for the time complexity.
    complexity_budget_s: float = Field(3.0, gt=0, le=600)
    max_line_length: int = Field(79, ge=20)
    # A response longer than this (UTF-8 bytes) is cut there before it is stored or graded.
    max_response_bytes: int = Field(1_000_000, ge=1000, le=1_000_000_000)
    providers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    endpoints: dict[str, EndpointConfig] = Field(default_factory=dict)
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _default_tasks(cls, data: Any) -> Any:
        """No tasks named: every built-in task when `--tag` filters them, else quicksort."""
        if isinstance(data, Mapping) and not data.get("tasks"):
            return {**data, "tasks": ("all",) if data.get("tags") else ("quicksort",)}
        return data

    @field_validator("providers")
    @classmethod
    def _no_secrets(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for provider, options in value.items():
            for key in options:
                if any(word in key.lower() for word in _SECRET_WORDS) and key != "api_key_env":
                    raise ValueError(
                        f"[providers.{provider}] {key}: keys stay in environment variables; "
                        "name the variable with api_key_env instead"
                    )
        return value

    def safe_dump(self) -> dict[str, Any]:
        """The definition as JSON-ready data, for the store and reports: URL passwords masked."""
        from codeeval.store.urls import mask_passwords

        dumped: dict[str, Any] = mask_passwords(self.model_dump(mode="json"))
        return dumped

    @classmethod
    def from_stored(
        cls, stored: Mapping[str, Any], current: RunDefinition | None = None
    ) -> RunDefinition:
        """The definition of a stored run, to resume it.

        A run stored by an earlier version holds its whole config, output and options
        included (`db`, `out`, `executor`, ...): only the definition's settings are read.
        A URL whose password was stored masked gets it back from `current` where that names
        the very same URL.

        Raises:
            BadConfig: a stored value this version refuses.
        """
        from codeeval.store.urls import restore_passwords

        own = {key: value for key, value in stored.items() if key in cls.model_fields}
        if current is not None:
            own = restore_passwords(own, current.model_dump(mode="json"))
        try:
            return cls.model_validate(own)
        except ValidationError as exc:
            raise BadConfig(f"the stored run: {_problem(exc)}") from None


class RunOptions(BaseModel):
    """How a run is carried out; not stored, and a resumed run may change it.

    None of these changes what a run measures: time limits are measured again in the
    executor at each start (and the sandbox's protections are stored with the machine's
    facts), a reused answer is marked as such in the store, and a generation that failed
    for good is stored as failed, for `--resume` to retry.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    executor: str = "local"
    workers: int | None = Field(None, ge=1)
    # Each executor's own options, from [executors.NAME] (and the flags that set them).
    executor_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    use_cache: bool = True
    max_attempts: int = Field(6, ge=1)

    def create_executor(self, packages: tuple[str, ...] = ()) -> Executor:
        """The executor these options name, built with its options and `packages`.

        Raises:
            UnknownName: no executor of that name.
            BadConfig: an option it does not take, or packages it cannot expose.
        """
        from codeeval.sandbox import create_executor

        return create_executor(
            self.executor,
            workers=self.workers,
            packages=packages,
            **self.executor_options.get(self.executor, {}),
        )


class OutputSettings(BaseModel):
    """Where a run's results go and what its report compares them with; not stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db: str = str(DEFAULT_HOME / "codeeval.db")
    out: str | None = None
    formats: tuple[str, ...] = ("json", "markdown")
    baseline: int | str | None = None  # a run id, or "latest"
    regression_threshold: float = Field(0.05, ge=0.0, le=1.0)

    @field_validator("db", "out", mode="before")
    @classmethod
    def _paths_as_text(cls, value: Any) -> Any:
        """A `pathlib.Path` is taken as its text (library code passes them)."""
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    def report_root(self) -> Path:
        """The folder that receives `run-N/`: `out`, else one that follows the database.

        A database file `DIR/codeeval.db` puts reports in `DIR/`; any other file `DIR/NAME.db`
        in `DIR/NAME-reports/`; a server URL in `codeeval-results/<backend>-<host>-<name>/`. So
        two databases never write the same `run-N` folder.
        """
        if self.out:
            return Path(self.out).expanduser()
        return report_root_for_db(self.db)

    def report_folder(self, run_id: int) -> Path:
        """Where run `run_id`'s report files go: `run-N/` in the report root."""
        return self.report_root() / f"run-{run_id}"


SETTINGS = (RunDefinition, RunOptions, OutputSettings)
_Settings = TypeVar("_Settings", RunDefinition, RunOptions, OutputSettings)


@dataclass(frozen=True, slots=True)
class RunSettings:
    """Everything a run is given: what it measures, how it runs, where its results go."""

    definition: RunDefinition = field(default_factory=RunDefinition)
    options: RunOptions = field(default_factory=RunOptions)
    output: OutputSettings = field(default_factory=OutputSettings)


def setting_names() -> list[str]:
    """Every setting `[run]` (and `codeeval.evaluate`) takes, sorted."""
    return sorted(name for model in SETTINGS for name in model.model_fields)


def report_root_for_db(db: str) -> Path:
    """Where reports of runs in database `db` go by default (see `OutputSettings.report_root`)."""
    import re

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    path: str | None = db
    label = "database"
    if "://" in db:
        try:
            url = make_url(db)
        except ArgumentError:
            path, label = None, db
        else:
            path = url.database if url.get_backend_name() == "sqlite" else None
            parts = [url.get_backend_name(), url.host or "", url.database or ""]
            label = "-".join(part for part in parts if part)
    if path and path != ":memory:":
        file = Path(path).expanduser()
        return file.parent if file.name == "codeeval.db" else file.parent / f"{file.stem}-reports"
    return DEFAULT_HOME / re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("._")


def config_path(explicit: str | None = None) -> Path:
    """The config file in use: `--config`, else `CODEEVAL_CONFIG`, else ./codeeval.toml."""
    return Path(explicit or os.environ.get("CODEEVAL_CONFIG") or CONFIG_FILE)


def read_config_file(path: Path) -> dict[str, Any]:
    """Settings from a codeeval.toml: its `[run]` table, and the tables of `_TABLES`.

    A missing file is an empty config.

    Raises:
        BadConfig: the file is not valid TOML or has an unknown top-level table.
    """
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadConfig(f"{path}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - {"run", *_TABLES, *_OWN_TABLES})
    if unknown:
        raise BadConfig(
            f"{path}: {unknown[0]}: unknown table; use [run], [nightly], [providers.NAME], "
            "[endpoints.NAME], [executors.NAME] or [prices]"
        )
    settings = dict(data.get("run", {}))
    for table, setting in _TABLES.items():
        if table in data:
            settings[setting] = data[table]
    return settings


def build_settings(
    values: Mapping[str, Any],
    file_values: Mapping[str, Any] | None = None,
    source: str = CONFIG_FILE,
    *,
    given_as: str = "command line",
) -> RunSettings:
    """Merge the layers: a given value (flag or env) wins over the file's when it is not None.

    Tables of tables (`providers`, `executor_options`) merge per name and option.

    Args:
        values: Settings from the command line (flags and environment variables), by name.
        file_values: Settings from the config file (`read_config_file`).
        source: The config file's name, for messages.
        given_as: Where `values` came from, for messages.

    Raises:
        BadConfig: an unknown setting (the valid ones are listed) or an invalid value; the
            message names where it came from.
    """
    file_values = _with_aliases(file_values or {})
    given = {key: value for key, value in _with_aliases(values).items() if value is not None}
    merged: dict[str, Any] = {**file_values, **given}
    for key in _NESTED:
        if isinstance(file_values.get(key), Mapping) and isinstance(given.get(key), Mapping):
            merged[key] = _merge_tables(file_values[key], given[key])
    unknown = sorted(set(merged) - set(setting_names()))
    if unknown:
        origin = given_as if unknown[0] in given else source
        raise BadConfig(
            f"{origin}: {unknown[0]}: unknown setting; valid ones: {', '.join(setting_names())}"
        )

    def validated(model: type[_Settings]) -> _Settings:
        own = {key: value for key, value in merged.items() if key in model.model_fields}
        try:
            return model.model_validate(own)
        except ValidationError as exc:
            first = str(exc.errors()[0]["loc"][0])
            raise BadConfig(f"{given_as if first in given else source}: {_problem(exc)}") from None

    return RunSettings(validated(RunDefinition), validated(RunOptions), validated(OutputSettings))


# Settings known by a name of their own that are an executor's option: `[run] docker_image`
# (and CODEEVAL_DOCKER_IMAGE, --docker-image) is `[executors.docker] image`.
_EXECUTOR_ALIASES = {"docker_image": ("docker", "image")}


def _with_aliases(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each alias of `_EXECUTOR_ALIASES` moved into `executor_options`.

    An option given in the executor's own table wins over its alias in the same layer.
    """
    out = dict(values)
    for alias, (executor, option) in _EXECUTOR_ALIASES.items():
        value = out.pop(alias, None)
        if value is None:
            continue
        tables = {name: dict(opts) for name, opts in (out.get("executor_options") or {}).items()}
        tables.setdefault(executor, {}).setdefault(option, value)
        out["executor_options"] = tables
    return out


def _merge_tables(
    lower: Mapping[str, Mapping[str, Any]], upper: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    merged: dict[str, Any] = {name: dict(options) for name, options in lower.items()}
    for name, options in upper.items():
        below = merged.get(name)
        if isinstance(below, dict) and isinstance(options, Mapping):
            merged[name] = {**below, **options}
        else:
            merged[name] = options
    return merged


def _problem(exc: ValidationError) -> str:
    """`key: problem` for the first error pydantic found."""
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    return f"{key}: {str(error['msg']).removeprefix('Value error, ')}"


def load_settings(cli_values: Mapping[str, Any], config_file: str | None = None) -> RunSettings:
    """Build the settings of a command from its CLI values and the config file.

    ./codeeval.toml is optional; a file named by `--config` or CODEEVAL_CONFIG must exist.

    Raises:
        BadConfig: the config file is missing (when named) or invalid, or a value is invalid.
    """
    path = config_path(config_file)
    explicit = config_file or os.environ.get("CODEEVAL_CONFIG")
    if explicit and not path.is_file():
        problem = "is a folder" if path.is_dir() else "no such file"
        raise BadConfig(
            f"--config {explicit}: {problem}; name an existing codeeval.toml, or drop --config "
            "(and CODEEVAL_CONFIG) to read ./codeeval.toml when there is one"
        )
    return build_settings(cli_values, read_config_file(path), str(path))


def load_command_settings(
    cli_values: Mapping[str, Any],
    config_file: str | None,
    table: str,
    *,
    defaults: Mapping[str, Any],
    own_keys: frozenset[str],
) -> tuple[RunSettings, dict[str, Any]]:
    """The settings of a command that has its own table in codeeval.toml (`[nightly]`).

    The layers, highest first: flags and environment (`cli_values`), the command's table,
    `defaults` (the command's own defaults, which win over `[run]`), `[run]`, the built-in
    defaults. The table's keys in `own_keys` are the command's own settings, returned apart.

    Raises:
        BadConfig: the config file is missing (when named) or invalid, or a value is invalid.
    """
    path = config_path(config_file)
    explicit = config_file or os.environ.get("CODEEVAL_CONFIG")
    if explicit and not path.is_file():
        load_settings(cli_values, config_file)  # raises the one-line error
    file_values = read_config_file(path)
    own = _read_toml(path).get(table, {}) if path.is_file() else {}
    if not isinstance(own, dict):
        raise BadConfig(f"{path}: {table}: must be a table, [{table}]")
    layered = {**file_values, **defaults}
    layered.update({key: value for key, value in own.items() if key not in own_keys})
    mine = {key: value for key, value in own.items() if key in own_keys}
    return build_settings(cli_values, layered, f"{path} [{table}]"), mine


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadConfig(f"{path}: invalid TOML: {exc}") from None


def no_plugins_requested() -> bool:
    """Whether CODEEVAL_NO_PLUGINS asks to ignore third-party plug-ins (the tests set it)."""
    return os.environ.get("CODEEVAL_NO_PLUGINS", "") not in ("", "0")
