"""`medinfo serve`, `medinfo keys`, `medinfo audit`, `medinfo safety`: the service and its records."""
from __future__ import annotations

import sys

from assistant.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, fail, print_json, settings_of

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def cmd_serve(args) -> int:
    import functools

    import uvicorn

    if args.no_auth and args.host not in LOOPBACK:
        return fail("--no-auth is only allowed on a loopback address (--host 127.0.0.1)", code=EXIT_USAGE)
    settings = settings_of(args, generator=args.generator, llm_base_url=args.llm_base_url, llm_model=args.llm_model,
                           no_auth=True if args.no_auth else None,
                           include_unreviewed=True if args.include_unreviewed else None)
    print(f"medinfo serving {settings.data_dir} on http://{args.host}:{args.port} "
          f"({'no auth, local only' if settings.no_auth else 'API keys required'}; docs at /docs)", file=sys.stderr)
    from assistant.server.app import app_from_settings

    # Workers get the resolved settings as data (pickled to each process), not through the environment.
    factory = functools.partial(app_from_settings, settings.model_dump(mode="json"))
    config = uvicorn.Config(factory, factory=True, host=args.host, port=args.port, workers=args.workers,
                            log_level=args.log_level, timeout_keep_alive=5)
    server = uvicorn.Server(config)
    if args.workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
    return EXIT_OK


def _db(args):
    from assistant.records import ServiceDB

    s = settings_of(args)
    return ServiceDB(s.data_dir, s.audit_anchor_dir, s.database_url)


def cmd_keys(args) -> int:
    db = _db(args)
    if args.action == "create":
        try:
            key_id, key = db.create_key(args.role, args.name or "")
        except ValueError as exc:
            return fail(str(exc), args.json, EXIT_USAGE)
        if args.json:
            print_json({"key_id": key_id, "role": args.role, "key": key})
        else:
            print(key)
            print(f"(key {key_id}, role {args.role}: shown once, stored hashed; send it as "
                  "'Authorization: Bearer KEY')", file=sys.stderr)
        return EXIT_OK
    if args.action == "revoke":
        if not args.key_id or not db.revoke_key(args.key_id):
            return fail(f"no active key {args.key_id!r}", args.json)
        if args.json:
            print_json({"revoked": args.key_id})
        return EXIT_OK
    keys = db.list_keys()
    if args.json:
        print_json({"keys": keys})
    else:
        for k in keys:
            print(f"{k['key_id']}  {k['role']:<10} {k['name']:<20} {'revoked' if k['revoked_at'] else 'active'}")
    return EXIT_OK


def cmd_audit(args) -> int:
    db = _db(args)
    if args.action == "verify":
        from pathlib import Path

        result = db.verify_audit(Path(args.checkpoint) if args.checkpoint else None)
        if args.json:
            print_json(result)
        else:
            chains = ", ".join(f"{n} {k}" for k, n in result["chains"].items())
            print(f"audit log {'intact' if result['ok'] else 'TAMPERED (' + ', '.join(result['tampering']) + ')'}: "
                  f"{chains}")
            for p in result["problems"]:
                print(f"  {p}")
        return EXIT_OK if result["ok"] else EXIT_ERROR
    if args.action == "checkpoint":
        import json

        cp = db.checkpoint()
        return _emit(json.dumps(cp, indent=2, sort_keys=True) + "\n", args.out, "a signed checkpoint")
    rows = db.audit(args.since, args.until, args.user, args.status, limit=args.limit)
    rows.reverse()
    fmt = args.format or ("jsonl" if args.json else "csv")
    return _emit(db.export_audit(fmt, rows), args.out, f"{len(rows)} records")


def cmd_safety(args) -> int:
    db = _db(args)
    rows = db.safety_reports(args.since, args.kind)
    from assistant.answering.assistant import local_requester

    db.record_export([r["report_id"] for r in rows], local_requester("cli").user)
    fmt = "jsonl" if args.format == "jsonl" or args.json else "csv"
    return _emit(db.export_safety(fmt, rows), args.out, f"{len(rows)} reports")


def _emit(text: str, out: str | None, what: str) -> int:
    """An export to a file (saying so on stderr) or to standard output."""
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {what} to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(sub, add) -> None:
    from assistant.cli.answering import llm_flags
    from assistant.contract import ROLES, STATUSES

    sp = add("serve", "Serve the chat API and web pages with uvicorn.", cmd_serve, json_flag=False)
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    sp.add_argument("--no-auth", action="store_true", help="no API keys (local use; only on 127.0.0.1)")
    sp.add_argument("--log-level", default="warning")
    llm_flags(sp)

    sp = add("keys", "Create, list or revoke API keys (roles: physician, msl, reviewer, admin).", cmd_keys)
    sp.add_argument("action", choices=["create", "list", "revoke"])
    sp.add_argument("key_id", nargs="?", help="for revoke")
    sp.add_argument("--role", choices=list(ROLES), default="physician")
    sp.add_argument("--name", help="who the key is for")

    sp = add("audit", "Verify the audit chain, export a signed checkpoint, or export audited answers (CSV or "
                      "JSONL).", cmd_audit)
    sp.add_argument("action", choices=["verify", "export", "checkpoint"])
    sp.add_argument("--checkpoint", help="verify: also check against a checkpoint exported earlier")
    sp.add_argument("--format", choices=["csv", "jsonl"])
    sp.add_argument("--out", help="write here instead of standard output")
    sp.add_argument("--since", type=float, help="epoch seconds")
    sp.add_argument("--until", type=float)
    sp.add_argument("--user")
    sp.add_argument("--status", choices=list(STATUSES))
    sp.add_argument("--limit", type=int, default=100000)

    sp = add("safety", "Export adverse-event and product-complaint reports for pharmacovigilance.", cmd_safety)
    sp.add_argument("action", choices=["export"])
    sp.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    sp.add_argument("--kind", choices=["adverse_event", "product_complaint"])
    sp.add_argument("--since", type=float, help="epoch seconds")
    sp.add_argument("--out")
