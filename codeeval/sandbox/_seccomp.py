"""The seccomp filter of the sandboxed child: no sockets, ptrace, mounts, IPC or namespaces.

Runs inside the zygote, so it imports only the standard library. The filter is classic BPF
over `struct seccomp_data`; a denied call fails with an errno (the program sees an ordinary
OSError), a foreign architecture or x32 call kills the process.
"""

from __future__ import annotations

import ctypes
import errno
import struct

from codeeval.sandbox import _linux

_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_LD_ABS_W = 0x20
_JEQ = 0x15
_JGE = 0x35
_JSET = 0x45
_RET = 0x06
_X32_BIT = 0x40000000

# Denied system calls, x86_64 and aarch64 numbers. The unified numbers (>= 424) are shared.
_DENIED: dict[str, tuple[int | None, int | None]] = {
    "socket": (41, 198),
    "ptrace": (101, 117),
    "process_vm_readv": (310, 270),
    "process_vm_writev": (311, 271),
    "process_madvise": (440, 440),
    "pidfd_getfd": (438, 438),
    "kcmp": (312, 272),
    "mount": (165, 40),
    "umount2": (166, 39),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "open_tree": (428, 428),
    "move_mount": (429, 429),
    "fsopen": (430, 430),
    "fsconfig": (431, 431),
    "fsmount": (432, 432),
    "fspick": (433, 433),
    "mount_setattr": (442, 442),
    "kexec_load": (246, 104),
    "kexec_file_load": (320, 294),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "delete_module": (176, 106),
    "reboot": (169, 142),
    "swapon": (167, 224),
    "swapoff": (168, 225),
    "acct": (163, 89),
    "bpf": (321, 280),
    "perf_event_open": (298, 241),
    "userfaultfd": (323, 282),
    "keyctl": (250, 219),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "open_by_handle_at": (304, 265),
    "name_to_handle_at": (303, 264),
    "iopl": (172, None),
    "ioperm": (173, None),
    "syslog": (103, 116),
    "quotactl": (179, 60),
    "quotactl_fd": (443, 443),
    "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "fanotify_init": (300, 262),
    "settimeofday": (164, 170),
    "clock_settime": (227, 112),
    "clock_adjtime": (305, 266),
    "adjtimex": (159, 171),
    "vhangup": (153, 58),
    "sethostname": (170, 161),
    "setdomainname": (171, 162),
    "lookup_dcookie": (212, 18),
    "uselib": (134, None),
    # System V and POSIX IPC: the jobs of one zygote share an IPC namespace, so none may use it.
    "shmget": (29, 194),
    "shmat": (30, 196),
    "shmctl": (31, 195),
    "shmdt": (67, 197),
    "semget": (64, 190),
    "semop": (65, 193),
    "semctl": (66, 191),
    "semtimedop": (220, 192),
    "msgget": (68, 186),
    "msgsnd": (69, 189),
    "msgrcv": (70, 188),
    "msgctl": (71, 187),
    "mq_open": (240, 180),
    "mq_unlink": (241, 181),
    "mq_timedsend": (242, 182),
    "mq_timedreceive": (243, 183),
    "mq_notify": (244, 184),
    "mq_getsetattr": (245, 185),
}
_CLONE = (56, 220)
_UNSHARE = (272, 97)
_SETNS = (308, 268)
_CLONE3 = 435
_RT_SIGACTION = (13, 134)
_SETSID = (112, 157)
_PRCTL = (157, 167)
_SIGCHLD = 17
_PR_SET_CHILD_SUBREAPER = 36
_ERRNO_FOR = {"socket": errno.EACCES}


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _argument_check(number: int, offset: int, test: int, value: int, deny_if: bool) -> list[bytes]:
    """Allow or deny system call `number` by one of its arguments; other calls skip the block.

    The call is denied when `test` (jset or jeq) of the argument at `offset` against `value`
    is `deny_if`, and allowed otherwise.
    """
    deny, allow = (0, 1) if deny_if else (1, 0)
    return [
        _insn(_JEQ, 0, 4, number),
        _insn(_LD_ABS_W, 0, 0, offset),
        _insn(test, deny, allow, value),
        _insn(_RET, 0, 0, _RET_ERRNO | errno.EPERM),
        _insn(_RET, 0, 0, _RET_ALLOW),
    ]


