"""RunConfig and where its values come from: flag > CODEEVAL_* env > codeeval.toml > default.

Flags and environment variables arrive together from the CLI (each typer option declares its
`envvar=`); this module adds the `codeeval.toml` layer and the defaults, and is the only module
that reads `CODEEVAL_*` or the config file. API keys never enter a RunConfig.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from codeeval.errors import BadConfig

CONFIG_FILE = "codeeval.toml"
DEFAULT_HOME = Path("codeeval-results")
_SECRET_WORDS = ("api_key", "apikey", "secret", "token", "password")


class EndpointConfig(BaseModel):
    """A named model endpoint from `[endpoints.NAME]`, used as `--model NAME/model`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    provider: str
    base_url: str | None = None
    api_key_env: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class RunConfig(BaseModel):
    """Everything one run was asked to do. Stored with the run, so it never holds a secret."""

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
    executor: str = "local"
    workers: int | None = Field(None, ge=1)
    sandbox_packages: tuple[str, ...] = ()  # installed packages programs may import
    db: str = str(DEFAULT_HOME / "codeeval.db")
    out: str | None = None
    formats: tuple[str, ...] = ("json", "markdown")
    use_cache: bool = True
    time_factor: float | None = Field(None, gt=0)
    min_time_limit_s: float | None = Field(None, gt=0)
    memory_mb: int | None = Field(None, ge=64)
    # CPU seconds of timing per passing sample (and per reference) for the time complexity.
    complexity_budget_s: float = Field(3.0, gt=0, le=600)
    max_line_length: int = Field(79, ge=20)
    max_attempts: int = Field(6, ge=1)
    baseline: str | None = None
    regression_threshold: float = Field(0.05, ge=0.0, le=1.0)
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

    def report_root(self) -> Path:
        """The folder that receives `run-N/`: `--out`, else one that follows the database.

        A database file `DIR/codeeval.db` puts reports in `DIR/`; any other file `DIR/NAME.db`
        in `DIR/NAME-reports/`; a server URL in `codeeval-results/<backend>-<host>-<name>/`. So
        two databases never write the same `run-N` folder.
        """
        if self.out:
            return Path(self.out).expanduser()
        return report_root_for_db(self.db)

    def safe_dump(self) -> dict[str, Any]:
        """The config as JSON-ready data, for the store and reports: URL passwords masked."""
        from codeeval.store.urls import mask_passwords

        dumped: dict[str, Any] = mask_passwords(self.model_dump(mode="json"))
        return dumped


def report_root_for_db(db: str) -> Path:
    """Where reports of runs in database `db` go by default (see `RunConfig.report_root`)."""
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
    """Settings from a codeeval.toml (its `[run]` table, `[providers.*]`, `[endpoints.*]`).

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
    unknown = sorted(set(data) - {"run", "providers", "endpoints", "prices"})
    if unknown:
        raise BadConfig(
            f"{path}: {unknown[0]}: unknown table; use [run], [providers.NAME], "
            "[endpoints.NAME] or [prices]"
        )
    settings = dict(data.get("run", {}))
    for table in ("providers", "endpoints", "prices"):
        if table in data:
            settings[table] = data[table]
    return settings


def build_run_config(
    cli_values: Mapping[str, Any], file_values: Mapping[str, Any], source: str = CONFIG_FILE
) -> RunConfig:
    """Merge the layers: a CLI value (flag or env) wins when it is not None.

    Raises:
        BadConfig: a value is invalid; the message names where it came from.
    """
    merged: dict[str, Any] = dict(file_values)
    merged.update({key: value for key, value in cli_values.items() if value is not None})
    try:
        return RunConfig.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        given = cli_values.get(str(error["loc"][0])) is not None
        origin = "command line" if given else source
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden" and len(error["loc"]) == 1:
            message = f"unknown setting; valid ones: {', '.join(sorted(RunConfig.model_fields))}"
        raise BadConfig(f"{origin}: {key}: {message}") from None


def load_run_config(cli_values: Mapping[str, Any], config_file: str | None = None) -> RunConfig:
    """Build the RunConfig for a command from its CLI values and the config file.

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
    return build_run_config(cli_values, read_config_file(path), str(path))


def no_plugins_requested() -> bool:
    """Whether CODEEVAL_NO_PLUGINS asks to ignore third-party plug-ins (the tests set it)."""
    return os.environ.get("CODEEVAL_NO_PLUGINS", "") not in ("", "0")
