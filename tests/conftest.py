"""Shared fixtures: a real store of the whole bundled corpus (built once per session), CLI runner."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import offline  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
LABELS = CORPUS / "fda_labels"
BIN = Path(sys.executable).parent


def run_cli(*args: str, data_dir: Path | None = None, env: dict | None = None, timeout: int = 600,
            check_json: bool = True):
    """Run `medinfo ...` as a user would; returns (exit code, parsed JSON or stdout, stderr)."""
    cmd = [str(BIN / "medinfo"), *args]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    out = proc.stdout
    if check_json and "--json" in args:
        out = json.loads(proc.stdout) if proc.stdout.strip() else None
    return proc.returncode, out, proc.stderr


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Without it the browser tests cannot run: they
    are skipped on a developer's machine with the reason, and fail where MEDINFO_REQUIRE_BROWSER=1
    (.ci/run sets it, so CI never passes without having driven a real browser)."""
    if not Path(CHROMIUM).exists():
        why = "no Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("MEDINFO_REQUIRE_BROWSER") == "1":
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def embedder():
    from ingest.embedding import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory, embedder) -> Path:
    """The whole bundled corpus ingested once into a real chromadb + sqlite store on disk."""
    from ingest.pipeline import ingest
    from ingest.store import Store

    data = tmp_path_factory.mktemp("corpus-store")
    store = Store(data, embedder)
    summary, code = ingest([CORPUS], data_dir=data, store=store)
    store.close()
    assert code == 0, summary["skipped"]
    assert summary["documents"]["added"] == 512
    return data


@pytest.fixture(scope="session")
def assistant(corpus_dir, embedder):
    from assistant.answering.assistant import Assistant
    from ingest.store import Store

    a = Assistant(store=Store(corpus_dir, embedder))
    a.warm_up()
    return a


@pytest.fixture(scope="session")
def api(corpus_dir):
    """A real `medinfo serve` (uvicorn) over the bundled corpus on a free loopback port, and a key per role."""
    from server import Server, make_keys

    keys = make_keys(corpus_dir)
    server = Server(corpus_dir)
    yield server, keys
    server.stop()
