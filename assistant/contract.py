"""The contract every surface shares (CLI --json, HTTP, Python): the answer types, the requester, the
roles, the statuses and the limits. Nothing here imports the rest of medinfo.

See DESIGN.md: every field is public; fields are added, never renamed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["answered", "insufficient_evidence", "refused"]
STATUSES = ("answered", "insufficient_evidence", "refused")
SourceType = Literal["approved", "literature"]
SOURCE_TYPES = ("approved", "literature")
Audience = Literal["hcp", "patient", "consumer"]
ROLES = ("physician", "msl", "reviewer", "admin", "consumer")
# Who the answer is for: a healthcare professional (the prescribing information), a consumer (patient labelling
# first, plain-language notices, no off-label content) or internal (an MSL's draft: data on file may be cited).
REQUESTER_TYPES = ("hcp", "consumer", "internal")
PROFESSIONS = ("physician", "pharmacist", "nurse")
# The requester type a key's role answers as by default, and the types it may ask for in a request.
ROLE_REQUESTER = {"physician": ("hcp", "physician"), "msl": ("internal", None), "reviewer": ("hcp", None),
                  "admin": ("hcp", None), "consumer": ("consumer", None)}
ROLE_MAY_ASK_AS = {"physician": ("hcp", "consumer"), "consumer": ("consumer",), "msl": REQUESTER_TYPES,
                   "reviewer": REQUESTER_TYPES, "admin": REQUESTER_TYPES}
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_HISTORY_TURNS = 20

# Limits, in one place (the API, the CLI and the OpenAI-compatible route enforce the same).
MAX_QUESTION_CHARS = 2000
MAX_PRODUCT_CHARS = 100
DEFAULT_TOP_K = 6
MAX_TOP_K = 50
MAX_BODY_BYTES = 64 * 1024

NO_EVIDENCE = "The available content does not answer this question."


class InvalidQuestion(ValueError):
    """The request cannot be answered as asked (empty, too long, unknown filter)."""


@dataclass(frozen=True)
class Requester:
    """Who asked, as the audit log records it: a user (key name, CLI user...) and a role."""
    user: str
    role: str


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_question(question: str, top_k: int | None = None, source_type: str | None = None) -> str:
    """The question as it will be answered (control characters and runs of spaces removed), or
    InvalidQuestion with the reason."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidQuestion("the question is empty")
    # Control characters and lone surrogates carry no meaning and break XML (letters) and logs; look-alike
    # characters (full-width letters, ligatures) become their plain forms (NFKC), as the index spells them.
    question = " ".join(unicodedata.normalize("NFKC", _CONTROL.sub(" ", question)).split())
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    if not re.search(r"[A-Za-z\u00C0-\uFFFF]{2,}", question):
        raise InvalidQuestion("the question has no words")
    if top_k is not None and not 1 <= top_k <= MAX_TOP_K:
        raise InvalidQuestion(f"top_k must be between 1 and {MAX_TOP_K}")
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise InvalidQuestion("source_type must be 'approved' or 'literature'")
    return question


def requester_context(role: str, requester_type: str | None = None, profession: str | None = None
                      ) -> tuple[str, str | None]:
    """(requester type, profession) of a request: the role's default, or what the request asks for when the role
    may (a physician's key may ask as a consumer, not as internal; local users of the CLI and Python may ask as any).
    InvalidQuestion with the reason otherwise."""
    default, default_prof = ROLE_REQUESTER.get(role, ("hcp", None))
    if requester_type is None:
        rtype = default
    elif requester_type not in REQUESTER_TYPES:
        raise InvalidQuestion(f"requester_type must be one of {', '.join(REQUESTER_TYPES)}")
    elif role in ROLE_MAY_ASK_AS and requester_type not in ROLE_MAY_ASK_AS[role]:
        raise InvalidQuestion(f"the role {role!r} may not ask as {requester_type!r}; allowed: "
                              f"{', '.join(ROLE_MAY_ASK_AS[role])}")
    else:
        rtype = requester_type
    if profession is not None and profession not in PROFESSIONS:
        raise InvalidQuestion(f"profession must be one of {', '.join(PROFESSIONS)}")
    if profession and rtype != "hcp":
        raise InvalidQuestion("a profession is given only for requester_type 'hcp'")
    return rtype, profession or (default_prof if rtype == "hcp" else None)


