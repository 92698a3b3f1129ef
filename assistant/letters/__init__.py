"""MSL response letters: a verified answer composed into a letter (compose.py) and rendered as Markdown,
DOCX or PDF (formats.py)."""
from __future__ import annotations

from assistant.contract import Answer, Requester
from assistant.letters.compose import Letter, build


def draft_letter(assistant, question: str, salutation_name: str | None, product: str | None,
                 requester: Requester | None = None) -> tuple[Answer, Letter]:
    """(answer, letter) for a question; the letter's evidence is the answer's verified claims. The answer
    is audited on the channel "letter"."""
    answer = assistant.ask(question, requester=requester, channel="letter", product=product)
    docs = {d["doc_id"]: d.get("effective") for d in assistant.store.catalog.documents()}
    return answer, build(answer, requester=salutation_name, effective_dates=docs)
