"""A letter answering a question asked in another language has its framing text in that language (the evidence
stays verbatim in English), and its PDF draws Japanese, Chinese and Korean text with a CJK font. Made-up answer."""
from __future__ import annotations

import io

import pypdf
import pytest

from assistant.contract import Answer, Citation, Claim
from assistant.letters.compose import build
from assistant.letters.formats import render

QUOTE = "Examplostat is indicated for hypertension."


def answer(question: str, language: str | None) -> Answer:
    c = Citation(n=1, chunk_id="c1", document_id="doc1", title="Examplostat label", version="1",
                 source_type="approved", page=3, start=0, end=len(QUOTE), quote=QUOTE, product="examplostat")
    return Answer(question=question, status="answered", answer=QUOTE + " [1]", trace_id="abcdef123456",
                  generator="extractive", corpus_version="v", citations=[c], language=language,
                  resolved_question="examplostat indications" if language else None,
                  claims=[Claim(text=QUOTE, citations=[1], supported=True, support=1.0)])


@pytest.mark.parametrize("question, language, title, heading", [
    ("エグザンプロスタットの適応は？", "ja", "医薬品情報 回答書", "参考文献"),
    ("艾格赞他汀的适应症是什么？", "zh", "医学信息答复函", "参考文献"),
    ("艾格贊他汀的適應症是什麼？", "zh-Hant", "醫學信息答覆函", "參考文獻"),
    ("엑잼플로스타트의 적응증은?", "ko", "의학 정보 회신서", "참고문헌"),
    ("¿Cuáles son las indicaciones de examplostat?", "es", "Respuesta de Información Médica", "Referencias"),
    ("What is examplostat indicated for?", None, "Medical Information Response", "References"),
])
def test_the_letter_speaks_the_question_s_language(question, language, title, heading):
    letter = build(answer(question, language))
    md = render(letter, "md").decode("utf-8")
    assert md.startswith(f"# {title}") and f"## {heading}" in md
    assert QUOTE in md and question in md  # the evidence verbatim; the question as asked, not its search words
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(render(letter, "pdf"))).pages)
    assert QUOTE in text.replace("\n", " ")
    if language in ("ja", "zh", "ko"):
        assert title.replace(" ", "") in text.replace(" ", "").replace("\n", "")  # drawn, not blank boxes
    assert render(letter, "docx")
