"""`medinfo`: one command line for ingesting, asking, serving, auditing and evaluating.

Exit codes: 0 done; 1 error (nothing or not everything could be done); 2 usage error;
3 done, but some inputs were skipped (see the summary); eval: 1 when a threshold is not met.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ingest import offline  # noqa: F401

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def _fail(msg: str, as_json: bool = False, code: int = EXIT_ERROR) -> int:
    if as_json:
        _print_json({"error": msg})
    print(f"medinfo: error: {msg}", file=sys.stderr)
    return code


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest
    from ingest.store import StoreBusy

    try:
        summary, code = ingest(args.paths, manifest=args.manifest, data_dir=args.data_dir,
                               progress=sys.stderr.isatty() and not args.json, workers=args.workers)
    except StoreBusy as exc:
        return _fail(str(exc), args.json)
    if args.json:
        _print_json(summary)
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
    _print_store(summary["store"])
    return code


def _print_store(stats: dict) -> None:
    print(f"Store: {stats['documents']} documents ({', '.join(f'{v} {k}' for k, v in stats['by_status'].items())}; "
          f"{', '.join(f'{v} {k}' for k, v in stats['by_kind'].items())}), {stats['pages']} pages, "
          f"{stats['searchable_chunks']} searchable chunks, corpus version {stats['corpus_version']}")


def cmd_source(args) -> int:
    from ingest.catalog import Catalog
    from ingest.store import resolve_data_dir

    cat = Catalog(resolve_data_dir(args.data_dir) / "catalog.sqlite")
    chunk = cat.chunk(args.chunk_id)
    if chunk is None:
        return _fail(f"no chunk {args.chunk_id!r} in the store", args.json)
    if args.json:
        _print_json(chunk)
        return EXIT_OK
    doc = chunk["document"]
    print(f"{doc['title']} (id {chunk['document_id']}, version {doc['version']}, {chunk['status']})")
    print(f"page {chunk['page']}, characters {chunk['start']}-{chunk['end']}" +
          (f", section {chunk['section']}" if chunk["section"] else ""))
    print()
    print(chunk["text"])
    return EXIT_OK


def cmd_docs(args) -> int:
    from ingest.catalog import Catalog
    from ingest.store import resolve_data_dir

    cat = Catalog(resolve_data_dir(args.data_dir) / "catalog.sqlite")
    docs = cat.documents()
    if args.json:
        _print_json({"documents": docs, "store": cat.stats()})
        return EXIT_OK
    for d in docs:
        print(f"{d['doc_id']:<40} {d['status']:<10} {d['kind']:<11} v{d['version']:<10} {d['n_pages']:>3} p "
              f"{d['title'][:60]}")
    _print_store(cat.stats())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="medinfo", description="Medical-information answers with traceable evidence.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help: str, func, json_flag: bool = True):
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--data-dir", help="store directory (default: $MEDINFO_DATA_DIR or ~/.medinfo)")
        if json_flag:
            sp.add_argument("--json", action="store_true", help="print one JSON object")
        sp.set_defaults(func=func)
        return sp

    sp = add("ingest", "Ingest files or directories into the store.", cmd_ingest)
    sp.add_argument("paths", nargs="+", metavar="PATH")
    sp.add_argument("--manifest", help="metadata manifest (default: manifest.yaml in a given directory)")
    sp.add_argument("--workers", type=int, default=None, help="parser processes (default 2; 0 parses inline)")

    sp = add("source", "Show a stored chunk with its page text and document metadata.", cmd_source)
    sp.add_argument("chunk_id")

    add("docs", "List documents with their status and version.", cmd_docs)

    for register in _extensions():
        register(sub, add)
    return p


def _extensions():
    """Subcommands living next to what they drive (answering, serving, evaluation...), registered as
    entry points of the group "medinfo.commands" (see pyproject.toml), so the CLI imports none of them."""
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group="medinfo.commands"), key=lambda e: e.name):
        yield ep.load()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return _fail("interrupted", getattr(args, "json", False))


if __name__ == "__main__":
    sys.exit(main())
