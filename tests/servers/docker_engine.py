"""Whether the tests can use a Docker engine and codeeval's image (CI starts both: .ci/run).

Tests that need them skip with the reason where either is missing, and fail instead when
CODEEVAL_REQUIRE_DOCKER=1 (as CI sets it).
"""

from __future__ import annotations

import os

import pytest

# Read once at import: the tests' autouse fixture clears CODEEVAL_* for every test.
REQUIRE_DOCKER = os.environ.get("CODEEVAL_REQUIRE_DOCKER", "") == "1"


def docker_problem() -> str | None:
    """Why the Docker executor cannot run here with its default image, or None."""
    from codeeval.sandbox._image import DEFAULT_IMAGE
    from codeeval.sandbox.docker import engine_problem, image_problem

    return engine_problem() or image_problem(DEFAULT_IMAGE)


def require_docker() -> None:
    """Skip the calling test (fail it under CODEEVAL_REQUIRE_DOCKER=1) without Docker."""
    problem = docker_problem()
    if problem is None:
        return
    if REQUIRE_DOCKER:
        pytest.fail(f"CODEEVAL_REQUIRE_DOCKER=1 but {problem}", pytrace=False)
    pytest.skip(f"no Docker engine or image here: {problem}")
