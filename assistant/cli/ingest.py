"""`medinfo ingest`, `medinfo source`, `medinfo docs`: putting content in the store and looking at it."""
from __future__ import annotations

import sys

from assistant.cli import EXIT_OK, fail, print_json, settings_of


def _store(args):
    from ingest.embedding import Embedder
    from ingest.store import Store

    s = settings_of(args)
    return Store(s.data_dir, Embedder(s.embedder), s.chroma_url)


def _catalog(args):
    from ingest.catalog import Catalog

    s = settings_of(args)
    s.data_dir.mkdir(parents=True, exist_ok=True)
    return Catalog(s.data_dir / "catalog.sqlite")


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest
    from ingest.store import StoreBusy

    store = _store(args)
    try:
        summary, code = ingest(args.paths, manifest=args.manifest, store=store,
                               progress=sys.stderr.isatty() and not args.json, workers=args.workers)
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
    print(f"page {chunk['page']}, characters {chunk['start']}-{chunk['end']}" +
          (f", section {chunk['section']}" if chunk["section"] else ""))
    print()
    print(chunk["text"])
    return EXIT_OK


def cmd_docs(args) -> int:
    cat = _catalog(args)
    docs = cat.documents()
    if args.json:
        print_json({"documents": docs, "store": cat.stats()})
        return EXIT_OK
    for d in docs:
        print(f"{d['doc_id']:<40} {d['status']:<10} {d['kind']:<11} v{d['version']:<10} {d['n_pages']:>3} p "
              f"{d['title'][:60]}")
    print_store(cat.stats())
    return EXIT_OK


def register(sub, add) -> None:
    sp = add("ingest", "Ingest files or directories into the store.", cmd_ingest)
    sp.add_argument("paths", nargs="+", metavar="PATH")
    sp.add_argument("--manifest", help="metadata manifest (default: manifest.yaml in a given directory)")
    sp.add_argument("--workers", type=int, default=None, help="parser processes (default 2; 0 parses inline)")

    sp = add("source", "Show a stored chunk with its page text and document metadata.", cmd_source)
    sp.add_argument("chunk_id")

    add("docs", "List documents with their status and version.", cmd_docs)
