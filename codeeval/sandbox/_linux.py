"""Linux system calls the sandbox needs and Python 3.11 lacks: namespaces, mounts, pidfds, caps.

Runs inside the zygote, so it imports only the standard library. Every wrapper raises
OSError with the kernel's errno, so callers can report exactly what the kernel refused.
"""

from __future__ import annotations

import ctypes
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACE_FLAGS = (
    CLONE_NEWNS
    | CLONE_NEWCGROUP
    | CLONE_NEWUTS
    | CLONE_NEWIPC
    | CLONE_NEWUSER
    | CLONE_NEWPID
    | CLONE_NEWNET
)

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
MOUNT_ATTR_NODEV = 0x4
AT_FDCWD = -100
AT_EMPTY_PATH = 0x1000
AT_RECURSIVE = 0x8000
OPEN_TREE_CLONE = 1
OPEN_TREE_CLOEXEC = os.O_CLOEXEC
MOVE_MOUNT_F_EMPTY_PATH = 0x4

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NAME = 15
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Syscalls newer than glibc's wrappers; the numbers of the unified table (x86_64 = aarch64).
_NR_OPEN_TREE = 428
_NR_MOVE_MOUNT = 429
_NR_MOUNT_SETATTR = 442
_NR_CAPSET = {"x86_64": 126, "aarch64": 91}
_NR_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.unshare.argtypes = [ctypes.c_int]
_libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]
_libc.prctl.argtypes = [
    ctypes.c_int,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.mount.argtypes = [
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_ulong,
    ctypes.c_char_p,
]


def machine() -> str:
    """The CPU architecture as the syscall tables name it (x86_64, aarch64)."""
    return os.uname().machine.lower().replace("arm64", "aarch64").replace("amd64", "x86_64")


def _check(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")
    return result


def _path(path: str | None) -> bytes | None:
    return None if path is None else os.fsencode(path)


def unshare(flags: int) -> None:
    """Move into new namespaces of the kinds in `flags` (unshare(2))."""
    if _libc.unshare(flags) < 0:
        _check(-1, "unshare")


def setns(fd: int, nstype: int) -> None:
    """Move into the namespace `fd` refers to (setns(2)), or set where children go."""
    if _libc.setns(fd, nstype) < 0:
        _check(-1, "setns")


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None
) -> None:
    """Mount `source` on `target` (mount(2))."""
    result = _libc.mount(_path(source), _path(target), _path(fstype), flags, _path(data))
    _check(result, f"mount {target}")


def umount(target: str, flags: int = 0) -> None:
    """Unmount `target` (umount2(2)); `MNT_DETACH` for a lazy unmount."""
    _check(_libc.umount2(_path(target), flags), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    """Make `new_root` the root mount and move the old one to `put_old` (pivot_root(2))."""
    number = _NR_PIVOT_ROOT.get(machine())
    if number is None:
        raise OSError(38, f"pivot_root: unknown syscall number on {machine()}")
    result = _libc.syscall(ctypes.c_long(number), _path(new_root), _path(put_old))
    _check(result, "pivot_root")


def open_tree(path: str, flags: int) -> int:
    """Clone the mount tree at `path` (open_tree(2)); returns it as a file descriptor."""
    result = _libc.syscall(
        ctypes.c_long(_NR_OPEN_TREE), ctypes.c_int(AT_FDCWD), _path(path), ctypes.c_uint(flags)
    )
    return _check(result, f"open_tree {path}")


def move_mount(tree_fd: int, target: str) -> None:
    """Attach the detached mount tree `tree_fd` at `target` (move_mount(2))."""
    result = _libc.syscall(
        ctypes.c_long(_NR_MOVE_MOUNT),
        ctypes.c_int(tree_fd),
        b"",
        ctypes.c_int(AT_FDCWD),
        _path(target),
        ctypes.c_uint(MOVE_MOUNT_F_EMPTY_PATH),
    )
    _check(result, f"move_mount {target}")


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def mount_setattr(path: str, attr_set: int, attr_clear: int = 0, recursive: bool = True) -> None:
    """Set and clear mount attributes of `path` (and the mounts below it) (mount_setattr(2))."""
    attr = _MountAttr(attr_set, attr_clear, 0, 0)
    result = _libc.syscall(
        ctypes.c_long(_NR_MOUNT_SETATTR),
        ctypes.c_int(AT_FDCWD),
        _path(path),
        ctypes.c_uint(AT_RECURSIVE if recursive else 0),
        ctypes.byref(attr),
        ctypes.c_size_t(ctypes.sizeof(attr)),
    )
    _check(result, f"mount_setattr {path}")


def prctl(option: int, arg2: int = 0, arg3: int = 0) -> int:
    """Set a process attribute (prctl(2) with up to two arguments)."""
    return _check(_libc.prctl(option, arg2, arg3, 0, 0), f"prctl {option}")


def set_name(name: str) -> None:
    """Name the calling process as `ps` and `top` show it (PR_SET_NAME, 15 bytes at most)."""
    buffer = ctypes.create_string_buffer(name.encode()[:15])
    _check(_libc.prctl(PR_SET_NAME, ctypes.addressof(buffer), 0, 0, 0), "prctl PR_SET_NAME")


def drop_bounding_set() -> None:
    """Drop every capability from the bounding set, so no exec can ever gain one."""
    cap = 0
    while True:
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0:
            if ctypes.get_errno() == 22:  # EINVAL: past the last capability
                return
            _check(-1, "prctl PR_CAPBSET_DROP")
        cap += 1


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def clear_capabilities() -> None:
    """Empty the effective, permitted and inheritable capability sets (capset(2))."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    number = _NR_CAPSET.get(machine())
    if number is None:
        raise OSError(38, f"capset: unknown syscall number on {machine()}")
    _check(_libc.syscall(ctypes.c_long(number), ctypes.byref(header), ctypes.byref(data)), "capset")


def install_seccomp(program: ctypes.Array[ctypes.c_ubyte]) -> None:
    """Turn on no_new_privs and install the classic-BPF seccomp `program` (see _seccomp)."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    count = len(program) // 8

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(count, ctypes.addressof(program))
    _check(
        _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0),
        "seccomp",
    )


def process_cpu_clock(pid: int) -> int:
    """The clock id of process `pid`'s CPU time (all its threads), for time.clock_gettime."""
    return ((~pid) << 3) | 2  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
