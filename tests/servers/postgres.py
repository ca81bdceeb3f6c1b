"""A throwaway PostgreSQL server for the tests, started from the PostgreSQL binaries.

`PostgresServer.start()` runs `initdb` into a fresh folder and `pg_ctl start` on 127.0.0.1 at a
free port (as the `postgres` user when the tests run as root: the binaries refuse root). It
holds a password-protected role, so a URL carries a real password that a test can grep for.
Each test takes a database of its own (`new_database()`); `stop()` removes everything.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROLE = "codeeval_ci"
_NEEDED = ("initdb", "pg_ctl", "psql", "pg_dump")


def find_binaries() -> tuple[Path | None, str]:
    """The folder holding initdb and pg_ctl, or None and why not."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    on_path = shutil.which("pg_ctl")
    if on_path:  # Debian links a few of them into /usr/bin; the folder holds them all
        candidates.insert(0, str(Path(on_path).resolve().parent))
    for folder in reversed(candidates):
        if all((Path(folder) / name).is_file() for name in _NEEDED):
            return Path(folder), ""
    return None, (
        f"no PostgreSQL server binaries ({', '.join(_NEEDED)}) under /usr/lib/postgresql/*/bin "
        "or on PATH; apt-get install postgresql"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """One running cluster; `url(db)` gives a SQLAlchemy URL with the role's password."""

    bin_dir: Path
    root: Path
    port: int
    password: str
    startup_s: float = 0.0
    _databases: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, bin_dir: Path) -> PostgresServer:
        """initdb + pg_ctl start; on any failure nothing is left running or on disk.

        Raises:
            RuntimeError: a step failed (the message holds the server's log).
            KeyError: running as root and there is no `postgres` user to run the server as.
        """
        began = time.monotonic()
        root = Path(tempfile.mkdtemp(prefix="codeeval-pg-"))
        # Letters and digits only, and long: a grep for it finds nothing by accident.
        server = cls(bin_dir, root, _free_port(), "pw" + secrets.token_hex(12))
        try:
            server._initdb_and_start()
            server.admin_sql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{server.password}'")
        except BaseException:
            server.stop()
            raise
        server.startup_s = time.monotonic() - began
        return server

    def _initdb_and_start(self) -> None:
        os.chmod(self.root, 0o755)  # the server's user reaches its data and socket folders
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        os.chmod(pwfile, 0o644)
        self._as_owner(
            "initdb", "--no-sync", "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
        )  # fmt: skip
        pwfile.unlink()
        options = f"-F -c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
        log = self.root / "server.log"
        try:
            self._as_owner(
                "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(log),
                "-o", options,
            )  # fmt: skip
        except RuntimeError as exc:
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{exc}\n{detail}") from None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _as_owner(self, program: str, *args: str) -> str:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def _client_env(self) -> dict[str, str]:
        """A client's environment with no password source: libpq must get it from the URL."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["PGCONNECT_TIMEOUT"] = "10"
        return env

    def admin_sql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser over the unix socket (trusted) and return psql's output."""
        psql = self.bin_dir / "psql"
        done = subprocess.run(
            [str(psql), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(self.root),
             "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql],
            capture_output=True, text=True, timeout=60, env=self._client_env(),
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def new_database(self) -> str:
        """A new, empty database owned by the password-protected role; returns its name."""
        name = f"ce_{secrets.token_hex(6)}"
        # FILE_COPY: a plain copy of the template, twice as fast here as logging it to WAL.
        self.admin_sql(f"CREATE DATABASE {name} OWNER {ROLE} STRATEGY FILE_COPY")
        self._databases.append(name)
        return name

    def drop_databases(self) -> None:
        """Drop every database `new_database` made (their files would weigh on the disk)."""
        while self._databases:
            self.admin_sql(f"DROP DATABASE IF EXISTS {self._databases.pop()} WITH (FORCE)")

    def url(self, database: str, password: str | None = None) -> str:
        """postgresql://ROLE:PASSWORD@127.0.0.1:PORT/DATABASE."""
        secret = self.password if password is None else password
        return f"postgresql://{ROLE}:{secret}@127.0.0.1:{self.port}/{database}"

    def dump(self, database: str) -> str:
        """pg_dump of the whole database (schema and data) as SQL text."""
        done = subprocess.run(
            [str(self.bin_dir / "pg_dump"), "-h", str(self.root), "-p", str(self.port),
             "-U", "postgres", "--no-owner", database],
            capture_output=True, text=True, timeout=120, env=self._client_env(),
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        """Stop the server (fast) and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            try:
                self._as_owner("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data))
            except RuntimeError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
