"""A real `medinfo serve` (uvicorn) on a free loopback port, for the API and browser tests."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
from conftest import BIN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, *extra: str, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(data_dir) / f"server-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [str(BIN / "medinfo"), "serve", "--data-dir", str(data_dir), "--port", str(self.port), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("server did not start in 120 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def make_keys(data_dir: Path) -> dict[str, str]:
    from assistant.contract import ROLES
    from assistant.records import ServiceDB

    db = ServiceDB(data_dir)
    return {role: db.create_key(role, f"test-{role}")[1] for role in ROLES}