def _keep_children_accountable(column: int) -> list[bytes]:
    """Deny setting SIGCHLD's action, and giving up being a child subreaper.

    With SIG_IGN or SA_NOCLDWAIT the kernel reaps children unseen, their CPU with them.
    """
    deny, allow = _RET_ERRNO | errno.EPERM, _RET_ALLOW
    return [
        _insn(_JEQ, 0, 8, _RT_SIGACTION[column]),
        _insn(_LD_ABS_W, 0, 0, 16),  # the signal
        _insn(_JEQ, 0, 5, _SIGCHLD),
        _insn(_LD_ABS_W, 0, 0, 24),  # the new action's pointer: low half, then high half
        _insn(_JEQ, 0, 2, 0),
        _insn(_LD_ABS_W, 0, 0, 28),
        _insn(_JEQ, 1, 0, 0),  # NULL: only reading the action
        _insn(_RET, 0, 0, deny),
        _insn(_RET, 0, 0, allow),
        _insn(_JEQ, 0, 6, _PRCTL[column]),
        _insn(_LD_ABS_W, 0, 0, 16),  # the option
        _insn(_JEQ, 0, 3, _PR_SET_CHILD_SUBREAPER),
        _insn(_LD_ABS_W, 0, 0, 24),  # its argument: zero unsets it
        _insn(_JEQ, 0, 1, 0),
        _insn(_RET, 0, 0, deny),
        _insn(_RET, 0, 0, allow),
    ]


def denied_names(
    keep_children_accountable: bool = False, no_sessions: bool = False
) -> tuple[str, ...]:
    """The system calls the filter refuses (clone, unshare and setns by their arguments)."""
    extra = []
    if keep_children_accountable:
        extra += ["rt_sigaction of SIGCHLD", "prctl unsetting a child subreaper"]
    if no_sessions:
        extra.append("setsid")
    return (
        *_DENIED,
        "clone3",
        "clone with namespace flags",
        "unshare but of PID and network namespaces",
        "setns but into a PID namespace",
        *extra,
    )


def build_filter(
    arch: str | None = None,
    *,
    keep_children_accountable: bool = False,
    no_sessions: bool = False,
) -> ctypes.Array[ctypes.c_ubyte]:
    """The filter for `arch` (default: this machine), as a buffer `_linux.install_seccomp` takes.

    `keep_children_accountable` (for CPU accounting from /proc): no process may have its
    children reaped unseen, nor stop being a subreaper. `no_sessions`: no new session (with
    scheduler autogroups, each would get as much CPU as a whole job).

    Raises:
        OSError: no syscall table for this architecture (ENOSYS).
    """
    arch = arch or _linux.machine()
    if arch not in _AUDIT_ARCH:
        raise OSError(errno.ENOSYS, f"seccomp: no syscall table for {arch}")
    column = 0 if arch == "x86_64" else 1
    code = [
        _insn(_LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
        _insn(_JEQ, 1, 0, _AUDIT_ARCH[arch]),
        _insn(_RET, 0, 0, _RET_KILL_PROCESS),
        _insn(_LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
    ]
    if arch == "x86_64":
        code += [_insn(_JGE, 0, 1, _X32_BIT), _insn(_RET, 0, 0, _RET_KILL_PROCESS)]
    for name, numbers in _DENIED.items():
        number = numbers[column]
        if number is not None:
            denied = _RET_ERRNO | _ERRNO_FOR.get(name, errno.EPERM)
            code += [_insn(_JEQ, 0, 1, number), _insn(_RET, 0, 0, denied)]
    if no_sessions:
        code += [_insn(_JEQ, 0, 1, _SETSID[column]), _insn(_RET, 0, 0, _RET_ERRNO | errno.EPERM)]
    if keep_children_accountable:
        code += _keep_children_accountable(column)
    # clone3 hides its flags behind a pointer: ENOSYS makes libc fall back to clone.
    code += [_insn(_JEQ, 0, 1, _CLONE3), _insn(_RET, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    # The zygote forks each child into a new PID (and maybe network) namespace; children
    # inherit this filter, but without capabilities the kernel refuses them those calls.
    unshare_ok = _linux.CLONE_NEWPID | _linux.CLONE_NEWNET
    code += _argument_check(_CLONE[column], 16, _JSET, _linux.NAMESPACE_FLAGS, deny_if=True)
    code += _argument_check(_UNSHARE[column], 16, _JSET, ~unshare_ok & 0xFFFFFFFF, deny_if=True)
    code += _argument_check(_SETNS[column], 24, _JEQ, _linux.CLONE_NEWPID, deny_if=False)
    code += [_insn(_RET, 0, 0, _RET_ALLOW)]
    blob = b"".join(code)
    return (ctypes.c_ubyte * len(blob)).from_buffer_copy(blob)
