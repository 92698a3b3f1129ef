"""medinfo's answering side: retrieve, select evidence, generate, verify, serve.

Rooms (imports point down this list, never up):
    contract.py   answer types, requester, roles, statuses, limits
    settings.py   the one settings object (the only reader of the environment)
    prompts.py    templates from the top-level prompts/ directory
    question/     pure functions of the question: terms, products, intents, privacy, safety, off-label
    records/      service records beside the catalogue: API keys, audit log, reviews, safety reports
    answering/    the Assistant: scope, retrieval, evidence, generators, claims, verification, refusal
    letters/      response letters composed from a verified answer, as md/docx/pdf
    server/       FastAPI app wiring, guards, metrics, routes by concern, web pages
    cli/          the `medinfo` command line
"""
from ingest import offline  # noqa: F401


def __getattr__(name):
    if name == "Assistant":
        from assistant.answering.assistant import Assistant

        return Assistant
    raise AttributeError(name)
