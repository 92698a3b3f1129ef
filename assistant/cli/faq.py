"""`medinfo faq list|publish|withdraw`: standard responses published from audited answers."""
from __future__ import annotations

from pathlib import Path

from assistant.cli import EXIT_OK, EXIT_USAGE, fail, print_json, settings_of


def _open(args):
    from assistant.records import ServiceDB
    from ingest.embedding import Embedder
    from ingest.store import Store

    s = settings_of(args)
    return (Store(s.data_dir, Embedder(s.embedder, s.device), s.chroma_url, s.database_url),
            ServiceDB(s.data_dir, s.audit_anchor_dir, s.database_url))


def cmd_faq(args) -> int:
    from assistant.answering.assistant import local_requester
    from assistant.faq import FaqError, entries, publish, withdraw

    store, db = _open(args)
    try:
        if args.action == "list":
            rows = entries(store)
            if args.json:
                print_json({"entries": rows})
            for r in [] if args.json else rows:
                print(f"{r['id']:<50} v{r['version']:<4} {r['status']:<10} owner {r.get('owner') or '-'}"
                      f"  review {r.get('review_date') or '-'}  expiry {r.get('expiry') or '-'}")
            return EXIT_OK
        if args.action == "withdraw":
            if not args.id:
                return fail("faq withdraw needs --id", args.json, EXIT_USAGE)
            ids = withdraw(store, args.id, args.reason or "withdrawn standard response")
            if not ids:
                return fail(f"no standard response {args.id!r}", args.json)
            print_json({"withdrawn": ids}) if args.json else print(f"withdrawn: {', '.join(ids)}")
            return EXIT_OK
        if not args.trace or not args.owner:
            return fail("faq publish needs --trace and --owner", args.json, EXIT_USAGE)
        text = Path(args.text).read_text(encoding="utf-8") if args.text else None
        try:
            out = publish(store, db, args.trace, text=text, question=args.question, variants=args.variant,
                              owner=args.owner, approval_date=args.approval_date, review_date=args.review_date,
                              expiry=args.expiry, faq_id=args.id, by=local_requester("cli").user)
        except (FaqError, ValueError) as exc:
            return fail(str(exc), args.json, EXIT_USAGE)
        print_json(out) if args.json else print(f"published {out['id']} version {out['version']} "
                                                f"({out['sources']} sources)")
        return EXIT_OK
    finally:
        store.close()


def register(sub, add) -> None:
    sp = add("faq", "Standard responses from audited answers: list, publish (a new version when edited), withdraw.",
             cmd_faq)
    sp.add_argument("action", choices=["list", "publish", "withdraw"])
    sp.add_argument("--trace", help="publish: the audited answer's trace id")
    sp.add_argument("--text", help="publish: a file with the edited answer (every sentence citing [n] of the answer)")
    sp.add_argument("--question", help="publish: the question as the entry states it (default: as asked)")
    sp.add_argument("--variant", action="append", help="publish: another wording it answers (repeatable)")
    sp.add_argument("--owner", help="publish: who answers for the entry")
    sp.add_argument("--approval-date", help="ISO date (default today)")
    sp.add_argument("--review-date", help="ISO date")
    sp.add_argument("--expiry", help="ISO date")
    sp.add_argument("--id", help="the entry's id (faq-...): publish a new version of it, or withdraw it")
    sp.add_argument("--reason", help="withdraw: why")
