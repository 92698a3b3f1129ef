"""`medinfo insights`: what is asked, what the content cannot answer, reviewer verdicts and safety timeliness."""
from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from assistant.cli import EXIT_OK, EXIT_USAGE, fail, print_json, settings_of


def _when(text: str | None) -> float | None:
    """An ISO date or date-time (UTC), or epoch seconds."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def report(data_dir, since=None, until=None, product=None) -> dict:
    from assistant.answering.retrieval import Snapshot
    from assistant.insights import build
    from assistant.records import ServiceDB
    from assistant.settings import Settings
    from ingest.embedding import Embedder
    from ingest.store import Store

    s = Settings.load(Path(data_dir))
    store = Store(s.data_dir, Embedder(s.embedder, s.device), s.chroma_url, s.database_url)
    db = ServiceDB(s.data_dir, s.audit_anchor_dir, s.database_url)
    snap = Snapshot(store)
    try:
        return build(db, store.catalog, store.embedder.embed, since, until, product, snap.products_in)
    finally:
        store.close()


def cmd_insights(args) -> int:
    from assistant.insights import render

    try:
        since, until = _when(args.since), _when(args.until)
    except ValueError as exc:
        return fail(f"--since/--until: {exc}", args.json, EXIT_USAGE)
    rep = report(settings_of(args).data_dir, since, until, args.product)
    fmt = "json" if args.json else args.format
    if fmt == "json":
        if not args.out:
            print_json(rep)
            return EXIT_OK
        import json

        text = json.dumps(rep, indent=2, default=str)
    else:
        text = {"md": render.to_markdown, "csv": render.to_csv, "html": render.to_html}[fmt](rep)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({fmt}, {rep['window']['records']} questions)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(sub, add) -> None:
    sp = add("insights", "Insights over the audit log: volumes, content gaps, reviewer verdicts, safety timeliness.",
             cmd_insights)
    sp.add_argument("--since", help="ISO date/time (UTC) or epoch seconds")
    sp.add_argument("--until", help="ISO date/time (UTC) or epoch seconds")
    sp.add_argument("--product", help="only questions about this product")
    sp.add_argument("--format", choices=["md", "json", "html", "csv"], default="md")
    sp.add_argument("--out", help="write to this file (default: standard output)")
