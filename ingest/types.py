"""Domain types of the ingestion side: a document's metadata, its pages and its chunks.

Everything downstream (the store, the assistant, eval) speaks these types.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

KINDS = ("approved", "literature")
# approved: searchable; unreviewed: ingested without an approving manifest entry, searchable only on request
# (setting include_unreviewed); draft and withdrawn: never searchable.
STATUSES = ("approved", "unreviewed", "draft", "withdrawn")
INDEXED = ("approved", "unreviewed")  # statuses whose vectors the index holds
# Where a document's id came from: the manifest, a record key inside a collection file (PMID...), or the
# file itself (its name plus the hash of its first content, kept for later versions of the same file).
ORIGINS = ("manifest", "record", "file")
AUDIENCES = ("hcp", "patient", "consumer", "any", "internal")  # internal: data on file, for MSL drafts only
# Bumped whenever loading or chunking changes how a file becomes chunks: every document then gets a new
# revision on its next ingest (unchanged texts reuse their cached embeddings).
# 20: the text after a label's table of contents (its closing note "Sections or subsections omitted ...") is under the
# heading it was under before the contents (a two-column page runs them into the text);
# 19: a Highlights heading set between rules ("-----INDICATIONS AND USAGE-----") starts its own line's sentence
# whatever the line above ends with ("Initial U.S. Approval: 1975", a change's date "12/2021");
# 18: a title-case heading wrapped after "for", "of", "with" ... ("Pediatric Dosage for" / "Metformin Tablets:") is
# one heading;
# 17: a line of capitals that is a sentence (a verb no heading has: "HAVE BEEN", "DO NOT"; or wrapped over lines
# that say one) and a table row of numbers set in capitals ("HR (95% CI)* 1.13 (0.76, 1.69)") are no headings; a
# table going on overleaf keeps its caption, and its header when its first row there ends a row begun before;
# 16: a title-case line that ends on "at", "with", "and" ... ("Store at") continues, no heading;
# 15: a line that starts with a sentence's verb ("are supplied as ...") continues the line before, no list item;
# 14: a numbered section heading wrapped across two lines ("10 OVER" / "DOSAGE") is one heading; 13: the prescribed
# first sentence of a Medication Guide, Patient Information or section 17 starts that section where its heading was
# not extracted, and a line of capitals that continues a sentence is no heading; 12: a narrow block's short lines
# are list items too; 11: each Drug Facts panel starts its own chunk, labelled "Drug Facts > Directions"; 10: a
# numbered PLR section starts its own chunk; 9: Drug Facts panels as sub-sections; 8: PDF tables as rows
PIPELINE_VERSION = "20"
DOC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class LoadError(Exception):
    """A file cannot be turned into a document; the message says why a user can act on."""


class MetadataError(ValueError):
    """A document's metadata is invalid (bad id, kind, status, date...)."""


@dataclass
class DocumentMeta:
    id: str
    title: str
    kind: str = "approved"
    product: str | None = None
    aliases: list[str] = field(default_factory=list)
    audience: str = "hcp"
    version: str = "1"
    effective: str | None = None  # ISO date
    expiry: str | None = None  # ISO date
    status: str = "unreviewed"  # approval is explicit: a manifest entry (or its defaults) says approved
    source: str | None = None
    origin: str = "manifest"
    replaces: list[str] = field(default_factory=list)  # ids this document may take over from another source
    owner: str | None = None  # who answers for the content (standard responses)
    approval_date: str | None = None  # ISO date
    review_date: str | None = None  # ISO date: due for review
    # What the file says about itself: format (pdf, spl, docx, pubmed...), SPL set id and version number,
    # labeler and NDCs; PMID, DOI, journal, authors and the formatted reference of an article.
    attributes: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> DocumentMeta:
        if not DOC_ID_RE.match(self.id or ""):
            raise MetadataError(f"invalid document id {self.id!r}: use 1-128 of [A-Za-z0-9._-]")
        if self.kind not in KINDS:
            raise MetadataError(f"{self.id}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.status not in STATUSES:
            raise MetadataError(f"{self.id}: status must be one of {STATUSES}, not {self.status!r}")
        if self.audience not in AUDIENCES:
            raise MetadataError(f"{self.id}: audience must be one of {AUDIENCES}, not {self.audience!r}")
        for name in ("effective", "expiry", "approval_date", "review_date"):
            value = getattr(self, name)
            if value is not None:
                try:
                    date.fromisoformat(str(value))
                except ValueError:
                    raise MetadataError(f"{self.id}: {name} must be an ISO date (YYYY-MM-DD), not {value!r}") from None
                setattr(self, name, str(value))
        self.version = str(self.version)
        if self.product:
            self.product = self.product.strip().lower()
        self.aliases = [str(a).strip().lower() for a in (self.aliases or []) if str(a).strip()]
        if isinstance(self.replaces, str):
            self.replaces = [self.replaces]
        self.replaces = [str(r) for r in self.replaces or []]
        if self.origin not in ORIGINS:
            raise MetadataError(f"{self.id}: origin must be one of {ORIGINS}, not {self.origin!r}")
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        """Hash of the metadata; a change with the same file updates metadata only."""
        items = sorted(self.to_dict().items())
        return hashlib.sha256(repr(items).encode()).hexdigest()[:16]


@dataclass
class Page:
    number: int  # 1-based
    text: str  # exactly as extracted; offsets of chunks and citations index into it
    heading: str = ""  # a section heading the loader knows for the whole page (MedQuAD: focus and type)


@dataclass
class Document:
    meta: DocumentMeta
    pages: list[Page]
    path: str
    sha256: str  # of the source bytes (for collection files: of this document's own content)

    @property
    def rev_id(self) -> str:
        """One revision of a document: its id plus a hash of its content and version."""
        h = hashlib.sha256(f"{self.meta.id}\x00{self.meta.version}\x00{self.sha256}\x00{PIPELINE_VERSION}".encode()
                           ).hexdigest()
        return f"{self.meta.id}@{h[:12]}"


@dataclass
class Loaded:
    """What a loader read from a file: one document's title, pages and what the file says about it."""
    key: str | None  # None for single-document files; the record id inside a collection file
    title: str
    pages: list[Page]
    sha256: str
    extra: dict[str, Any] = field(default_factory=dict)  # metadata found in the file itself
    error: str | None = None  # a record of a collection that cannot be loaded (the others still are)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Chunk:
    doc_id: str
    rev_id: str
    page: int
    start: int
    end: int
    text: str  # == page.text[start:end]
    section: str = ""
    terms: str | None = None  # its lexical terms without the product's (ingest/terms.py), set by the parser

    @property
    def id(self) -> str:
        return chunk_id(self.rev_id, self.page, self.start, self.end)



def search_text(text: str, section: str = "", product: str | None = None) -> str:
    """What is embedded and indexed: the product and section heading travel with the passage."""
    body = " ".join(text.split())
    head = " | ".join(x for x in (product, section) if x)
    return f"{head}: {body}" if head else body


def chunk_id(rev_id: str, page: int, start: int, end: int) -> str:
    h = hashlib.sha256(f"{rev_id}|{page}|{start}|{end}".encode()).hexdigest()
    return "c_" + h[:20]
