"""What a nightly judges by: its matrix's name, the thresholds, the outage share, the baseline.

`NightlyPolicy` holds the settings only `codeeval nightly` has; what the night runs (tasks,
models, samples, database, formats, ...) are the usual run settings, read from `[nightly]`
over `[run]` in codeeval.toml (`load_nightly_settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codeeval.config import RunSettings, load_command_settings, setting_names
from codeeval.errors import BadConfig

# Every metric but pass@1 (which `regression_threshold` governs) that turns a night red by
# default, with the worsening beyond which it does so (share metrics: absolute points).
DEFAULT_METRIC_THRESHOLDS: dict[str, float] = {
    "compiles": 0.05,
    "time_complexity": 0.10,
    "pep8": 0.10,
    "comments": 0.10,
}
DEFAULT_NOTIFY_ENV = "CODEEVAL_NOTIFY_URL"


class NightlyPolicy(BaseModel):
    """How a night is judged; `[nightly]` in codeeval.toml takes each by name.

    Attributes:
        name: The matrix's name: its last good night is the newest run of this name whose
            verdict was not red. Two nightly jobs with other matrices use other names.
        baseline: A pinned baseline's name or a run id to compare with instead of the last
            good night.
        thresholds: For metrics other than pass@1, the worsening (in the metric's unit) of
            a model's figure beyond which the night is red; a metric not named never is.
        max_failure_share: A model whose failed generations exceed this share of its
            generations is an outage (one with no successful generation always is).
        require_significance: Only drops the paired test (Fisher's exact test for a single
            task) finds significant at 5% turn the night red.
        notify_env: The environment variable holding the webhook URL, so that the secret
            stays out of the file.
        notify_attempts: Tries to post to the webhook (429, 5xx and lost connections).
        notify_backoff_s: The wait before the second try; it doubles each time.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("default", min_length=1, max_length=200)
    baseline: str | None = None
    thresholds: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_METRIC_THRESHOLDS))
    max_failure_share: float = Field(0.05, ge=0.0, le=1.0)
    require_significance: bool = False
    notify_env: str = DEFAULT_NOTIFY_ENV
    notify_attempts: int = Field(4, ge=1, le=10)
    notify_backoff_s: float = Field(1.0, ge=0.0, le=60.0)

    @field_validator("thresholds")
    @classmethod
    def _known_metrics(cls, value: dict[str, float]) -> dict[str, float]:
        from codeeval.scoring import METRICS

        known = [metric.name for metric in METRICS if metric.name != "pass@1"]
        for name, limit in value.items():
            if name not in known:
                raise ValueError(
                    f"{name}: not a metric with a threshold here (pass@1 takes "
                    f"regression_threshold); metrics: {', '.join(known)}"
                )
            if limit < 0:
                raise ValueError(f"{name}: a threshold is a worsening, 0 or more")
        return value

    @field_validator("baseline", mode="before")
    @classmethod
    def _baseline_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


POLICY_KEYS = frozenset(NightlyPolicy.model_fields)
# What a night does unless told otherwise: hosted APIs sampled afresh, every report format.
_SECRET_KEYS = ("notify", "notify_url", "webhook", "webhook_url", "url")


def nightly_defaults() -> dict[str, Any]:
    """The run settings a night starts from, over `[run]`: no answer cache, every format."""
    from codeeval import registry

    return {"use_cache": False, "formats": tuple(registry.names(registry.RENDERERS))}


def load_nightly_settings(
    cli_values: Mapping[str, Any],
    policy_values: Mapping[str, Any],
    config_file: str | None,
) -> tuple[RunSettings, NightlyPolicy]:
    """The night's run settings and policy: flags and environment, `[nightly]`, then `[run]`.

    Args:
        cli_values: Run settings from flags and environment variables (None: not given).
        policy_values: `NightlyPolicy` settings from flags (None: not given).
        config_file: `--config`, if given.

    Raises:
        BadConfig: an unknown key, an invalid value, or a webhook URL written in the file.
    """
    settings, own = load_command_settings(
        cli_values,
        config_file,
        "nightly",
        defaults=nightly_defaults(),
        own_keys=POLICY_KEYS | frozenset(_SECRET_KEYS),
    )
    for key in _SECRET_KEYS:
        if key in own:
            raise BadConfig(
                f"[nightly] {key}: a webhook URL is a secret and stays out of the file; put it "
                f"in an environment variable and name it with notify_env (default "
                f"{DEFAULT_NOTIFY_ENV})"
            )
    merged = {**own, **{k: v for k, v in policy_values.items() if v is not None}}
    try:
        policy = NightlyPolicy.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        problem = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            valid = ", ".join(sorted({*POLICY_KEYS, *setting_names()}))
            problem = f"unknown setting; valid ones: {valid}"
        raise BadConfig(f"[nightly] {key}: {problem}") from None
    return settings, policy
