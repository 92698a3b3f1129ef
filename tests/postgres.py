"""A real PostgreSQL server for the tests: a throw-away cluster (initdb) on a free loopback port, run by the
`postgres` system user when the tests run as root (PostgreSQL refuses root). Debian's package provides it
(`apt-get install postgresql`; .ci/run installs it). Without it the tests that need it skip with the reason, and fail
where MEDINFO_REQUIRE_POSTGRES=1 (.ci/run sets it)."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from helpers import free_port


def binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


class Postgres:
    def __init__(self) -> None:
        bindir = binaries()
        if bindir is None:
            raise FileNotFoundError("no PostgreSQL server binaries (apt-get install postgresql; .ci/run installs it)")
        self.dir = Path(tempfile.mkdtemp(prefix="medinfo-pg-"))
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        data = self.dir / "data"
        self._run(str(bindir / "initdb"), "-D", str(data), "-U", "medinfo", "--auth=trust", "--locale=C.UTF-8",
                  "--encoding=UTF8")
        self.proc = subprocess.Popen([*self.prefix, str(bindir / "postgres"), "-D", str(data), "-p", str(self.port),
                                      "-h", "127.0.0.1", "-k", str(self.dir), "-c", "max_connections=200",
                                      "-c", "fsync=off"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"postgresql://medinfo@127.0.0.1:{self.port}/postgres"
        self._wait()

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self.prefix, *cmd], check=True, capture_output=True, timeout=120)

    def _wait(self) -> None:
        import psycopg

        deadline = time.time() + 60
        while True:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("PostgreSQL did not start") from None
                time.sleep(0.3)

    def database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
