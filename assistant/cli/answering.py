"""`medinfo ask`, `medinfo chat` and `medinfo letter`: answers, conversations and response letters."""
from __future__ import annotations

from assistant.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, fail, print_json, settings_of


def _assistant(args):
    from assistant.answering.assistant import Assistant

    return Assistant(settings=settings_of(args, generator=getattr(args, "generator", None),
                                          llm_base_url=getattr(args, "llm_base_url", None),
                                          llm_model=getattr(args, "llm_model", None),
                                          include_unreviewed=True if getattr(args, "include_unreviewed", False)
                                          else None))


def _requester():
    from assistant.answering.assistant import local_requester

    return local_requester("cli")


def cmd_ask(args) -> int:
    from assistant.answering.llm import GeneratorUnavailable
    from assistant.contract import InvalidQuestion

    try:
        answer = _assistant(args).ask(args.question, requester=_requester(), channel="cli", product=args.product,
                                      top_k=args.top_k, audience=args.audience, source_type=args.source_type,
                                      conversation_id=args.conversation, requester_type=args.requester_type,
                                      profession=args.profession)
    except InvalidQuestion as exc:
        return fail(str(exc), args.json, EXIT_USAGE)
    except GeneratorUnavailable as exc:
        return fail(str(exc), args.json, EXIT_ERROR)
    if args.json:
        print_json(answer.model_dump())
        return EXIT_OK
    print(render_answer(answer))
    return EXIT_OK


def render_answer(answer) -> str:
    lines = [f"Answering: {answer.resolved_question}", ""] if answer.resolved_question else []
    lines.append(answer.answer)
    if answer.explanation:
        lines += ["", answer.explanation]
    for n in answer.notices:
        lines += ["", f"Note: {n}"]
    if answer.citations:
        from assistant.question.language import interface

        lines += ["", (interface(answer.language, "references") or "References") + ":"]
        for c in answer.citations:
            lines.append(f"  [{c.n}] {c.reference or c.title + ', version ' + c.version}, {c.where()} "
                         f"(chunk {c.chunk_id}, chars {c.start}-{c.end})")
    if answer.closest_documents:
        lines += ["", "Closest documents found:"]
        lines += [f"  - {d.title} (page {d.page})" for d in answer.closest_documents]
    lines += ["", f"[{answer.status}; {answer.generator}; corpus {answer.corpus_version}; trace {answer.trace_id}]"]
    return "\n".join(lines)


def cmd_chat(args) -> int:
    """A conversation in the terminal: each question may follow up on the ones before (readline history)."""
    import sys
    import uuid
    from pathlib import Path

    from assistant.contract import InvalidQuestion

    try:
        import readline
    except ImportError:  # not every Python has it; the chat works without line editing
        readline = None  # type: ignore[assignment]
    assistant = _assistant(args)
    history_file = Path(assistant.settings.chat_history).expanduser()
    if readline is not None and history_file.exists():
        readline.read_history_file(str(history_file))
    conversation = args.conversation or uuid.uuid4().hex[:16]
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"medinfo chat (conversation {conversation}); an empty line or Ctrl-D ends it, /new starts over.")
    try:
        while True:
            try:
                line = input("you> " if interactive else "")
            except EOFError:
                break
            line = line.strip()
            if not line:
                if interactive:
                    break
                continue
            if line == "/new":
                conversation = uuid.uuid4().hex[:16]
                print(f"(new conversation {conversation})")
                continue
            try:
                answer = assistant.ask(line, requester=_requester(), channel="cli-chat", product=args.product,
                                       conversation_id=conversation, requester_type=args.requester_type,
                                       profession=args.profession)
            except InvalidQuestion as exc:
                print(f"medinfo: {exc}", file=sys.stderr)
                continue
            if args.json:
                print_json(answer.model_dump())
            else:
                print(render_answer(answer))
                print()
    finally:
        if readline is not None:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(str(history_file))
    return EXIT_OK


def cmd_letter(args) -> int:
    from pathlib import Path

    from assistant.contract import InvalidQuestion
    from assistant.letters import draft_letter
    from assistant.letters.formats import render

    try:
        answer, letter = draft_letter(_assistant(args), args.question, args.requester, args.product, _requester(),
                                      args.requester_type, args.profession, args.conversation)
    except InvalidQuestion as exc:
        return fail(str(exc), args.json, EXIT_USAGE)
    Path(args.out).write_bytes(render(letter, args.format))
    summary = {"out": args.out, "format": args.format, "reference": letter.reference, "status": answer.status,
               "trace_id": answer.trace_id, "references": len(letter.references)}
    if args.json:
        print_json(summary)
    else:
        print(f"wrote {args.out} ({args.format}, {letter.reference}, {answer.status}, "
              f"{len(letter.references)} references)")
    return EXIT_OK


def requester_flags(sp) -> None:
    sp.add_argument("--requester-type", choices=["hcp", "consumer", "internal"], default=None,
                    help="who the answer is for (default hcp): a consumer gets patient labelling first, plain-language "
                    "notices and no off-label content; internal (MSL drafts) may cite data on file")
    sp.add_argument("--profession", choices=["physician", "pharmacist", "nurse"], default=None, help="hcp only")


def llm_flags(sp) -> None:
    sp.add_argument("--include-unreviewed", action="store_true",
                    help="also answer from content without an approving manifest entry (cited with a notice)")
    sp.add_argument("--generator", choices=["extractive", "llm"], help="default: $MEDINFO_GENERATOR or extractive")
    sp.add_argument("--llm-base-url", help="OpenAI-compatible endpoint (default: $MEDINFO_LLM_BASE_URL)")
    sp.add_argument("--llm-model", help="model name at the endpoint (default: $MEDINFO_LLM_MODEL)")


def register(sub, add) -> None:
    from assistant.contract import DEFAULT_TOP_K

    sp = add("ask", "Answer a question from the stored evidence, with citations.", cmd_ask)
    sp.add_argument("question")
    sp.add_argument("--product", help="restrict to one product (name or alias)")
    sp.add_argument("--top-k", type=int, default=None, help=f"passages to retrieve (default {DEFAULT_TOP_K})")
    sp.add_argument("--audience", choices=["hcp", "patient", "consumer"], default=None)
    sp.add_argument("--source-type", choices=["approved", "literature"], default=None)
    sp.add_argument("--conversation", metavar="ID", help="a thread id: earlier questions asked with it resolve a "
                    "follow-up (\"and in the elderly?\"); a new id starts one")
    requester_flags(sp)
    llm_flags(sp)

    sp = add("chat", "A conversation in the terminal: follow-up questions resolved from earlier turns.", cmd_chat)
    sp.add_argument("--conversation", metavar="ID", help="continue this conversation (default: a new one)")
    sp.add_argument("--product", help="restrict to one product (name or alias)")
    requester_flags(sp)
    llm_flags(sp)

    sp = add("letter", "Draft a standard response letter (MSL) from the verified answer.", cmd_letter)
    sp.add_argument("question")
    sp.add_argument("--requester", help="name for the salutation")
    sp.add_argument("--product")
    sp.add_argument("--format", choices=["md", "docx", "pdf"], required=True)
    sp.add_argument("--out", required=True)
    sp.add_argument("--conversation", metavar="ID", help="the question follows up on this conversation")
    requester_flags(sp)
    llm_flags(sp)
