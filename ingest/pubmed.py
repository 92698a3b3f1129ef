"""PubMed records: PubMed/MEDLINE XML (one file, many PubmedArticle), RIS (rispy) and NBIB (MEDLINE text).

One document per article: its abstract (structured sections as "LABEL: text" lines) is the text, the article
title the section heading, and PMID, DOI, journal, year and authors are kept so answers, letters and the web
page render the reference in the NLM/Vancouver style with its PMID and DOI.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from xml.etree.ElementTree import Element

from ingest.types import Loaded, LoadError, Page, sha256_bytes

XML_ROOTS = {"PubmedArticleSet", "PubmedArticle"}
RIS_EXT = {".ris"}
NBIB_EXT = {".nbib", ".medline"}


def _text(el: Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def vancouver(attrs: dict[str, Any], title: str) -> str:
    """An NLM/Vancouver reference: "Smith J, Doe A. Title. J Abbrev. 2020;12(3):45-9. doi:... PMID: ..."."""
    authors = list(attrs.get("authors") or [])
    who = ", ".join(authors[:6]) + (", et al" if len(authors) > 6 else "")
    title = title.rstrip(".") + "." if title else ""
    where = attrs.get("journal_abbrev") or attrs.get("journal") or ""
    when = str(attrs.get("year") or "")
    vol = attrs.get("volume") or ""
    issue = f"({attrs['issue']})" if attrs.get("issue") else ""
    pages = f":{attrs['pages']}" if attrs.get("pages") else ""
    src = f"{where}. {when}" + (f";{vol}{issue}{pages}" if vol or issue or pages else "") if where else when
    parts = [p for p in (f"{who}." if who else "", title, f"{src}." if src else "") if p]
    if attrs.get("doi"):
        parts.append(f"doi:{attrs['doi']}.")
    if attrs.get("pmid"):
        parts.append(f"PMID: {attrs['pmid']}.")
    return " ".join(parts)


def _record(pmid: str, title: str, sections: list[tuple[str, str]], attrs: dict[str, Any]):
    """A Loaded literature document (or an error record) from one article's fields."""

    key = pmid or attrs.get("doi") or hashlib.sha256(title.encode()).hexdigest()[:12]
    key = re.sub(r"[^A-Za-z0-9._-]+", "-", str(key)).strip("-.")[:100]
    body = "\n".join(f"{label}: {text}" if label else text for label, text in sections if text)
    if not body.strip():
        return Loaded(key, title, [], "", error=f"record {key}: no abstract")
    attrs = {k: v for k, v in (attrs | {"format": "pubmed", "pmid": pmid or None}).items() if v}
    attrs["reference"] = vancouver(attrs, title)
    extra: dict[str, Any] = {"kind": "literature", "attributes": attrs}
    if attrs.get("year"):
        extra["version"] = str(attrs["year"])
    if pmid:
        extra["source"] = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    elif attrs.get("doi"):
        extra["source"] = f"https://doi.org/{attrs['doi']}"
    content = json.dumps([title, sections, attrs], sort_keys=True).encode()
    return Loaded(key, title or f"PMID {pmid}", [Page(1, body, title)], sha256_bytes(content), extra)


# --- PubMed XML ------------------------------------------------------------------------------

def load_pubmed_xml(root: Element) -> list:

    articles = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
    if not articles:
        raise LoadError("PubMed XML without PubmedArticle records")
    return [_article(a) for a in articles]


def _article(el: Element):
    cit = el.find("MedlineCitation")
    art = cit.find("Article") if cit is not None else None
    pmid = _text(cit.find("PMID")) if cit is not None else ""
    if art is None:

        return Loaded(pmid or "unknown", "", [], "", error=f"PMID {pmid or '?'}: no Article element")
    title = _text(art.find("ArticleTitle"))
    sections = [(a.get("Label") or "", _text(a)) for a in art.findall("Abstract/AbstractText")]
    journal = art.find("Journal")
    year = _text(journal.find("JournalIssue/PubDate/Year")) if journal is not None else ""
    if not year and journal is not None:
        year = (re.findall(r"\d{4}", _text(journal.find("JournalIssue/PubDate/MedlineDate"))) or [""])[0]
    authors = []
    for a in art.findall("AuthorList/Author"):
        last, initials = _text(a.find("LastName")), _text(a.find("Initials"))
        name = f"{last} {initials}".strip() or _text(a.find("CollectiveName"))
        if name:
            authors.append(name)
    doi = ""
    for aid in el.findall("PubmedData/ArticleIdList/ArticleId") + art.findall("ELocationID"):
        if (aid.get("IdType") or aid.get("EIdType")) == "doi" and _text(aid):
            doi = _text(aid)
            break
    attrs = {"doi": doi, "year": year, "authors": authors,
             "journal": _text(journal.find("Title")) if journal is not None else "",
             "journal_abbrev": _text(journal.find("ISOAbbreviation")) if journal is not None else "",
             "volume": _text(journal.find("JournalIssue/Volume")) if journal is not None else "",
             "issue": _text(journal.find("JournalIssue/Issue")) if journal is not None else "",
             "pages": _text(art.find("Pagination/MedlinePgn"))}
    return _record(pmid, title, sections, attrs)


