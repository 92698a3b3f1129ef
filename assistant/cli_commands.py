"""Subcommands beyond ingestion; each imports its machinery only when run."""
from __future__ import annotations

import sys

from assistant.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, _fail, _print_json


def cmd_ask(args) -> int:
    from assistant.answer import Assistant, InvalidQuestion
    from assistant.config import build_assistant

    try:
        assistant = build_assistant(args.data_dir)
        answer = assistant.ask(args.question, product=args.product, top_k=args.top_k, audience=args.audience,
                               source_type=args.source_type)
    except InvalidQuestion as exc:
        return _fail(str(exc), args.json, EXIT_USAGE)
    if args.json:
        _print_json(answer.model_dump())
        return EXIT_OK
    print(render_answer(answer))
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


def register(sub, add) -> None:
    sp = add("ask", "Answer a question from the stored evidence, with citations.", cmd_ask)
    sp.add_argument("question")
    sp.add_argument("--product", help="restrict to one product (name or alias)")
    sp.add_argument("--top-k", type=int, default=None, help="passages to retrieve (default 6)")
    sp.add_argument("--audience", choices=["hcp", "patient", "consumer"], default=None)
    sp.add_argument("--source-type", choices=["approved", "literature"], default=None)
