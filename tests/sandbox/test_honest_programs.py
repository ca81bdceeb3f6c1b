"""What ordinary programs do still works in the sandbox: the protections cost them nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Probe = Callable[..., Any]

PROGRAMS = {
    "threads": (
        "import threading\n"
        "def f(n):\n"
        "    out = []\n"
        "    threads = [threading.Thread(target=out.append, args=(i,)) for i in range(n)]\n"
        "    [t.start() for t in threads]; [t.join() for t in threads]\n"
        "    return sorted(out)\n",
        4,
        [0, 1, 2, 3],
    ),
    "multiprocessing": (
        "import multiprocessing\n"
        "def double(v):\n    return 2 * v\n"
        "def f(n):\n"
        "    with multiprocessing.Pool(2) as pool:\n"
        "        return pool.map(double, range(n))\n",
        3,
        [0, 2, 4],
    ),
    "subprocess": (
        "import subprocess\n"
        "def f(word):\n"
        "    return subprocess.run(['echo', word], capture_output=True, text=True).stdout\n",
        "hi",
        "hi\n",
    ),
    "temporary_files": (
        "import os, tempfile\n"
        "def f(text):\n"
        "    with tempfile.NamedTemporaryFile('w', delete=False) as handle:\n"
        "        handle.write(text)\n"
        "    with open(os.path.expanduser('~/.cache-test'), 'w') as home:\n"
        "        home.write(text)\n"
        "    return open(handle.name).read() + open(os.path.expanduser('~/.cache-test')).read()\n",
        "ab",
        "abab",
    ),
    "deep_recursion": (
        "import sys\n"
        "sys.setrecursionlimit(100_000)\n"
        "def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n",
        20_000,
        20_000,
    ),
    "asyncio": (
        "import asyncio\n"
        "async def twice(n):\n    await asyncio.sleep(0)\n    return 2 * n\n"
        "def f(n):\n    return asyncio.run(twice(n))\n",
        21,
        42,
    ),
    "stdin_is_empty": (
        "def f(n):\n    try:\n        return input()\n    except EOFError:\n        return 'eof'\n",
        0,
        "eof",
    ),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_an_ordinary_program_works(probe: Probe, name: str) -> None:
    code, argument, expected = PROGRAMS[name]
    assert probe(code, argument, time_limit_s=5.0) == expected
