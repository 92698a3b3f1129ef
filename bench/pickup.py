"""Time from the commit of a new document to an answer citing it, in a warm assistant over an existing store
(issue 15: ≤ 5 s). Adds one small labelled document to the store each run.

    .venv/bin/python bench/pickup.py --data-dir D [--root OTHER_TREE]   (the assistant runs OTHER_TREE's code)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = r"""
import json, sys, time, uuid
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from ingest import offline
from assistant.answering.assistant import Assistant
from ingest.pipeline import ingest
from ingest.store import Store
a = Assistant(data_dir=sys.argv[1])
a.ask("What is the recommended starting dose of warfarin?")
word = "zorb" + uuid.uuid4().hex[:6]
new = Path(sys.argv[3])
(new / f"{word}.md").write_text(f"# {word} storage note\n\n{word.capitalize()} tablets must be stored below 25 C "
                                 "in the original blister to protect them from moisture.\n")
ingest([new], store=Store(sys.argv[1]), approve=True)
t = time.perf_counter()
ans = a.ask(f"How should {word} tablets be stored?")
print(json.dumps({"new_doc_s": time.perf_counter() - t,
                  "cited": bool(ans.citations) and word in ans.citations[0].document_id}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--root", default=str(ROOT), help="the code tree the assistant runs (default: this one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as new:
        proc = subprocess.run([sys.executable, "-c", RUN, args.data_dir, args.root, new], capture_output=True,
                              text=True, env=dict(os.environ, PYTHONPATH=args.root), cwd=args.root, timeout=3600)
        if proc.returncode:
            sys.exit(proc.stderr[-2000:])
        print(json.dumps({"root": args.root} | json.loads(proc.stdout.strip().splitlines()[-1])))


if __name__ == "__main__":
    main()
