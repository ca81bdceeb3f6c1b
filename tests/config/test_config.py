"""The configuration file's errors name the file, the key and the valid settings."""

from __future__ import annotations

import pytest


def test_an_unknown_setting_in_the_config_file_lists_the_valid_ones() -> None:
    from codeeval.config import build_run_config
    from codeeval.errors import BadConfig

    with pytest.raises(BadConfig) as info:
        build_run_config({}, {"fail_on_regression": True}, source="codeeval.toml")
    message = str(info.value)
    assert message.startswith("codeeval.toml: fail_on_regression: unknown setting; valid ones: ")
    assert "regression_threshold" in message and "samples" in message
    # A bad value of a known setting keeps pydantic's own explanation.
    with pytest.raises(BadConfig, match="codeeval.toml: samples: "):
        build_run_config({}, {"samples": "many"}, source="codeeval.toml")
