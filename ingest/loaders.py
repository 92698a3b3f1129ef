"""Loaders: a file in, one or more loaded documents out, each with its pages' exact text.

PDF (pypdf, page by page), Markdown / plain text, HTML, JSON / JSONL abstracts (PubMedQA or generic
records), XML (SPL labels: ingest/spl.py; PubMed records: ingest/pubmed.py; MedQuAD), Word standard
responses (ingest/docx_loader.py) and PubMed RIS / NBIB exports. A loader raises LoadError with a
reason a user can act on.
"""
from __future__ import annotations

import json
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

__all__ = ["SUPPORTED", "Loaded", "LoadError", "load", "sha256_bytes"]

from ingest import tables
from ingest.types import Loaded, LoadError, Page, sha256_bytes

logging.getLogger("pypdf").setLevel(logging.ERROR)

PDF_EXT = {".pdf"}
TEXT_EXT = {".txt", ".md", ".markdown", ".text"}
HTML_EXT = {".html", ".htm"}
JSON_EXT = {".json", ".jsonl"}
XML_EXT = {".xml"}
DOCX_EXT = {".docx", ".docm"}
RECORDS_EXT = {".ris", ".nbib", ".medline"}  # PubMed exports
SUPPORTED = PDF_EXT | TEXT_EXT | HTML_EXT | JSON_EXT | XML_EXT | DOCX_EXT | RECORDS_EXT


