"""The settings' layers and their split: what defines a run, how it runs, where results go."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeeval.config import (
    OutputSettings,
    RunDefinition,
    RunOptions,
    build_settings,
    load_settings,
    read_config_file,
    setting_names,
)
from codeeval.errors import BadConfig
from codeeval.task.folder import MAX_MEMORY_MB


def test_an_unknown_setting_in_the_config_file_lists_the_valid_ones() -> None:
    with pytest.raises(BadConfig) as info:
        build_settings({}, {"fail_on_regression": True}, source="codeeval.toml")
    message = str(info.value)
    assert message.startswith("codeeval.toml: fail_on_regression: unknown setting; valid ones: ")
    assert "regression_threshold" in message and "samples" in message and "db" in message
    # A bad value of a known setting keeps pydantic's own explanation.
    with pytest.raises(BadConfig, match="codeeval.toml: samples: "):
        build_settings({}, {"samples": "many"}, source="codeeval.toml")
    with pytest.raises(BadConfig, match="^command line: workers: "):
        build_settings({"workers": 0}, {"workers": 2}, source="codeeval.toml")


def test_each_setting_has_one_place() -> None:
    parts = [set(model.model_fields) for model in (RunDefinition, RunOptions, OutputSettings)]
    assert sum(len(part) for part in parts) == len(set().union(*parts)) == len(setting_names())
    assert {"db", "out", "formats", "baseline", "regression_threshold"} == parts[2]
    assert {"executor", "workers", "executor_options", "use_cache", "max_attempts"} == parts[1]


# Every setting [run] took when one RunConfig held them all: users' files name them.
RUN_CONFIG_KEYS = (
    "tasks tags models samples temperature top_p max_tokens seed system_prompt stop lang "
    "executor workers sandbox_packages db out formats use_cache time_factor min_time_limit_s "
    "memory_mb max_line_length max_attempts max_response_bytes baseline regression_threshold "
    "providers endpoints prices"
).split()


def test_run_takes_every_key_it_took() -> None:
    assert set(RUN_CONFIG_KEYS) <= set(setting_names())
    assert set(setting_names()) - set(RUN_CONFIG_KEYS) == {
        "executor_options",
        "complexity_budget_s",
    }


def test_every_key_of_run_goes_to_its_part(tmp_path: Path) -> None:
    """`[run]` keeps taking every setting it took when they were one object."""
    (tmp_path / "codeeval.toml").write_text(
        "[run]\n"
        'tasks = ["dijkstra"]\nsamples = 3\ntemperature = 0.5\nsandbox_packages = ["numpy"]\n'
        'memory_mb = 512\nexecutor = "docker"\nworkers = 2\nuse_cache = false\n'
        'max_attempts = 2\ndb = "x.db"\nout = "reports"\nformats = ["html"]\n'
        'baseline = "latest"\nregression_threshold = 0.1\n'
        '[executors.docker]\nimage = "python:3.12-slim"\n'
    )
    settings = load_settings({}, str(tmp_path / "codeeval.toml"))
    definition, options, output = settings.definition, settings.options, settings.output
    assert (definition.tasks, definition.samples, definition.temperature) == (("dijkstra",), 3, 0.5)
    assert (definition.sandbox_packages, definition.memory_mb) == (("numpy",), 512)
    assert (options.executor, options.workers, options.use_cache, options.max_attempts) == (
        "docker",
        2,
        False,
        2,
    )
    assert options.executor_options == {"docker": {"image": "python:3.12-slim"}}
    assert (output.db, output.out, output.formats) == ("x.db", "reports", ("html",))
    assert (output.baseline, output.regression_threshold) == ("latest", 0.1)


def test_flags_beat_the_file_and_tables_of_tables_merge_per_option(tmp_path: Path) -> None:
    file = {
        "samples": 3,
        "providers": {"replay": {"path": "a.jsonl"}, "openai": {"timeout_s": 5}},
        "executor_options": {"docker": {"image": "a", "tmp_mb": 8}},
    }
    settings = build_settings(
        {
            "samples": 5,
            "providers": {"replay": {"path": "b.jsonl"}},
            "executor_options": {"docker": {"image": "b"}},
        },
        file,
    )
    assert settings.definition.samples == 5
    assert settings.definition.providers == {
        "replay": {"path": "b.jsonl"},
        "openai": {"timeout_s": 5},
    }
    assert settings.options.executor_options == {"docker": {"image": "b", "tmp_mb": 8}}


def test_memory_mb_has_the_bounds_of_a_task_file() -> None:
    assert build_settings({"memory_mb": MAX_MEMORY_MB}).definition.memory_mb == MAX_MEMORY_MB
    with pytest.raises(BadConfig, match=rf"^command line: memory_mb: .*{MAX_MEMORY_MB}"):
        build_settings({"memory_mb": MAX_MEMORY_MB + 1})
    with pytest.raises(BadConfig, match="^command line: memory_mb: .*64"):
        build_settings({"memory_mb": 63})


def test_an_older_stored_config_is_read_for_its_definition_only() -> None:
    """Runs stored before the split hold their whole config: output and options included."""
    stored = {
        "tasks": ["quicksort"],
        "models": ["reference"],
        "samples": 2,
        "db": "postgresql://u:***@host/db",
        "out": None,
        "formats": ["json", "markdown"],
        "baseline": "latest",
        "executor": "docker",
        "workers": 3,
        "use_cache": True,
        "max_attempts": 6,
        "regression_threshold": 0.05,
        "endpoints": {"gw": {"provider": "openai-compatible", "base_url": "http://u:***@gw/v1"}},
    }
    current = RunDefinition(
        endpoints={"gw": {"provider": "openai-compatible", "base_url": "http://u:pw@gw/v1"}}
    )
    definition = RunDefinition.from_stored(stored, current)
    assert (definition.tasks, definition.models, definition.samples) == (
        ("quicksort",),
        ("reference",),
        2,
    )
    assert definition.endpoints["gw"].base_url == "http://u:pw@gw/v1"  # given back to resume
    assert definition.safe_dump()["endpoints"]["gw"]["base_url"] == "http://u:***@gw/v1"


def test_the_config_file_takes_an_executors_table(tmp_path: Path) -> None:
    path = tmp_path / "codeeval.toml"
    path.write_text("[executors.local]\nwall_factor = 3\n[nighlty]\nx = 1\n")
    with pytest.raises(
        BadConfig, match=r"nighlty: unknown table; use \[run\], \[nightly\].*\[executors.NAME\]"
    ):
        read_config_file(path)
    path.write_text("[executors.local]\nwall_factor = 3\n")
    assert read_config_file(path) == {"executor_options": {"local": {"wall_factor": 3}}}


def test_run_docker_image_is_the_docker_executors_image() -> None:
    from_file = build_settings({}, {"docker_image": "team/sandbox:3.11"})
    assert from_file.options.executor_options == {"docker": {"image": "team/sandbox:3.11"}}
    # the flag (or CODEEVAL_DOCKER_IMAGE) wins over the file; the executor's table over its alias
    flag = build_settings({"docker_image": "mine:1"}, {"docker_image": "team/sandbox:3.11"})
    assert flag.options.executor_options == {"docker": {"image": "mine:1"}}
    table = build_settings(
        {}, {"docker_image": "old:1", "executor_options": {"docker": {"image": "new:2"}}}
    )
    assert table.options.executor_options == {"docker": {"image": "new:2"}}