class Citation(BaseModel):
    n: int = Field(description="the [n] marker in the answer text")
    chunk_id: str = Field(description="stored passage; resolvable with `medinfo source` or GET /v1/sources/{id}")
    document_id: str
    title: str
    version: str
    source_type: SourceType
    page: int = Field(description="1-based page of the document")
    start: int = Field(description="start character offset into the page text")
    end: int = Field(description="end character offset into the page text")
    quote: str = Field(description="exactly page_text[start:end]")
    section: str = Field(default="", description="label section the passage sits in, when known")
    document_status: str = Field(default="approved", description="approved, or unreviewed (ingested without an "
                                 "approving manifest entry; cited only when include_unreviewed is set)")
    product: str | None = Field(default=None, description="approved labelling: the product it labels (approved "
                                "content about no product, and literature: none)")
    section_path: str = Field(default="", description="sources without pages (SPL labels, Word documents): the "
                              "cited section's path; page is then 0 and start/end index into the section's text")
    section_position: int | None = Field(default=None, description="sources without pages: 1-based position of "
                                         "the cited section in the document")
    reference: str | None = Field(default=None, description="literature: the reference in the NLM/Vancouver style, "
                                  "with its DOI and PMID")
    pmid: str | None = None
    doi: str | None = None
    underlying: list[dict[str, Any]] = Field(default_factory=list, description="a published standard response: "
                                             "the sources it rests on (document, version, page, verbatim quote)")

    def where(self) -> str:
        """Where the quote is, as a reader looks for it: "page 4", or "section 13: 2 DOSAGE ... > 2.6 ..."."""
        if not self.page and self.section_position:
            return f"section {self.section_position}" + (f": {self.section_path}" if self.section_path else "")
        return f"page {self.page}" + (f", {self.section}" if self.section else "")


class Claim(BaseModel):
    text: str
    citations: list[int]
    supported: bool
    support: float = Field(ge=0.0, le=1.0)
    reason: str | None = Field(default=None, description="why a claim was not supported")


class Flags(BaseModel):
    adverse_event: bool = False
    off_label: bool = False
    product_complaint: bool = False
    personal_data_redacted: bool = False
    details: dict[str, Any] = Field(default_factory=dict)


class ClosestDocument(BaseModel):
    document_id: str
    title: str
    page: int
    score: float


class RetrievedPassage(BaseModel):
    chunk_id: str
    document_id: str
    page: int
    score: float


class Part(BaseModel):
    """One question of a message that asked several, answered or refused on its own."""
    question: str
    status: Status
    citations: list[int] = Field(default_factory=list, description="the answer's citation numbers for this part")
    explanation: str | None = None


class Answer(BaseModel):
    question: str
    status: Status
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    flags: Flags = Field(default_factory=Flags)
    trace_id: str
    generator: str
    corpus_version: str
    # Additions to the contract (never renamed, only added):
    explanation: str | None = Field(default=None, description="why the evidence was insufficient or refused")
    notices: list[str] = Field(default_factory=list, description="e.g. sources that differ, off-label notice")
    closest_documents: list[ClosestDocument] = Field(default_factory=list)
    removed_claims: list[Claim] = Field(default_factory=list, description="claims the verifier rejected")
    retrieved: list[RetrievedPassage] = Field(default_factory=list, description="passages retrieved, best first")
    prompt_version: str | None = None
    latency_ms: float | None = None
    answerability: float | None = Field(default=None, description="the fitted model's probability that the "
                                        "evidence answers the question (when the fitted model decided)")
    parts: list[Part] = Field(default_factory=list, description="when the message asked several questions: each "
                              "one, answered or refused on its own, in the order asked (empty for one question)")
    resolved_question: str | None = Field(default=None, description="a follow-up in a conversation: the standalone "
                                          "question answered, resolved from earlier turns (shown as 'Answering: ...')")
    conversation_id: str | None = None
    requester_type: str | None = Field(default=None, description="hcp, consumer or internal: who the answer is for")
    profession: str | None = Field(default=None, description="hcp only: physician, pharmacist or nurse")
    language: str | None = Field(default=None, description="the question's language when it is not English (ja, zh, "
                                 "zh-Hant, ko, es, fr, de, pt, it, other): searched across languages; quotes stay "
                                 "verbatim in English")
