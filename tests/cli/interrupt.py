"""Ctrl-C a `codeeval run` once it has stored some generations, as a user would."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path


def stored_generations(db: Path) -> int:
    """How many generations the SQLite database at `db` holds (0 before it exists)."""
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("select count(*) from generations").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def interrupt_after_generations(
    command: list[str], cwd: Path, env: dict[str, str], db: Path, count: int = 2
) -> subprocess.CompletedProcess[str]:
    """Run `command`, send it SIGINT once `db` holds `count` generations, and wait for it."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while stored_generations(db) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
