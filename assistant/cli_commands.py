"""Subcommands beyond ingestion; each imports its machinery only when run."""
from __future__ import annotations

import sys

from assistant.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, _fail, _print_json


def cmd_ask(args) -> int:
    from assistant.answer import InvalidQuestion
    from assistant.config import ConfigError, build_assistant
    from assistant.llm import GeneratorUnavailable

    try:
        assistant = build_assistant(args.data_dir, generator=args.generator, llm_base_url=args.llm_base_url,
                                    llm_model=args.llm_model)
        answer = assistant.ask(args.question, product=args.product, top_k=args.top_k, audience=args.audience,
                               source_type=args.source_type)
    except InvalidQuestion as exc:
        return _fail(str(exc), args.json, EXIT_USAGE)
    except ConfigError as exc:
        return _fail(str(exc), args.json, EXIT_USAGE)
    except GeneratorUnavailable as exc:
        return _fail(str(exc), args.json)
    _audit_cli(assistant, answer)
    if args.json:
        _print_json(answer.model_dump())
        return EXIT_OK
    print(render_answer(answer))
    return EXIT_OK


def _audit_cli(assistant, answer, channel: str = "cli") -> None:
    import getpass

    from assistant.service_db import ServiceDB, record_answer

    record_answer(ServiceDB(assistant.store.data_dir), answer, f"cli:{getpass.getuser()}", "cli", channel)


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def cmd_serve(args) -> int:
    import os

    import uvicorn

    from ingest.store import resolve_data_dir

    if args.no_auth and args.host not in LOOPBACK:
        return _fail("--no-auth is only allowed on a loopback address (--host 127.0.0.1)", code=EXIT_USAGE)
    data_dir = resolve_data_dir(args.data_dir)
    os.environ["MEDINFO_DATA_DIR"] = str(data_dir)
    os.environ["MEDINFO_NO_AUTH"] = "1" if args.no_auth else "0"
    for flag, var in (("generator", "MEDINFO_GENERATOR"), ("llm_base_url", "MEDINFO_LLM_BASE_URL"),
                      ("llm_model", "MEDINFO_LLM_MODEL")):
        if getattr(args, flag):
            os.environ[var] = getattr(args, flag)  # workers read the environment
    print(f"medinfo serving {data_dir} on http://{args.host}:{args.port} "
          f"({'no auth, local only' if args.no_auth else 'API keys required'}; docs at /docs)", file=sys.stderr)
    if args.workers > 1:
        uvicorn.run("assistant.api:app_from_env", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level=args.log_level)
    else:
        from assistant.api import create_app

        uvicorn.run(create_app(data_dir, no_auth=args.no_auth), host=args.host, port=args.port,
                    log_level=args.log_level)
    return EXIT_OK


def _service_db(args):
    from assistant.service_db import ServiceDB
    from ingest.store import resolve_data_dir

    return ServiceDB(resolve_data_dir(args.data_dir))


def cmd_keys(args) -> int:
    db = _service_db(args)
    if args.action == "create":
        try:
            key_id, key = db.create_key(args.role, args.name or "")
        except ValueError as exc:
            return _fail(str(exc), args.json, EXIT_USAGE)
        if args.json:
            _print_json({"key_id": key_id, "role": args.role, "key": key})
        else:
            print(key)
            print(f"(key {key_id}, role {args.role}: shown once, stored hashed; send it as "
                  "'Authorization: Bearer KEY')", file=sys.stderr)
        return EXIT_OK
    if args.action == "revoke":
        if not args.key_id or not db.revoke_key(args.key_id):
            return _fail(f"no active key {args.key_id!r}", args.json)
        if args.json:
            _print_json({"revoked": args.key_id})
        return EXIT_OK
    keys = db.list_keys()
    if args.json:
        _print_json({"keys": keys})
    else:
        for k in keys:
            print(f"{k['key_id']}  {k['role']:<10} {k['name']:<20} {'revoked' if k['revoked_at'] else 'active'}")
    return EXIT_OK


def cmd_audit(args) -> int:
    db = _service_db(args)
    if args.action == "verify":
        result = db.verify_audit()
        if args.json:
            _print_json(result)
        else:
            print(f"audit log {'intact' if result['ok'] else 'TAMPERED'}: {result['records']} records")
            for p in result["problems"]:
                print(f"  {p}")
        return EXIT_OK if result["ok"] else EXIT_ERROR
    rows = db.audit(args.since, args.until, args.user, args.status, limit=args.limit)
    rows.reverse()
    fmt = args.format or ("jsonl" if args.json else "csv")
    return _emit(db.export_audit(fmt, rows), args.out, f"{len(rows)} records")


def _emit(text: str, out: str | None, what: str) -> int:
    """An export to a file (saying so on stderr) or to standard output."""
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {what} to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def render_answer(answer) -> str:
    lines = [answer.answer]
    if answer.explanation:
        lines += ["", answer.explanation]
    for n in answer.notices:
        lines += ["", f"Note: {n}"]
    if answer.citations:
        lines += ["", "References:"]
        for c in answer.citations:
            lines.append(f"  [{c.n}] {c.title}, version {c.version}, page {c.page}"
                         f"{', ' + c.section if c.section else ''} (chunk {c.chunk_id}, chars {c.start}-{c.end})")
    if answer.closest_documents:
        lines += ["", "Closest documents found:"]
        lines += [f"  - {d.title} (page {d.page})" for d in answer.closest_documents]
    lines += ["", f"[{answer.status}; {answer.generator}; corpus {answer.corpus_version}; trace {answer.trace_id}]"]
    return "\n".join(lines)


