"""Word standard response documents (.docx, python-docx): headings as sections, tables as rows.

Each heading starts a section; a section's paragraphs and table rows are the lines of one "page" (Word has no
fixed pages: a citation names the section path and offsets into its text, like SPL). A table row is one line,
each cell after its column header. Core properties (title, version, author, revision) are read as metadata
that the manifest refines. Refused with a reason: a file that is not a zip (legacy .doc, or an encrypted
Office file, which is an OLE container), a macro-enabled document, a zip that expands beyond a sane size.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ingest.types import LoadError, Page

DOCX_EXT = {".docx", ".docm"}
MAX_UNZIPPED = 200 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check(data: bytes, suffix: str) -> None:

    if data.startswith(_OLE):
        raise LoadError("encrypted or legacy Word file (an OLE container, not a .docx zip): save it unencrypted "
                        "as .docx")
    if suffix == ".docm":
        raise LoadError("macro-enabled Word document (.docm): refused; save it as .docx without macros")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise LoadError(f"DOCX expands beyond {MAX_UNZIPPED // 2**20} MB: refused (a zip bomb?)")
    except zipfile.BadZipFile:
        raise LoadError("not a DOCX: the file is not a zip archive") from None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise LoadError("DOCX carries macros (vbaProject.bin): refused")
    if "word/document.xml" not in names:
        raise LoadError("not a DOCX: no word/document.xml in the archive")


def _level(style: str) -> int | None:
    """The outline level of a paragraph style ("Heading 2" -> 2, "Title" -> 0), None for body text."""
    if style == "Title":
        return 0
    m = re.fullmatch(r"Heading (\d)", style)
    return int(m.group(1)) if m else None


def _rows(table) -> list[str]:
    rows = [[" ".join(c.text.split()) for c in r.cells] for r in table.rows]
    if not rows:
        return []
    header, out = rows[0], []
    for cells in rows[1:]:
        pairs = [f"{h}: {c}" if h and c != h else c for h, c in zip(header, cells, strict=False) if c]
        if pairs:
            out.append(" | ".join(pairs))
    return out if out else [" | ".join(c for c in header if c)]


def read_docx(data: bytes, suffix: str, fallback_title: str) -> tuple[str, list[Page], dict[str, Any]]:

    _check(data, suffix)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types on broken parts
        raise LoadError(f"corrupt DOCX: {type(exc).__name__}: {exc}") from None
    trail: list[tuple[int, str]] = []
    sections: list[tuple[str, list[str]]] = [("", [])]
    title = None
    for item in d.iter_inner_content():
        if isinstance(item, Table):
            sections[-1][1].extend(_rows(item))
            continue
        if not isinstance(item, Paragraph):
            continue
        text = " ".join(item.text.split())
        if not text:
            continue
        level = _level(item.style.name if item.style is not None else "")
        if level is None:
            bullet = item.style is not None and "List" in item.style.name
            sections[-1][1].append(f"• {text}" if bullet else text)
            continue
        if level == 0:
            title = title or text
            continue
        trail = [(lv, t) for lv, t in trail if lv < level] + [(level, text)]
        sections.append((" > ".join(t for _, t in trail), []))
    pages = [Page(0, "\n".join(lines), path) for path, lines in sections if lines]
    for i, p in enumerate(pages):
        p.number = i + 1
    if not pages:
        raise LoadError("DOCX without text")
    props = d.core_properties
    title = title or (props.title or "").strip() or fallback_title
    extra: dict[str, Any] = {"attributes": {"format": "docx", "author": props.author or None,
                                            "revision": props.revision or None}}
    if (props.version or "").strip():
        extra["version"] = props.version.strip()
    if props.author:
        extra["owner"] = props.author
    return title, pages, extra
