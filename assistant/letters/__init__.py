"""MSL response letters: a verified answer composed into a letter (compose.py) and rendered as Markdown,
DOCX or PDF (formats.py)."""
from __future__ import annotations

from assistant.contract import Answer, Requester
from assistant.letters.compose import Letter, build


def draft_letter(assistant, question: str, salutation_name: str | None, product: str | None,
                 requester: Requester | None = None, requester_type: str | None = None,
                 profession: str | None = None, conversation_id: str | None = None) -> tuple[Answer, Letter]:
    """(answer, letter) for a question (a follow-up in a conversation is resolved first); the letter's evidence
    is the answer's verified claims. The answer is audited on the channel "letter"."""
    answer = assistant.ask(question, requester=requester, channel="letter", product=product,
                           requester_type=requester_type, profession=profession, conversation_id=conversation_id)
    docs = {d["doc_id"]: d.get("effective") for d in assistant.store.catalog.documents()}
    return answer, build(answer, requester=salutation_name, effective_dates=docs)
