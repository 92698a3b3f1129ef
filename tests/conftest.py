"""Fixtures and tiers.

Tiers, by directory: tests/unit (no store, no subprocess: `pytest -m "not slow"`, under a minute),
tests/integration (real stores on disk: two labels, or the whole bundled corpus; marked integration and
slow) and tests/system (a real server, the CLI as a subprocess, a browser, fuzzing, scale-out; marked
system and slow). `make test` runs them all, then the gate.

Stores: the bundled corpus and a two-label corpus are each ingested once per session into a template;
every test that uses one gets its own copy of the data directory (its writes, audit records included,
stay its own).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from helpers import BIN, CORPUS, TWO_LABELS, Server, copy_store, free_port, make_corpus, make_keys

from ingest import offline  # noqa: F401

TIERS = {"unit": (), "integration": ("integration", "slow"), "system": ("system", "slow")}


@pytest.fixture(scope="session", autouse=True)
def _anchor_dir(tmp_path_factory):
    """Audit keys and checkpoints of the test stores (and of the CLI and servers they start) stay in a temporary
    directory, outside every store, as they would on a real deployment."""
    os.environ["MEDINFO_AUDIT_ANCHOR_DIR"] = str(tmp_path_factory.mktemp("anchors"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = Path(str(item.fspath)).parent.name
        for marker in TIERS.get(tier, ("slow",)):
            item.add_marker(getattr(pytest.mark, marker))


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


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    """A real Chroma server (`chroma run`, from the chromadb package) on a free loopback port; its URL."""
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    proc = subprocess.Popen([str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + "/api/v2/heartbeat", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("chroma server did not start")
    yield url
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def postgres():
    """A real PostgreSQL server (a throw-away cluster on a free loopback port); skips, with the reason, where none
    is installed, and fails instead where MEDINFO_REQUIRE_POSTGRES=1 (.ci/run sets it)."""
    from postgres import Postgres

    try:
        server = Postgres()
    except FileNotFoundError as e:
        if os.environ.get("MEDINFO_REQUIRE_POSTGRES") == "1":
            pytest.fail(str(e))
        pytest.skip(str(e))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedder():
    from ingest.embedding import Embedder

    return Embedder()


def _build(data: Path, roots: list[Path], embedder) -> dict:
    from ingest.pipeline import ingest
    from ingest.store import Store

    store = Store(data, embedder)
    summary, code = ingest(roots, store=store)
    store.close()
    assert code == 0, summary["skipped"]
    return summary


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory, embedder) -> Path:
    """The whole bundled corpus ingested once into a real chromadb + sqlite store on disk (never written to)."""
    data = tmp_path_factory.mktemp("corpus-template")
    summary = _build(data, [CORPUS], embedder)
    assert summary["documents"]["added"] == 512
    return data


@pytest.fixture()
def corpus_dir(corpus_template, tmp_path) -> Path:
    """This test's own copy of the bundled-corpus store."""
    return copy_store(corpus_template, tmp_path / "store")


@pytest.fixture(scope="session")
def two_labels_template(tmp_path_factory, embedder) -> Path:
    """Two labels (warfarin, metformin) ingested once: the small store of the integration tier."""
    root = make_corpus(tmp_path_factory.mktemp("two-labels-corpus"), TWO_LABELS)
    data = tmp_path_factory.mktemp("two-labels-template")
    _build(data, [root], embedder)
    return data


@pytest.fixture()
def two_labels(two_labels_template, tmp_path) -> Path:
    return copy_store(two_labels_template, tmp_path / "store")


@pytest.fixture(scope="session")
def assistant(corpus_template, tmp_path_factory, embedder):
    """An assistant over its own copy of the bundled corpus (read-only questions; its audit log is its own)."""
    from assistant.answering.assistant import Assistant
    from ingest.store import Store

    data = copy_store(corpus_template, tmp_path_factory.mktemp("assistant") / "store")
    a = Assistant(store=Store(data, embedder))
    a.warm_up()
    return a


@pytest.fixture(scope="module")
def api(corpus_template, tmp_path_factory):
    """A real `medinfo serve` (uvicorn) over its own copy of the bundled corpus, and a key per role."""
    data = copy_store(corpus_template, tmp_path_factory.mktemp("api") / "store")
    keys = make_keys(data)
    server = Server(data)
    yield server, keys
    server.stop()
