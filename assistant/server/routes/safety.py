"""GET /v1/safety-reports: adverse events and product complaints filed for pharmacovigilance."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request

from assistant.contract import Requester
from assistant.server.guards import REVIEWERS, require

router = APIRouter(tags=["safety"])


@router.get("/v1/safety-reports")
def safety_reports(request: Request, since: float | None = Query(None, description="epoch seconds"),
                   kind: Literal["adverse_event", "product_complaint"] | None = None,
                   who: Requester = Depends(require(*REVIEWERS))) -> dict:
    rows = request.app.state.db.safety_reports(since, kind)
    request.app.state.db.record_export([r["report_id"] for r in rows], who.user)
    return {"reports": rows, "count": len(rows)}