def load(path: Path) -> list[Loaded]:
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise LoadError(f"unsupported file type {ext or '(none)'}; supported: {', '.join(sorted(SUPPORTED))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"unreadable: {exc.strerror or exc}") from None
    if not data.strip():
        raise LoadError("empty file")
    if ext in PDF_EXT:
        return [load_pdf(data, path)]
    if ext in JSON_EXT:
        return load_json(data, path)
    if ext in XML_EXT:
        return load_xml(data, path)
    if ext in DOCX_EXT:
        from ingest.docx_loader import read_docx

        docx_title, pages, extra = read_docx(data, ext, path.stem)
        return [Loaded(None, docx_title, pages, sha256_bytes(data), extra)]
    text = decode(data)
    if ext in RECORDS_EXT:
        from ingest import pubmed

        return pubmed.load_ris(text) if ext == ".ris" else pubmed.load_nbib(text)
    if ext in HTML_EXT:
        html_title, text = html_to_text(text)
        return [_single(html_title or path.stem, text, data)]
    return [_single(first_heading(text) or path.stem, text, data)]


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError("not valid UTF-8 text") from None


def _single(title: str, text: str, data: bytes) -> Loaded:
    # A form feed separates pages in plain-text exports; otherwise the file is one page.
    parts = text.split("\f") if "\f" in text else [text]
    pages = [Page(i + 1, p) for i, p in enumerate(parts)]
    if not any(p.text.strip() for p in pages):
        raise LoadError("no text")
    return Loaded(None, title.strip()[:300], pages, sha256_bytes(data))


def first_heading(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line.lstrip("#").strip()[:200] or None
    return None


# --- PDF -------------------------------------------------------------------------------------

def load_pdf(data: bytes, path: Path) -> Loaded:
    import io

    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    if not data.lstrip().startswith(b"%PDF"):
        raise LoadError("corrupt PDF: no %PDF header")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Owner-password-only PDFs open with an empty user password.
            try:
                ok = bool(reader.decrypt(""))
            except Exception:  # noqa: BLE001 - pypdf raises several types for ciphers
                ok = False
            if not ok:
                raise LoadError("encrypted PDF: a password is needed to read it")
        n = len(reader.pages)
        if n == 0:
            raise LoadError("empty PDF: no pages")
        texts = [_page_text(reader.pages[i]) for i in range(n)]
        found = tables.rows_by_page(data, tables.wanted_pages(texts))
        pages: list[Page] = []
        for i, t in enumerate(texts):  # the page before as rows too: a table going on overleaf takes its caption
            before = pages[-1].text if pages else ""
            pages.append(Page(i + 1, tables.insert_rows(t, found[i], before) if i in found else t))
        title = _pdf_title(reader)
    except LoadError:
        raise
    except FileNotDecryptedError:
        raise LoadError("encrypted PDF: a password is needed to read it") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise LoadError(f"corrupt PDF: {type(exc).__name__}: {exc}") from None
    if not any(p.text.strip() for p in pages):
        raise LoadError(f"image-only PDF: none of its {n} pages has extractable text (OCR is not supported)")
    from ingest.identity import identify

    ident = identify([p.text for p in pages[:2]], title)
    extra: dict[str, Any] = {}
    if ident.product:
        extra = {"product": ident.product, "aliases": ident.aliases}
    return Loaded(None, ident.title or path.stem, pages, sha256_bytes(data), extra)


def _page_text(page) -> str:
    text = page.extract_text() or ""
    # NUL bytes cannot be stored in sqlite TEXT reliably; the replacement keeps offsets intact.
    return text.replace("\x00", " ")


def _pdf_title(reader) -> str | None:
    try:
        meta = reader.metadata
        title = meta.get("/Title") if meta else None
    except Exception:  # noqa: BLE001 - broken info dictionaries are common
        return None
    if isinstance(title, str) and title.strip() and len(title) < 200:
        return title.strip()
    return None


# --- HTML ------------------------------------------------------------------------------------

class _TextParser(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
             "ul", "ol", "header", "footer", "blockquote", "pre", "hr", "dt", "dd"}
    SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str | None, str]:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[ \n]*", "\n", text).strip()
    if not text:
        raise LoadError("no text in HTML")
    title = parser.title.strip() if parser.title else None
    return title, text


# --- JSON / JSONL abstracts ------------------------------------------------------------------

def load_json(data: bytes, path: Path) -> list[Loaded]:
    text = decode(data)
    if path.suffix.lower() == ".jsonl":
        return _jsonl_records(text)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON: {exc}") from None
    if isinstance(records, dict):
        if all(isinstance(v, dict) and "CONTEXTS" in v for v in records.values()):
            return [_pubmedqa_record(k, v) for k, v in records.items()]
        records = [records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise LoadError("JSON must be a PubMedQA object, a record or a list of records")
    out = [_generic_record(i, r) for i, r in enumerate(records)]
    if not out:
        raise LoadError("no records")
    return out


def _jsonl_records(text: str) -> list[Loaded]:
    """One document per line; a line that is not a valid record is reported on its own (line N)."""
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise LoadError("not a JSON object")
            out.append(_generic_record(n - 1, rec))
        except (json.JSONDecodeError, LoadError) as exc:
            out.append(Loaded(f"line-{n}", "", [], "", error=f"line {n}: {exc}"))
    if not any(r.error is None for r in out):
        raise LoadError("no valid records: " + "; ".join(r.error or "" for r in out[:3]))
    return out


def _pubmedqa_record(pmid: str, rec: dict) -> Loaded:
    labels = rec.get("LABELS") or []
    paragraphs = []
    for i, ctx in enumerate(rec.get("CONTEXTS") or []):
        label = labels[i] if i < len(labels) else ""
        paragraphs.append(f"{label}: {ctx}" if label else ctx)
    if rec.get("LONG_ANSWER"):
        paragraphs.append(f"CONCLUSIONS: {rec['LONG_ANSWER']}")
    body = "\n".join(paragraphs)
    year = rec.get("YEAR")
    title = f"PubMed abstract PMID {pmid}" + (f" ({year})" if year else "")
    extra = {"keywords": rec.get("MESHES") or [], "year": year, "source": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"}
    if year:
        extra["version"] = str(year)
    content = json.dumps(rec, sort_keys=True).encode()
    return Loaded(str(pmid), title, [Page(1, body)], sha256_bytes(content), extra)


def _generic_record(i: int, rec: dict) -> Loaded:
    key = str(rec.get("id") or rec.get("pmid") or i)
    body = rec.get("abstract") or rec.get("text") or rec.get("body")
    if isinstance(body, list):
        body = "\n".join(map(str, body))
    if not body or not str(body).strip():
        raise LoadError(f"record {key}: no abstract/text field")
    title = str(rec.get("title") or f"Record {key}")
    extra = {k: rec[k] for k in ("version", "source", "product", "effective", "expiry") if k in rec}
    if isinstance(rec.get("attributes"), dict):  # what the record says about itself (a published FAQ's sources)
        extra["attributes"] = rec["attributes"]
    content = json.dumps(rec, sort_keys=True).encode()
    heading = str(rec.get("heading") or "")  # searched with the text, never quoted (a FAQ entry's questions)
    return Loaded(key, title, [Page(1, str(body), heading)], sha256_bytes(content), extra)


# --- XML: SPL labels, PubMed records, MedQuAD -----------------------------------------------

def parse_xml(data: bytes):
    """The root element of an XML file, parsed safely: entity declarations (the "billion laughs" bomb) and
    external entities or DTDs are refused with a reason instead of being expanded or fetched."""
    import defusedxml
    from defusedxml import ElementTree as DET

    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise LoadError("unsafe XML: it declares entities (refused: an entity expansion bomb or an external "
                        "entity reads files or the network)") from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise LoadError("unsafe XML: it references an external entity or DTD (refused)") from None
    except DET.ParseError as exc:
        raise LoadError(f"invalid XML: {exc}") from None


def load_xml(data: bytes, path: Path) -> list[Loaded]:
    from ingest import pubmed, spl

    root = parse_xml(data)
    if root.tag == spl.SPL_ROOT:
        try:
            title, pages, extra = spl.read_spl(root)
        except ValueError as exc:
            raise LoadError(f"SPL label: {exc}") from None
        return [Loaded(None, title, pages, sha256_bytes(data), extra)]
    if root.tag in pubmed.XML_ROOTS:
        return pubmed.load_pubmed_xml(root)
    return [load_medquad_xml(root, data, path)]


def load_medquad_xml(root, data: bytes, path: Path) -> Loaded:
    if root.tag != "Document" and root.find("QAPair") is None and next(root.iter("QAPair"), None) is None:
        raise LoadError(f"unrecognised XML (root <{root.tag}>): expected an SPL label, PubMed records or MedQuAD")
    focus = (root.findtext("Focus") or path.stem).strip()
    pages: list[Page] = []
    for qa in root.iter("QAPair"):
        answer = qa.findtext("Answer")
        if answer and answer.strip():
            q = qa.find("Question")
            qtype = (q.get("qtype") if q is not None else None) or ""
            heading = f"{focus} ({qtype})" if qtype else focus
            pages.append(Page(len(pages) + 1, answer.strip(), heading))
    if not pages:
        raise LoadError("no QAPair answers in XML")
    extra = {"source": root.get("url"), "focus": focus}
    return Loaded(None, focus, pages, sha256_bytes(data), extra)
