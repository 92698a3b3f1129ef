"""The audit log and reviewers' verdicts: GET /v1/audit (+ /verify, /{trace_id}), POST/GET /v1/reviews."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.contract import Requester
from assistant.server.guards import REVIEWERS, require

router = APIRouter(tags=["audit"])


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trace_id: str = Field(min_length=1, max_length=64)
    citation: int = Field(ge=1, le=1000, description="the [n] of the citation reviewed")
    verdict: Literal["correct", "wrong"]
    comment: str = Field(default="", max_length=4000)


@router.get("/v1/audit")
def audit(request: Request, since: float | None = Query(None, description="epoch seconds"),
          until: float | None = None, user: str | None = Query(None, max_length=200),
          status: Literal["answered", "insufficient_evidence", "refused"] | None = None,
          limit: int = Query(200, ge=1, le=10000), offset: int = Query(0, ge=0, le=10**9),
          format: Literal["json", "csv", "jsonl"] = "json", who: Requester = Depends(require(*REVIEWERS))):
    db = request.app.state.db
    rows = db.audit(since, until, user, status, limit, offset)
    if format == "json":
        return {"records": rows, "count": len(rows)}
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return Response(db.export_audit(format, rows), media_type=media)


@router.get("/v1/audit/verify")
def audit_verify(request: Request, who: Requester = Depends(require(*REVIEWERS))) -> dict:
    return request.app.state.db.verify_audit()


@router.get("/v1/audit/{trace_id}")
def audit_record(trace_id: str, request: Request, who: Requester = Depends(require(*REVIEWERS))) -> dict:
    db = request.app.state.db
    rec = db.audit_record(trace_id)
    if rec is None:
        raise HTTPException(404, f"no audited answer {trace_id!r}")
    return rec | {"reviews": db.reviews(trace_id)}


@router.post("/v1/reviews", status_code=201)
def add_review(req: ReviewRequest, request: Request, who: Requester = Depends(require(*REVIEWERS))) -> dict:
    db = request.app.state.db
    rec = db.audit_record(req.trace_id)
    if rec is None:
        raise HTTPException(404, f"no audited answer {req.trace_id!r}")
    if req.citation > len(rec["cited"]):
        raise HTTPException(422, f"the answer has {len(rec['cited'])} citation(s), not {req.citation}")
    return db.add_review(req.trace_id, req.citation, req.verdict, req.comment, who.user)


@router.get("/v1/reviews")
def list_reviews(request: Request, trace_id: str | None = Query(None, max_length=64),
                 who: Requester = Depends(require(*REVIEWERS))):
    return {"reviews": request.app.state.db.reviews(trace_id)}
