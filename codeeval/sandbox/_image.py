"""The Docker executor's local image, built offline from the grader's own interpreter.

No registry is needed: the image's root file system is written here as a tar stream and
handed to `docker import`. It holds this interpreter (its binary, libpython), its standard
library with `lib-dynload` (no `site-packages` or `dist-packages`, no test suite), the shared
libraries those need (found with `ldd`) at their host paths, the merged-usr symlinks and
`/etc/ld.so.cache`: nothing else of the host, so no copy of a benchmark's answers, no user
database, no installed package. `python` on the image's PATH is this interpreter, so the
harness sources the executor sends run on the version that wrote them.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from codeeval.errors import BadConfig
from codeeval.sandbox._rootfs import _stdlib_dirs

DEFAULT_IMAGE = f"codeeval-sandbox:python{sys.version_info[0]}.{sys.version_info[1]}"
BUILD_COMMAND = "python -m codeeval sandbox build-image"
PATH = "/usr/local/bin:/usr/bin:/bin"
# Parts of the standard library no graded program needs, left out for size: its own test
# suite (123 MB here), the IDE, the installer of pip, the build configuration.
_SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "test", "idlelib", "turtledemo"})
_SKIPPED_PREFIXES = ("config-", "ensurepip")
_SKIPPED_SUFFIXES = (".opt-1.pyc", ".opt-2.pyc")  # programs run without -O
_MERGED_USR = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_LDD_LINE = re.compile(r"^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$")


@dataclass(frozen=True, slots=True)
class BuiltImage:
    """What `build_image` made."""

    tag: str
    python: str
    files: int
    size_bytes: int


def interpreter() -> str:
    """The grader's Python binary (a virtualenv's base interpreter, not its link)."""
    return os.path.realpath(getattr(sys, "_base_executable", "") or sys.executable)


def _libpython() -> str | None:
    import sysconfig

    if not sysconfig.get_config_var("Py_ENABLE_SHARED"):
        return None
    library = os.path.join(
        sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("INSTSONAME") or ""
    )
    return library if os.path.isfile(library) else None


def _stdlib_files() -> Iterator[str]:
    for top in _stdlib_dirs():
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(
                d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(_SKIPPED_PREFIXES)
            )
            for name in sorted(files):
                if not name.endswith(_SKIPPED_SUFFIXES):
                    yield os.path.join(folder, name)


def shared_libraries(binaries: list[str]) -> list[str]:
    """The shared libraries `binaries` load (as `ldd` names them: sonames), the loader too.

    Raises:
        BadConfig: there is no `ldd` here (glibc's libc-bin has it).
    """
    found: set[str] = set()
    for start in range(0, len(binaries), 200):
        try:
            done = subprocess.run(
                ["ldd", *binaries[start : start + 200]],
                capture_output=True,
                text=True,
                env={"LC_ALL": "C", "PATH": os.environ.get("PATH", PATH)},
                check=False,
                timeout=120,
            )
        except FileNotFoundError:
            raise BadConfig(
                "sandbox build-image: no ldd command here; install it (Debian: "
                "apt-get install libc-bin)"
            ) from None
        for line in done.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if match and os.path.isfile(match.group(1)):
                found.add(match.group(1))
    return sorted(found)


def root_files() -> list[str]:
    """Every host file the image holds, at the same path (see the module docstring)."""
    python = interpreter()
    binaries = [python]
    library = _libpython()
    if library:
        binaries.append(library)
    stdlib = list(_stdlib_files())
    binaries += [path for path in stdlib if path.endswith(".so")]
    files = {*binaries, *stdlib, *shared_libraries(binaries)}
    if os.path.isfile("/etc/ld.so.cache"):
        files.add("/etc/ld.so.cache")
    return sorted(files)


def _stored_path(path: str) -> str:
    """Where `path` goes in the image: in its resolved folder, under its own name.

    The folder is resolved since merged-usr links come as links; the name is kept since a
    library's soname is itself often a link to the versioned file.
    """
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


def write_root(stream: IO[bytes]) -> tuple[int, int]:
    """Write the image's root file system to `stream` as a tar; return (files, bytes)."""
    files, size = 0, 0
    made: set[str] = set()
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:

        def folder(path: str, mode: int = 0o755) -> None:
            if path in ("", "/") or path in made:
                return
            folder(os.path.dirname(path))
            made.add(path)
            info = tarfile.TarInfo(path.lstrip("/"))
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, 0
            tar.addfile(info)

        for link in _MERGED_USR:
            if os.path.islink(link):
                info = tarfile.TarInfo(link.lstrip("/"))
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, os.readlink(link), 0o777
                tar.addfile(info)
                made.add(link)
        for path in root_files():
            target = _stored_path(path)
            folder(os.path.dirname(target))
            real = os.path.realpath(path)
            info = tar.gettarinfo(real, target.lstrip("/"))
            # Readable by the container's unprivileged user, owned by root; the mtime is kept
            # (a cached .pyc is valid only while its source's mtime matches).
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mode = 0o755 if info.mode & 0o111 else 0o644
            with open(real, "rb") as handle:
                tar.addfile(info, handle)
            files, size = files + 1, size + info.size
        python = _stored_path(interpreter())
        folder("/usr/local/bin")
        folder("/tmp", 0o1777)  # Docker copies its mode onto the tmpfs mounted there
        for name in ("python", "python3"):
            info = tarfile.TarInfo(f"usr/local/bin/{name}")
            info.type, info.linkname, info.mode = tarfile.SYMTYPE, python, 0o777
            tar.addfile(info)
    return files, size


def build_image(tag: str = DEFAULT_IMAGE, docker: str = "docker") -> BuiltImage:
    """Build the local image as `tag` with `docker import` (no registry, no network).

    Raises:
        BadConfig: no Docker engine answers, or the import failed (the message says why).
    """
    from codeeval.sandbox.docker import engine_problem

    problem = engine_problem(docker)
    if problem:
        raise BadConfig(f"sandbox build-image: {problem}; start Docker first")
    version = ".".join(map(str, sys.version_info[:3]))
    changes = [
        f"ENV PATH={PATH}",
        "USER 65534:65534",
        "WORKDIR /tmp",
        'CMD ["python"]',
        f"LABEL org.codeeval.python={version}",
    ]
    replaced = _image_id(docker, tag)
    command = [docker, "import", *(f"--change={change}" for change in changes), "-", tag]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as process:
        if process.stdin is None or process.stderr is None:
            raise RuntimeError("docker import started without pipes")
        try:
            files, size = write_root(process.stdin)
        except BrokenPipeError:  # it stopped reading: its message says why
            files, size = 0, 0
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        err = process.stderr.read()  # a few lines at most: it cannot fill the pipe meanwhile
        process.wait()
    if process.returncode != 0:
        reason = (err.decode(errors="replace").strip().splitlines() or ["no reason given"])[-1]
        raise BadConfig(f"sandbox build-image: docker import failed: {reason}")
    if replaced and replaced != _image_id(docker, tag):  # else left behind, untagged
        subprocess.run([docker, "image", "rm", replaced], capture_output=True, check=False)
    return BuiltImage(tag, version, files, size)


def _image_id(docker: str, image: str) -> str | None:
    done = subprocess.run(
        [docker, "image", "inspect", "--format", "{{.Id}}", image],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None if done.returncode == 0 else None
