"""Letters as files: Markdown, DOCX (python-docx) and PDF (reportlab)."""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from assistant.letters.compose import Letter, to_markdown

MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(letter: Letter, fmt: str) -> bytes:
    if fmt == "md":
        return to_markdown(letter).encode("utf-8")
    if fmt == "docx":
        return _docx(letter)
    if fmt == "pdf":
        return _pdf(letter)
    raise ValueError(f"format must be one of {', '.join(MEDIA_TYPES)}")


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _paragraphs(letter: Letter):
    """(kind, text) in reading order, XML-safe; kinds: title, meta, body, notice, heading, item, ref, rule."""
    for kind, text in _raw_paragraphs(letter):
        yield kind, _NOT_XML.sub(" ", text)


def _raw_paragraphs(letter: Letter):
    t = letter.template
    yield "title", t["title"]
    yield "meta", t["reference"].format(reference=letter.reference)
    yield "meta", t["date"].format(date=letter.date)
    if letter.requester_line():
        yield "meta", letter.requester_line()
    yield "body", letter.salutation
    yield "body", " ".join(t["unsolicited"].split())
    yield "body", t["question"].format(question=letter.question)
    for n in letter.notices:
        yield "notice", n
    if letter.summary:
        yield "heading", t["summary_heading"]
        yield "body", " ".join(s.render() for s in letter.summary)
    for heading, items in letter.sections:
        yield "heading", heading
        for s in items:
            yield "item", s.render()
    if letter.references:
        yield "heading", t["references_heading"]
        for r in letter.references:
            yield "ref", f"{r.n}. {r.text()}"
    yield "body", " ".join(t["closing"].split())
    for line in t["signoff"].split("\n"):
        yield "body", line
    yield "rule", ""
    yield "body", t["approval"]
    yield "meta", f"Trace {letter.trace_id}"


def _docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    for kind, text in _paragraphs(letter):
        if kind == "title":
            doc.add_heading(text, level=1)
        elif kind == "heading":
            doc.add_heading(text, level=2)
        elif kind == "item":
            doc.add_paragraph(text, style="List Bullet")
        elif kind == "ref":
            doc.add_paragraph(text)
        elif kind == "notice":
            run = doc.add_paragraph().add_run(text)
            run.italic = True
        elif kind == "meta":
            run = doc.add_paragraph().add_run(text)
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif kind == "rule":
            doc.add_paragraph("_" * 60)
        else:
            doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# reportlab's CID fonts for Japanese, Chinese and Korean: named in the PDF and drawn by the reader's own fonts (no
# font file is shipped or downloaded), where Helvetica has no glyph for them.
_CID_FONTS = (("[\u3040-\u30ff]", "HeiseiMin-W3"), ("[\uac00-\ud7a3]", "HYSMyeongJo-Medium"),
              ("[\u4e00-\u9fff]", "STSong-Light"))


def _cjk_font(letter: Letter) -> str | None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    text = " ".join(t for _, t in _raw_paragraphs(letter))
    for pattern, font in _CID_FONTS:
        if re.search(pattern, text):
            if font not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(font))
            return font
    return None


def _pdf(letter: Letter) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    cjk = _cjk_font(letter)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=cjk or "Helvetica", fontSize=10.5, leading=14,
                          spaceAfter=6, wordWrap="CJK" if cjk else None)
    meta = ParagraphStyle("meta", parent=body, textColor="#555555", fontSize=9.5, spaceAfter=2)
    notice = ParagraphStyle("notice", parent=body, fontName=cjk or "Helvetica-Oblique", backColor="#fff8e1",
                            borderPadding=4)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], fontSize=12.5, spaceBefore=8, spaceAfter=4,
                             **({"fontName": cjk, "wordWrap": "CJK"} if cjk else {}))
    title = ParagraphStyle("title", parent=styles["Heading1"], fontSize=16,
                           **({"fontName": cjk, "wordWrap": "CJK"} if cjk else {}))
    buf = io.BytesIO()
    story = []
    items: list = []

    def flush_items():
        if items:
            story.append(ListFlowable([ListItem(Paragraph(escape(i), body), leftIndent=12) for i in items],
                                      bulletType="bullet", start="•", leftIndent=12))
            items.clear()

    for kind, text in _paragraphs(letter):
        if kind != "item":
            flush_items()
        if kind == "item":
            items.append(text)
        elif kind == "title":
            story.append(Paragraph(escape(text), title))
        elif kind == "heading":
            story.append(Paragraph(escape(text), heading))
        elif kind == "meta":
            story.append(Paragraph(escape(text), meta))
        elif kind == "notice":
            story.append(Paragraph(escape(text), notice))
        elif kind == "rule":
            story += [Spacer(1, 6), HRFlowable(width="100%", color="#999999"), Spacer(1, 6)]
        else:
            story.append(Paragraph(escape(text), body))
    flush_items()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                      bottomMargin=18 * mm, title=letter.template.get("title", "Medical Information Response"),
                      author="Medical Information").build(story)
    return buf.getvalue()
