"""Inside a user namespace that maps only root (rootless containers, `unshare --user
--map-root-user`), the executor falls back to its unprivileged mode and says so."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

PROGRAM = textwrap.dedent(
    """
    import json, sys
    from codeeval.sandbox import _host
    from codeeval.sandbox.local import LocalExecutor
    from codeeval.types import ExecJob, ExecLimits

    FORKED = (
        "import os, time\\n"
        "def f(x):\\n"
        "    if os.fork() == 0:\\n"
        "        end = time.process_time() + 1.5\\n"
        "        while time.process_time() < end:\\n"
        "            pass\\n"
        "        os._exit(0)\\n"
        "    os.wait()\\n"
        "    return 2 * x\\n"
    )
    TESTS = "def test_value(candidate):\\n    assert candidate(2) == 4\\n"
    report = {}
    for name, options in (("auto", {}), ("proc", {"cgroups": "off"}), ("forced", {})):
        if name == "forced":  # as if detection missed it: the zygote's failure is caught
            _host.why_not_host_root = lambda: None
        with LocalExecutor(workers=1, wall_factor=30, **options) as executor:
            limits = ExecLimits(time_limit_s=0.5)
            jobs = [
                ExecJob("right", "def f(x):\\n    return 2 * x\\n", "f", TESTS, limits),
                ExecJob("wrong", "def f(x):\\n    return x\\n", "f", TESTS, limits),
                ExecJob("forked", FORKED, "f", TESTS, limits),
            ]
            verdicts = {r.job_id: [r.status.value, r.message] for r in executor.run(jobs)}
            report[name] = {"isolation": executor.isolation, "verdicts": verdicts}
    print(json.dumps(report))
    """
)


def _mapped_root_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _mapped_root_works(), reason="needs unshare --user --map-root-user")
def test_root_that_maps_only_itself_grades_in_user_mode_and_says_so() -> None:
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for name in ("auto", "proc", "forced"):
        isolation, verdicts = report[name]["isolation"], report[name]["verdicts"]
        assert isolation["mode"].startswith("user: one user ID for all jobs (")
        assert isolation["pid_namespace"].startswith("on")
        assert isolation["unprivileged"].startswith("on")
        assert {job: status for job, (status, _) in verdicts.items()} == {
            "right": "passed",
            "wrong": "failed",
            "forked": "timeout",
        }, verdicts
        assert "CPU time limit" in verdicts["forked"][1]
    assert "(root in a user namespace that" in report["auto"]["isolation"]["mode"]
    assert "Operation not permitted" in report["forced"]["isolation"]["mode"]  # setgroups
    assert report["proc"]["isolation"]["cpu_accounting"].startswith("on: /proc")
