"""/v1/faq (reviewer and admin): standard responses published from audited answers."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from assistant.contract import MAX_QUESTION_CHARS, Requester
from assistant.server.guards import require

router = APIRouter(tags=["faq"])
PUBLISHERS = ("reviewer", "admin")


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trace_id: str = Field(min_length=1, max_length=64)
    owner: str = Field(min_length=1, max_length=200)
    text: str | None = Field(default=None, max_length=20_000, description="the edited answer; every sentence cites "
                             "[n] of the audited answer")
    question: str | None = Field(default=None, max_length=MAX_QUESTION_CHARS)
    variants: list[str] = Field(default_factory=list, max_length=20)
    approval_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    review_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    expiry: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    id: str | None = Field(default=None, pattern=r"^faq-[a-z0-9-]{1,60}$")


@router.get("/v1/faq")
def list_faq(request: Request, who: Requester = Depends(require(*PUBLISHERS))) -> dict:
    from assistant.faq import entries

    return {"entries": entries(request.app.state.assistant.store)}


@router.post("/v1/faq")
def publish_faq(req: PublishRequest, request: Request, who: Requester = Depends(require(*PUBLISHERS))) -> dict:
    from assistant.faq import FaqError, publish
    from ingest.store import StoreBusy

    a = request.app.state.assistant
    try:
        return publish(a.store, request.app.state.db, req.trace_id, text=req.text, question=req.question,
                           variants=req.variants, owner=req.owner, approval_date=req.approval_date,
                           review_date=req.review_date, expiry=req.expiry, faq_id=req.id, by=who.user)
    except (FaqError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
    except StoreBusy as exc:
        raise HTTPException(409, str(exc)) from None


@router.delete("/v1/faq/{faq_id}")
def withdraw_faq(faq_id: str, request: Request, who: Requester = Depends(require(*PUBLISHERS))) -> dict:
    from assistant.faq import withdraw

    ids = withdraw(request.app.state.assistant.store, faq_id[:64], f"withdrawn by {who.user}")
    if not ids:
        raise HTTPException(404, f"no standard response {faq_id[:64]!r}")
    return {"withdrawn": ids}
