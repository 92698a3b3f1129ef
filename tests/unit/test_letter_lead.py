"""A letter's summary is the answer's lead, except that a product's approved labelling is never put after literature.
Approved content about no product (a consumer-health page) does not outrank a better literature sentence. Made-up
citations; no store needed."""
from __future__ import annotations

from assistant.contract import Answer, Citation, Claim
from assistant.letters.compose import build


def cite(n: int, kind: str, product: str | None, quote: str) -> Citation:
    return Citation(n=n, chunk_id=f"c{n}", document_id=f"doc{n}", title=f"Doc {n}", version="1", source_type=kind,
                    page=1, start=0, end=len(quote), quote=quote, product=product)


def answer(*cited: Citation) -> Answer:
    return Answer(question="q?", status="answered", answer="", trace_id="abcdef123456", generator="extractive",
                  corpus_version="v", citations=list(cited),
                  claims=[Claim(text=c.quote, citations=[c.n], supported=True, support=1.0) for c in cited])


PAPER = "STING is an adaptor protein that signals cytosolic DNA."
PAGE = "The EVC gene provides instructions for making a protein."
LABEL = "Examplostat is indicated for hypertension."


def summary(a: Answer) -> str:
    return build(a).summary[0].text


def test_the_summary_is_the_answers_lead_unless_labelling_is_cited():
    assert summary(answer(cite(1, "literature", None, PAPER), cite(2, "approved", None, PAGE))).startswith("STING")
    a = answer(cite(1, "literature", None, PAPER), cite(2, "approved", None, PAGE),
               cite(3, "approved", "examplostat", LABEL))
    assert summary(a).startswith("Examplostat")
