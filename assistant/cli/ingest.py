"""`medinfo ingest`, `medinfo source`, `medinfo docs`: putting content in the store and looking at it."""
from __future__ import annotations

import sys

from assistant.cli import EXIT_OK, EXIT_USAGE, fail, print_json, settings_of
from ingest.chunking import STRUCTURED


def _store(args):
    from ingest.embedding import Embedder
    from ingest.store import Store

    s = settings_of(args)
    return Store(s.data_dir, Embedder(s.embedder, s.device), s.chroma_url, s.database_url)


def _catalog(args):
    from ingest.catalog import Catalog

    s = settings_of(args)
    s.data_dir.mkdir(parents=True, exist_ok=True)
    return Catalog(s.data_dir / "catalog.sqlite", s.database_url)


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest
    from ingest.store import StoreBusy

    store = _store(args)
    try:
        summary, code = ingest(args.paths, manifest=args.manifest, store=store,
                               progress=sys.stderr.isatty() and not args.json, workers=args.workers,
                               approve=args.approve, batch_chunks=settings_of(args).ingest_batch,
                               multilingual=bool(args.multilingual or settings_of(args).multilingual))
        _table_for_workers(store, settings_of(args))
    except StoreBusy as exc:
        return fail(str(exc), args.json)
    finally:
        store.close()
    if args.json:
        print_json(summary)
        return code
    d = summary["documents"]
    print(f"Ingested into {summary['store']['data_dir']} in {summary['seconds']:.1f} s: "
          f"{d['added']} added, {d['updated']} updated, {d['unchanged']} unchanged, {d['skipped']} skipped"
          + (f", {d['withdrawn']} withdrawn" if d["withdrawn"] else ""))
    print(f"  pages parsed {summary['pages_parsed']}, chunks added {summary['chunks_added']}, "
          f"passages embedded {summary['passages_embedded']}")
    for s in summary["skipped"]:
        print(f"  skipped {s['file']}: {s['reason']}")
    if summary["ignored"]:
        print(f"  {len(summary['ignored'])} file(s) not listed in the manifest were ignored")
    print_store(summary["store"])
    return code


def _table_for_workers(store, s) -> None:
    """Save the live passages' table at the state this ingest left (assistant/answering/table_cache.py), so that
    no worker's start reads every catalogue row: at 1.36 M passages that read is ~15-16 s of a start, the table's
    load ~3 s (bench/RESULTS.md, issue 15). An ingest that changed nothing finds the table saved already."""
    from assistant.answering.retrieval import Retriever

    if not s.retrieval.index_segments:
        return
    try:  # the statuses a worker serves with these settings
        Retriever(store, s.retrieval, s.include_unreviewed).snapshot().saved()
    except Exception as exc:  # the table only speeds a start up: the ingest itself is committed
        print(f"warning: the passage table for the workers' start was not saved: {exc}", file=sys.stderr)


def print_store(stats: dict) -> None:
    print(f"Store: {stats['documents']} documents ({', '.join(f'{v} {k}' for k, v in stats['by_status'].items())}; "
          f"{', '.join(f'{v} {k}' for k, v in stats['by_kind'].items())}), {stats['pages']} pages, "
          f"{stats['searchable_chunks']} searchable chunks, corpus version {stats['corpus_version']}")


def cmd_source(args) -> int:
    chunk = _catalog(args).chunk(args.chunk_id)
    if chunk is None:
        return fail(f"no chunk {args.chunk_id!r} in the store", args.json)
    if args.json:
        print_json(chunk)
        return EXIT_OK
    doc = chunk["document"]
    print(f"{doc['title']} (id {chunk['document_id']}, version {doc['version']}, {chunk['status']})")
    if (doc.get("attributes") or {}).get("format") in STRUCTURED:  # no pages: the section and its position
        print(f"section {chunk['page']}: {chunk['section']}, characters {chunk['start']}-{chunk['end']}")
    else:
        print(f"page {chunk['page']}, characters {chunk['start']}-{chunk['end']}" +
              (f", section {chunk['section']}" if chunk["section"] else ""))
    if chunk["status"] == "superseded":
        print(f"Superseded: the current revision of {chunk['document_id']} is version "
              f"{(_catalog(args).document(chunk['document_id']) or {}).get('version', '?')}; this citation still "
              "resolves to the text it quoted.")
    if (doc.get("attributes") or {}).get("reference"):
        print(doc["attributes"]["reference"])
    print()
    print(chunk["text"])
    return EXIT_OK


def _days(text: str) -> int:
    """"30d", "4w", "30" -> days."""
    import re

    m = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text or "")
    if not m:
        raise ValueError(f"--due takes a number of days like 30d or 4w, not {text!r}")
    return int(m.group(1)) * (7 if m.group(2) == "w" else 1)


