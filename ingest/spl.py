"""Structured Product Labeling (SPL, HL7 v3 XML as FDA and DailyMed publish labels): one document per file.

Each section (at any depth) with text of its own becomes one "page" of the document: SPL has no pages, so a
citation names the section's path ("2 DOSAGE AND ADMINISTRATION > 2.6 ...") and its position, and offsets into
the section's text. Paragraphs, list items and table rows are lines of that text; a table row carries its
column headers ("Drug: boceprevir | Dose: ..."), so a row is quotable verbatim with its header. The label's set
id is its identity, its version number and effective time its version. Parsed with defusedxml: no DTDs, no
entities, no external references.
"""
from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element

from ingest.identity import brands_of, ingredient
from ingest.types import Page

NS = "{urn:hl7-org:v3}"
SPL_ROOT = f"{NS}document"
PRODUCT_DATA = {"48780-1"}  # SPL product data elements: the listing, not label text
OTC_LABEL = "34390-5"
_INLINE_BREAK = {"br"}
_NESTED = ("paragraph", "list", "table")  # blocks inside a list item


def tag(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _find(el: Element | None, path: str) -> Element | None:
    if el is None:
        return None
    return el.find("/".join(f"{NS}{p}" for p in path.split("/")))


def _attr(el: Element | None, path: str, name: str) -> str | None:
    found = _find(el, path) if path else el
    return found.get(name) if found is not None else None


def inline(el: Element) -> str:
    """An element's text on one line: inline markup dropped, footnotes and images left out."""
    return " ".join(_raw(el).split())


def _raw(el: Element) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        t = tag(child)
        if t in _INLINE_BREAK:
            parts.append(" ")
        elif t not in ("footnote", "renderMultiMedia"):
            parts.append(_raw(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table(el: Element) -> list[str]:
    """A table as lines: its caption, then one line per body row, each cell after its column header."""
    lines = []
    caption = _find(el, "caption")
    if caption is not None and inline(caption):
        lines.append(inline(caption))
    header: list[str] = []
    head = _find(el, "thead")
    if head is not None:
        rows = head.findall(f"{NS}tr")
        if rows:
            header = [inline(c) for c in rows[-1] if tag(c) in ("th", "td")]
    bodies = el.findall(f"{NS}tbody") or [el]
    for body in bodies:
        for tr in body.findall(f"{NS}tr"):
            cells = [inline(c) for c in tr if tag(c) in ("th", "td")]
            if not any(cells):
                continue
            if not header and not lines[len(lines) - (caption is not None):] and all(
                    _bold(c) for c in tr if tag(c) in ("th", "td")):
                header = cells  # a first row of bold cells is the header
                continue
            pairs = [f"{h}: {c}" if h and c and h != c else c
                     for h, c in zip(header + [""] * (len(cells) - len(header)), cells, strict=False) if c]
            lines.append(" | ".join(pairs))
    return lines


def _bold(cell: Element) -> bool:
    """A header cell: a <th>, a bold cell, or a cell whose text is all in bold runs."""
    if tag(cell) == "th" or "bold" in cell.get("styleCode", "").lower():
        return True
    text = inline(cell)
    runs = [c for c in cell.iter() if "bold" in c.get("styleCode", "").lower()]
    return bool(text) and bool(runs) and " ".join(inline(r) for r in runs) == text


def blocks(el: Element) -> list[str]:
    """The readable blocks of a section's <text>: paragraphs, list items ("• ..."), table rows."""
    out: list[str] = []
    for child in el:
        t = tag(child)
        if t == "paragraph":
            text = inline(child)
            if text:
                out.append(text)
        elif t == "list":
            for item in child.findall(f"{NS}item"):
                own = inline(_without(item, _NESTED))
                holder = Element(item.tag)
                holder.extend(c for c in item if tag(c) in _NESTED)
                nested = blocks(holder)
                if own:
                    out.append(f"• {own}")
                elif nested:
                    nested[0] = f"• {nested[0]}"
                out.extend(nested)
        elif t == "table":
            out.extend(_table(child))
        elif t in _NESTED or t in ("text", "excerpt", "highlight", "section", "component"):
            out.extend(blocks(child))
    if not any(tag(c) in _NESTED for c in el) and inline(el) and tag(el) == "text":
        out.append(inline(el))  # a <text> of bare inline content
    return out


def _without(el: Element, tags: tuple[str, ...]) -> Element:
    copy = Element(el.tag, el.attrib)
    copy.text = el.text
    for child in el:
        if tag(child) not in tags:
            copy.append(child)
    return copy


def sections(body: Element) -> list[tuple[str, str, str]]:
    """(path, LOINC code, text) of every section with text of its own, in document order."""
    out: list[tuple[str, str, str]] = []

    def walk(section: Element, trail: list[str]) -> None:
        code = _attr(section, "code", "code") or ""
        if code in PRODUCT_DATA:
            return
        title_el = _find(section, "title")
        title = inline(title_el) if title_el is not None else ""
        path = [*trail, title] if title else list(trail)
        label = " > ".join(path) or (_attr(section, "code", "displayName") or "").title()
        highlight = _find(section, "excerpt/highlight/text")
        if highlight is not None:
            text = "\n".join(blocks(highlight))
            if text:
                out.append((" > ".join(["HIGHLIGHTS", *path]) if path else "HIGHLIGHTS", code, text))
        text_el = _find(section, "text")
        if text_el is not None:
            text = "\n".join(blocks(text_el))
            if text:
                out.append((label, code, text))
        for comp in section.findall(f"{NS}component"):
            child = _find(comp, "section")
            if child is not None:
                walk(child, path)

    for comp in body.findall(f"{NS}component"):
        section = _find(comp, "section")
        if section is not None:
            walk(section, [])
    return out


def _date(value: str | None) -> str | None:
    if value and re.fullmatch(r"\d{8}.*", value):
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return None


def _products(root: Element) -> dict[str, Any]:
    """Brand, generic, form and NDCs from the product data elements; the original NDC of a repackaged one."""
    found: dict[str, Any] = {"ndcs": [], "original_ndcs": []}
    for prod in root.iter(f"{NS}manufacturedProduct"):
        code = _attr(prod, "code", "code")
        name = _find(prod, "name")
        generic = _find(prod, "asEntityWithGeneric/genericMedicine/name")
        if code and code not in found["ndcs"] and re.fullmatch(r"\d{4,5}-\d{3,4}", code):
            found["ndcs"].append(code)
        if name is not None and "brand" not in found and inline(name):
            found["brand"] = inline(name)
        if generic is not None and "generic" not in found and inline(generic):
            found["generic"] = inline(generic).lower()
        form = _attr(prod, "formCode", "displayName")
        if form and "form" not in found:
            found["form"] = form.lower()
        original = _attr(prod, "asEquivalentEntity/definingMaterialKind/code", "code")
        if original and original not in found["original_ndcs"]:
            found["original_ndcs"].append(original)
    return found


def read_spl(root: Element) -> tuple[str, list[Page], dict[str, Any]]:
    """(title, pages, metadata) of a parsed SPL document."""
    set_id = _attr(root, "setId", "root")
    version = _attr(root, "versionNumber", "value")
    if not set_id:
        raise ValueError("SPL document without a setId")
    body = _find(root, "component/structuredBody")
    found = sections(body) if body is not None else []
    if not found:
        raise ValueError("SPL document without section text")
    prod = _products(root)
    labeler = None
    org = _find(root, "author/assignedEntity/representedOrganization/name")
    if org is not None:
        labeler = inline(org)
    doc_type = _attr(root, "code", "code") or ""
    repack = any((_attr(a, "", "displayName") or "").lower() == "repack" for a in root.iter(f"{NS}code")
                 if a.get("codeSystem") == "2.16.840.1.113883.3.26.1.1" and a.get("displayName"))
    brand, generic = prod.get("brand"), prod.get("generic")
    product = ingredient(generic) if generic else None
    name = f"{brand} ({generic})" if brand and generic and brand.lower() != generic else (brand or generic or "")
    if not name:
        title_el = _find(root, "title")
        name = inline(title_el)[:120] if title_el is not None else f"SPL {set_id}"
    title = " — ".join(x for x in (f"{name} {prod.get('form', '')}".strip(), labeler) if x)
    pages = [Page(i + 1, text, heading) for i, (heading, _code, text) in enumerate(found)]
    extra: dict[str, Any] = {
        "id": f"spl-{set_id}", "version": version or "1", "effective": _date(_attr(root, "effectiveTime", "value")),
        "audience": "consumer" if doc_type == OTC_LABEL else "hcp",
        "attributes": {"format": "spl", "set_id": set_id, "spl_version": int(version) if version and
                       version.isdigit() else None, "document_id": _attr(root, "id", "root"),
                       "document_type": doc_type, "labeler": labeler, "repackager": repack or bool(
                           prod["original_ndcs"]), "ndcs": prod["ndcs"], "original_ndcs": prod["original_ndcs"],
                       "section_codes": [code for _h, code, _t in found]},
    }
    if product:
        extra["product"] = product
        extra["aliases"] = sorted({brand.lower()} | brands_of(product) if brand else brands_of(product))
    return title, pages, {k: v for k, v in extra.items() if v is not None}
