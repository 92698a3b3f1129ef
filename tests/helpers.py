"""What the tests share besides fixtures: paths, running the CLI as a user would, small corpora, a real
`medinfo serve` on a free loopback port, API keys per role."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
LABELS = CORPUS / "fda_labels"
BIN = Path(sys.executable).parent
SMALL = ["fda_ibuprofen_label_2024.pdf", "fda_acetaminophen_highlights_2025.pdf"]
TWO_LABELS = ["fda_warfarin_highlights_2022.pdf", "fda_metformin_highlights_2026.pdf"]


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


def make_corpus(tmp: Path, files: list[str], extra: dict | None = None) -> Path:
    """A small corpus directory with its own manifest (ids from the bundled manifest)."""
    bundled = yaml.safe_load((CORPUS / "manifest.yaml").read_text())
    by_path = {Path(d["path"]).name: d for d in bundled["documents"]}
    root = tmp / "corpus"
    (root / "fda_labels").mkdir(parents=True, exist_ok=True)
    docs = []
    for name in files:
        shutil.copy(LABELS / name, root / "fda_labels" / name)
        docs.append(dict(by_path[name]))
    manifest = {"defaults": bundled["defaults"], "documents": docs}
    if extra:
        manifest.update(extra)
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return root


def jsonl_corpus(root: Path, files: dict[str, tuple[list[dict], dict]]) -> Path:
    """A corpus of JSONL files written into root: {file name: (records, its manifest entry: kind, audience...)};
    every document approved, ids as written."""
    entries = []
    for name, (records, entry) in files.items():
        (root / name).write_text("".join(json.dumps(r) + "\n" for r in records))
        entries.append({"path": name, "id_prefix": "", "status": "approved"} | entry)
    (root / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}, sort_keys=False))
    return root


def copy_store(src: Path, dst: Path) -> Path:
    """A private copy of a built store (each test owns the data directory it writes to)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.log", "ingest.lock"))
    return dst


def live_chunk_ids(data: Path) -> set[str]:
    from ingest.catalog import Catalog

    return {r["chunk_id"] for r in Catalog(data / "catalog.sqlite").current_chunks()}


def h(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real `medinfo serve` (uvicorn) on a free loopback port."""

    def __init__(self, data_dir: Path, *extra: str, env: dict | None = None):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.data_dir / f"server-{self.port}.log", "w")
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
    from assistant.settings import Settings

    db = ServiceDB(data_dir, Settings.load(data_dir).audit_anchor_dir)
    return {role: db.create_key(role, f"test-{role}")[1] for role in ROLES}


def label_assistant(labels: Path, store_dir: Path, embedder):
    """An assistant over the PDF labels in `labels`, ingested as approved (`medinfo ingest --approve`), deciding by
    the hand-set rule: a store of one short label is far from any the fitted answerability model was fitted on."""
    from assistant.answering.assistant import Assistant
    from assistant.settings import Settings
    from ingest.pipeline import ingest
    from ingest.store import Store

    store = Store(store_dir, embedder)
    summary, code = ingest([labels], store=store, approve=True)
    assert code == 0, summary
    return Assistant(store=store, settings=Settings.load(store.data_dir, thresholds={"answerability": "rule"}))