def due_documents(cat, within_days: int, today=None) -> list[dict]:
    """Documents still in use whose review date or expiry falls within `within_days` (or has passed)."""
    from datetime import date, timedelta

    today = today or date.today()
    horizon = today + timedelta(days=within_days)
    out = []
    for d in cat.documents():
        if d["status"] == "withdrawn":
            continue
        meta = cat.current_meta(d["doc_id"]) or {}
        reasons = []
        for field, what in (("expiry", "expires"), ("review_date", "review due")):
            value = meta.get(field)
            if not value:
                continue
            when = date.fromisoformat(value)
            if when <= horizon:
                late = (today - when).days
                reasons.append(f"{what} {value} ({late} days ago)" if late > 0 else
                               f"{what} {value} (in {-late} days)" if late < 0 else f"{what} {value} (today)")
        if reasons:
            out.append({"doc_id": d["doc_id"], "title": d["title"], "status": d["status"], "version": d["version"],
                        "owner": meta.get("owner"), "review_date": meta.get("review_date"),
                        "expiry": meta.get("expiry"), "approval_date": meta.get("approval_date"),
                        "due": reasons, "overdue": any("ago" in r or "today" in r for r in reasons)})
    return sorted(out, key=lambda d: min(x for x in (d["review_date"], d["expiry"]) if x))


def cmd_docs(args) -> int:
    cat = _catalog(args)
    if args.due is not None:
        try:
            days = _days(args.due)
        except ValueError as exc:
            return fail(str(exc), args.json, EXIT_USAGE)
        due = due_documents(cat, days)
        if args.json:
            print_json({"due_within_days": days, "documents": due})
            return EXIT_OK
        for d in due:
            print(f"{d['doc_id']:<40} {d['status']:<10} v{d['version']:<8} owner {d['owner'] or '-':<24} "
                  + "; ".join(d["due"]))
        if not due:
            print(f"Nothing is due for review or expires within {days} days.")
        return EXIT_OK
    docs = cat.orphans() if args.orphans else cat.documents()
    for d in docs:
        d["aliases_of_id"] = cat.aliases_of(d["doc_id"])
        held = cat.withdrawal(d["doc_id"])
        if held:
            d["withdrawal"] = held
    if args.json:
        print_json({"documents": docs, "store": cat.stats()})
        return EXIT_OK
    for d in docs:
        print(f"{d['doc_id']:<40} {d['status']:<10} {d['kind']:<11} v{d['version']:<10} {d['n_pages']:>3} p "
              f"{d['title'][:50]}  [{d.get('origin')}: {d['path']}]")
        if args.orphans:
            print(f"    orphan: {d['orphan_reason']}")
    if not args.orphans:
        print_store(cat.stats())
    elif not docs:
        print("No orphans: every searchable document still comes from its source file.")
    return EXIT_OK


def cmd_withdraw(args) -> int:
    """Withdraw a document by id (every revision and id alias), or reinstate it."""
    from ingest.store import StoreBusy

    store = _store(args)
    cat = store.catalog
    try:
        store.lock()
    except StoreBusy as exc:  # an ingest is running: withdraw after it
        store.close()
        return fail(str(exc), args.json)
    try:
        if args.reinstate:
            restored = cat.reinstate(args.doc_id)
            if restored is None:
                return fail(f"{args.doc_id!r} was not withdrawn by id", args.json)
            result = {"reinstated": cat.canonical(args.doc_id), "status": restored}
        else:
            if not args.reason:
                return fail("say why: --reason TEXT (kept with the withdrawal)", args.json, EXIT_USAGE)
            ids = cat.withdraw(args.doc_id, args.reason)
            if not ids:
                return fail(f"no document {args.doc_id!r} in the store", args.json)
            result = {"withdrawn": ids, "reason": args.reason}
        store.reconcile()  # the vector index holds exactly the searchable documents again
    finally:
        store.close()
    if args.json:
        print_json(result)
    else:
        print(", ".join(f"{k}: {v}" for k, v in result.items()))
    return EXIT_OK


def register(sub, add) -> None:
    sp = add("ingest", "Ingest files or directories into the store.", cmd_ingest)
    sp.add_argument("paths", nargs="+", metavar="PATH")
    sp.add_argument("--manifest", help="metadata manifest (default: manifest.yaml in a given directory)")
    sp.add_argument("--workers", type=int, default=None, help="parser processes (default 2; 0 parses inline)")
    sp.add_argument("--approve", action="store_true", help="approve files that no manifest lists (you vouch for "
                    "them); without it they are ingested as unreviewed")
    sp.add_argument("--multilingual", action="store_true", help="also build the multilingual index (questions in "
                    "Japanese, Chinese, Korean...; default: $MEDINFO_MULTILINGUAL)")

    sp = add("source", "Show a stored chunk with its page text and document metadata.", cmd_source)
    sp.add_argument("chunk_id")

    sp = add("docs", "List documents with their status, version, origin and source file.", cmd_docs)
    sp.add_argument("--orphans", action="store_true", help="only documents whose source file is gone or now "
                    "yields other documents")
    sp.add_argument("--due", metavar="PERIOD", help="only content due for review or expiring within PERIOD "
                    "(e.g. 30d, 4w), or already past it")

    sp = add("withdraw", "Withdraw a document by id (all revisions and id aliases), or reinstate it.", cmd_withdraw)
    sp.add_argument("doc_id")
    sp.add_argument("--reason", help="why (kept with the withdrawal)")
    sp.add_argument("--reinstate", action="store_true", help="undo an earlier `medinfo withdraw`")
