"""Third-party providers, installed as a distribution with entry points, as a user installs one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.cli.conftest import assert_one_line_error

PLUGIN = '''
from codeeval.provider import BaseProvider
from codeeval.types import Generation


class EchoReferenceProvider(BaseProvider):
    """Answers with the task's reference solution, as a plug-in would answer with a model's."""

    requires_model = False
    cacheable = False
    vendor = "Echo"

    def generate(self, request):
        code = request.task.reference
        return Generation(text=f"```python\\n{code}```\\n", finish_reason="stop")


class OldStyleProvider:
    """Written against the old protocol: attributes read by name, no base class."""

    api_key_env = None
    max_concurrency = 4

    def __init__(self, model, *, base_url=None):
        self.model = model

    def generate(self, request):
        return Generation(text="")

    def close(self):
        pass
'''


def _install(tmp_path: Path) -> dict[str, str]:
    """A plug-in distribution on PYTHONPATH: a module and its dist-info with entry points."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "codeeval_echo.py").write_text(PLUGIN)
    info = site / "codeeval_echo-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: codeeval-echo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[codeeval.providers]\n"
        "echo = codeeval_echo:EchoReferenceProvider\n"
        "oldstyle = codeeval_echo:OldStyleProvider\n"
        "broken = codeeval_echo_missing:Provider\n"
    )
    return {"PYTHONPATH": str(site), "CODEEVAL_NO_PLUGINS": "0"}


def test_a_subclassing_plugin_is_listed_and_runs(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    env = _install(tmp_path)
    listing = codeeval("providers", "--json", env=env)
    assert listing.returncode == 0, listing.stderr
    rows = {row["name"]: row for row in json.loads(listing.stdout)}
    assert rows["echo"]["ready"] and rows["echo"]["api_key_env"] is None
    result = codeeval("run", "--tasks", "quicksort", "--model", "echo", "--json", env=env)
    assert result.returncode == 0, result.stderr
    (model,) = json.loads(result.stdout)["models"]
    assert model["model"] == "echo" and model["pass_at"]["1"]["value"] == 1.0


def test_a_plugin_that_does_not_subclass_the_base_is_refused_in_one_line(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    env = _install(tmp_path)
    listing = codeeval("providers", "--json", env=env)
    assert listing.returncode == 0, listing.stderr
    row = {row["name"]: row for row in json.loads(listing.stdout)}["oldstyle"]
    assert not row["ready"] and "not a BaseProvider subclass" in row["note"]
    assert_one_line_error(
        codeeval("run", "--tasks", "quicksort", "--model", "oldstyle/m", env=env),
        "provider 'oldstyle' (entry point 'codeeval_echo:OldStyleProvider' in group "
        "codeeval.providers) does not subclass codeeval.provider.BaseProvider",
    )


def test_a_plugin_that_cannot_be_imported_is_one_line_not_a_traceback(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    env = _install(tmp_path)
    listing = codeeval("providers", env=env)
    assert listing.returncode == 0 and "Traceback" not in listing.stderr, listing.stderr
    assert "echo" in listing.stdout and "broken" in listing.stdout
    assert_one_line_error(
        codeeval("run", "--tasks", "quicksort", "--model", "broken/m", env=env),
        "provider 'broken' (entry point 'codeeval_echo_missing:Provider' in group "
        "codeeval.providers) cannot be loaded (ModuleNotFoundError: No module named "
        "'codeeval_echo_missing')",
    )


def test_codeeval_no_plugins_leaves_installed_plugins_out(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    """What the test suite sets, so that installed plug-ins cannot change what it measures."""
    env = {**_install(tmp_path), "CODEEVAL_NO_PLUGINS": "1"}
    listing = codeeval("providers", "--json", env=env)
    assert listing.returncode == 0, listing.stderr
    names = {row["name"] for row in json.loads(listing.stdout)}
    assert "reference" in names and not names & {"echo", "oldstyle", "broken"}
    assert_one_line_error(
        codeeval("run", "--tasks", "quicksort", "--model", "echo", env=env),
        "unknown provider 'echo'",
    )