# --- RIS and NBIB (MEDLINE text) -------------------------------------------------------------

_LABEL = re.compile(r"(?:^|\s)([A-Z][A-Z /&]{2,40}):\s")


def _sections(abstract: str) -> list[tuple[str, str]]:
    """A structured abstract's sections from its text ("BACKGROUND: ... METHODS: ...")."""
    cuts = list(_LABEL.finditer(abstract))
    if not cuts or cuts[0].start() > 0:
        head = abstract[:cuts[0].start()] if cuts else abstract
        out = [("", " ".join(head.split()))] if head.strip() else []
    else:
        out = []
    for i, m in enumerate(cuts):
        end = cuts[i + 1].start() if i + 1 < len(cuts) else len(abstract)
        out.append((m.group(1).strip(), " ".join(abstract[m.end():end].split())))
    return out


def load_ris(text: str) -> list:
    import rispy


    try:
        entries = rispy.loads(text)
    except Exception as exc:  # noqa: BLE001 - rispy raises plain exceptions on malformed input
        raise LoadError(f"malformed RIS: {exc}") from None
    if not entries:
        raise LoadError("RIS file without records (TY ... ER)")
    out = []
    for e in entries:
        an = str(e.get("accession_number") or "")
        pmid = an if an.isdigit() else ""
        title = str(e.get("title") or e.get("primary_title") or "")
        attrs = {"doi": e.get("doi") or "", "year": str(e.get("year") or e.get("publication_year") or "")[:4],
                 "authors": [_initials(a) for a in e.get("authors") or e.get("first_authors") or []],
                 "journal": e.get("secondary_title") or e.get("journal_name") or "",
                 "journal_abbrev": e.get("alternate_title3") or e.get("alternate_title1") or "",
                 "volume": e.get("volume") or "", "issue": e.get("number") or "",
                 "pages": "-".join(x for x in (e.get("start_page"), e.get("end_page")) if x)}
        out.append(_record(pmid, title, _sections(str(e.get("abstract") or "")), attrs))
    return out


def _initials(name: str) -> str:
    """"Smith, John A" -> "Smith JA" (the NLM author form)."""
    if "," not in name:
        return name.strip()
    last, first = name.split(",", 1)
    return f"{last.strip()} {''.join(w[0] for w in first.replace('.', ' ').split() if w[0].isalpha())}".strip()


def load_nbib(text: str) -> list:
    """MEDLINE/NBIB: "TAG - value" lines, continuation lines indented, records separated by blank lines."""

    records: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = re.match(r"^([A-Z]{2,4})\s*-\s(.*)$", line)
        if m:
            if m.group(1) == "PMID" and cur:
                records.append(cur)
                cur = []
            cur.append((m.group(1), m.group(2).strip()))
        elif line.startswith("      ") and cur:
            tag_, value = cur[-1]
            cur[-1] = (tag_, f"{value} {line.strip()}")
        elif not line.strip() and cur:
            records.append(cur)
            cur = []
    if cur:
        records.append(cur)
    if not records or not any(t in {"PMID", "TI"} for r in records for t, _ in r):
        raise LoadError("NBIB/MEDLINE file without records (PMID- ... lines)")
    out = []
    for rec in records:
        fields: dict[str, list[str]] = {}
        for t, v in rec:
            fields.setdefault(t, []).append(v)
        one = {t: v[0] for t, v in fields.items()}
        doi = next((re.sub(r"\s*\[doi\]$", "", v) for v in fields.get("LID", []) + fields.get("AID", [])
                    if v.endswith("[doi]")), "")
        attrs = {"doi": doi, "year": (re.findall(r"\d{4}", one.get("DP", "")) or [""])[0],
                 "authors": fields.get("AU", []), "journal": one.get("JT", ""), "journal_abbrev": one.get("TA", ""),
                 "volume": one.get("VI", ""), "issue": one.get("IP", ""), "pages": one.get("PG", "")}
        out.append(_record(one.get("PMID", ""), one.get("TI", ""), _sections(one.get("AB", "")), attrs))
    return out
