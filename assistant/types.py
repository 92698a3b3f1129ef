"""The answer contract (see DESIGN.md): every surface (CLI --json, HTTP, Python) returns an Answer."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["answered", "insufficient_evidence", "refused"]


class Citation(BaseModel):
    n: int = Field(description="the [n] marker in the answer text")
    chunk_id: str = Field(description="stored passage; resolvable with `medinfo source` or GET /v1/sources/{id}")
    document_id: str
    title: str
    version: str
    source_type: Literal["approved", "literature"]
    page: int = Field(description="1-based page of the document")
    start: int = Field(description="start character offset into the page text")
    end: int = Field(description="end character offset into the page text")
    quote: str = Field(description="exactly page_text[start:end]")
    section: str = Field(default="", description="label section the passage sits in, when known")


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