def cmd_letter(args) -> int:
    from pathlib import Path

    from assistant.answer import InvalidQuestion
    from assistant.config import build_assistant
    from assistant.feature_routes import make_letter
    from assistant.letter_formats import render

    try:
        assistant = build_assistant(args.data_dir)
        answer, letter = make_letter(assistant, args.question, args.requester, args.product)
    except InvalidQuestion as exc:
        return _fail(str(exc), args.json, EXIT_USAGE)
    _audit_cli(assistant, answer, channel="letter")
    Path(args.out).write_bytes(render(letter, args.format))
    summary = {"out": args.out, "format": args.format, "reference": letter.reference, "status": answer.status,
               "trace_id": answer.trace_id, "references": len(letter.references)}
    if args.json:
        _print_json(summary)
    else:
        print(f"wrote {args.out} ({args.format}, {letter.reference}, {answer.status}, "
              f"{len(letter.references)} references)")
    return EXIT_OK


def cmd_safety(args) -> int:
    import csv
    import io
    import json

    rows = _service_db(args).safety_reports(args.since, args.kind)
    if args.format == "jsonl" or args.json:
        text = "".join(json.dumps(r, default=str) + "\n" for r in rows)
    else:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["report_id", "kind", "time", "trace_id", "user", "drug_or_product", "event_or_problem", "timing",
                    "serious", "lot_number", "question", "status"])
        for r in rows:
            d = r["details"]
            w.writerow([r["report_id"], r["kind"], r["time"], r["trace_id"], r["user"],
                        d.get("drug") or d.get("product"), d.get("event") or d.get("problem"), d.get("timing"),
                        d.get("serious"), d.get("lot_number"), d.get("question"), r["status"]])
        text = buf.getvalue()
    return _emit(text, args.out, f"{len(rows)} reports")


def _llm_flags(sp) -> None:
    sp.add_argument("--generator", choices=["extractive", "llm"], help="default: $MEDINFO_GENERATOR or extractive")
    sp.add_argument("--llm-base-url", help="OpenAI-compatible endpoint (default: $MEDINFO_LLM_BASE_URL)")
    sp.add_argument("--llm-model", help="model name at the endpoint (default: $MEDINFO_LLM_MODEL)")


def register(sub, add) -> None:
    sp = add("ask", "Answer a question from the stored evidence, with citations.", cmd_ask)
    sp.add_argument("question")
    sp.add_argument("--product", help="restrict to one product (name or alias)")
    sp.add_argument("--top-k", type=int, default=None, help="passages to retrieve (default 6)")
    sp.add_argument("--audience", choices=["hcp", "patient", "consumer"], default=None)
    sp.add_argument("--source-type", choices=["approved", "literature"], default=None)
    _llm_flags(sp)

    sp = add("serve", "Serve the chat API and web pages with uvicorn.", cmd_serve, json_flag=False)
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    sp.add_argument("--no-auth", action="store_true", help="no API keys (local use; only on 127.0.0.1)")
    sp.add_argument("--log-level", default="warning")
    _llm_flags(sp)

    sp = add("keys", "Create, list or revoke API keys (roles: physician, msl, reviewer, admin).", cmd_keys)
    sp.add_argument("action", choices=["create", "list", "revoke"])
    sp.add_argument("key_id", nargs="?", help="for revoke")
    sp.add_argument("--role", choices=["physician", "msl", "reviewer", "admin"], default="physician")
    sp.add_argument("--name", help="who the key is for")

    sp = add("audit", "Verify the audit chain, or export audited answers (CSV or JSONL).", cmd_audit)
    sp.add_argument("action", choices=["verify", "export"])
    sp.add_argument("--format", choices=["csv", "jsonl"])
    sp.add_argument("--out", help="write here instead of standard output")
    sp.add_argument("--since", type=float, help="epoch seconds")
    sp.add_argument("--until", type=float)
    sp.add_argument("--user")
    sp.add_argument("--status", choices=["answered", "insufficient_evidence", "refused"])
    sp.add_argument("--limit", type=int, default=100000)

    sp = add("letter", "Draft a standard response letter (MSL) from the verified answer.", cmd_letter)
    sp.add_argument("question")
    sp.add_argument("--requester", help="name for the salutation")
    sp.add_argument("--product")
    sp.add_argument("--format", choices=["md", "docx", "pdf"], required=True)
    sp.add_argument("--out", required=True)

    sp = add("safety", "Export adverse-event and product-complaint reports for pharmacovigilance.", cmd_safety)
    sp.add_argument("action", choices=["export"])
    sp.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    sp.add_argument("--kind", choices=["adverse_event", "product_complaint"])
    sp.add_argument("--since", type=float, help="epoch seconds")
    sp.add_argument("--out")
