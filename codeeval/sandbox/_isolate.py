"""The zygote's one-time isolation: its root file system, namespaces, private areas, filter.

Runs inside the zygote process, so it imports only the standard library and its siblings.

1. (as host root) a private mount namespace with the minimal read-only root, or else the
   host read-only with the paths that could leak secrets or answers covered (see `_rootfs`);
2. new user, PID, mount, network, IPC and UTS namespaces; the caller maps a range of user
   IDs that exist nowhere on the host. Entering a user namespace locks those mounts, so
   nothing inside can unmount them to look below (an ordinary user, who may not mount before
   it, does step 1 here);
3. (in the zygote proper, PID 1 of that namespace) /proc hidden, a writable size-limited
   tmpfs on /tmp for the children's folders, and the seccomp filter every child inherits.
"""

from __future__ import annotations

import _socket
import os
from typing import Any

from codeeval.sandbox import _linux, _rootfs, _seccomp
from codeeval.sandbox._rootfs import SHM, TMP


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
            _rootfs.prepare_mounts(config, features)
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
        _rootfs.prepare_mounts(config, features)
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
    if _rootfs.is_readonly(TMP):  # not covered by step 1 (with whatever was mounted back below it)
        _linux.mount(
            "tmpfs", TMP, "tmpfs", _linux.MS_NOSUID | _linux.MS_NODEV, _rootfs.tmp_options(config)
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
