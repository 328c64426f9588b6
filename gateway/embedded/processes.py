"""Child processes that never outlive the gateway.

Each server runs in its own process group (a terminal's Ctrl-C reaches the gateway, which
then stops them in order) and is told by the kernel to stop if the gateway dies without
cleaning up, so a crashed or killed `gateway dev` leaves no server behind.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

PR_SET_PDEATHSIG = 1


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _die_with_parent(sig: int) -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, sig)


def spawn(
    argv: Sequence[str],
    *,
    log: Path,
    user: str | None = None,
    stop_signal: int = signal.SIGINT,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            user=user,
            env=env,
            process_group=0,
            preexec_fn=lambda: _die_with_parent(stop_signal),
        )


def stop(
    process: subprocess.Popen[bytes] | None, sig: int = signal.SIGINT, timeout: float = 15
) -> None:
    """Ask the process to stop, and kill it if it has not within `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_port(
    host: str, port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{Path(process.args[0]).name} exited with code {process.returncode} "
                f"while starting; see {log}:\n{_tail(log)}"
            )
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on {host}:{port} after {timeout}s; see {log}")


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class EmbeddedServer(ABC):
    """A server started from its wheel; `with` starts it and always stops it."""

    @abstractmethod
    def start(self) -> str:
        """Start the server and return the address clients connect to."""

    @abstractmethod
    def stop(self) -> None:
        """Stop the server if it runs; safe to call more than once."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
