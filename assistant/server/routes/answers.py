"""POST /v1/ask (the answer contract), POST /v1/ask/stream (server-sent events), GET /v1/conversations/{id}."""
from __future__ import annotations

import json
import queue
import threading
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.contract import (
    MAX_PRODUCT_CHARS,
    MAX_QUESTION_CHARS,
    MAX_TOP_K,
    Answer,
    InvalidQuestion,
    Requester,
    clean_question,
    requester_context,
)
from assistant.server.guards import require

router = APIRouter(tags=["answers"])


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="the question, in plain language")
    product: str | None = Field(default=None, max_length=MAX_PRODUCT_CHARS, description="restrict to one product")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K)
    audience: Literal["hcp", "patient", "consumer"] | None = None
    source_type: Literal["approved", "literature"] | None = None
    conversation_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$", description="a thread: "
                                        "earlier questions with this id resolve a follow-up; a new id starts one")
    requester_type: Literal["hcp", "consumer", "internal"] | None = Field(
        default=None, description="who the answer is for (default: from the key's role)")
    profession: Literal["physician", "pharmacist", "nurse"] | None = None


def answer(request: Request, req: AskRequest, who: Requester, channel: str, on_retrieval=None) -> Answer:
    """Ask the app's assistant (which audits the answer) and count it."""
    result = request.app.state.assistant.ask(req.question, requester=who, channel=channel, product=req.product,
                                             top_k=req.top_k, audience=req.audience, source_type=req.source_type,
                                             on_retrieval=on_retrieval, conversation_id=req.conversation_id,
                                             requester_type=req.requester_type, profession=req.profession)
    request.app.state.metrics.count(result)
    return result


@router.post("/v1/ask", response_model=Answer)
def ask(req: AskRequest, request: Request, who: Requester = Depends(require())) -> Answer:
    return answer(request, req, who, "api")


@router.post("/v1/ask/stream", responses={200: {"content": {"text/event-stream": {}},
                                                "description": "events: retrieval, delta (answer text), answer "
                                                               "(the contract)"}})
def ask_stream(req: AskRequest, request: Request, who: Requester = Depends(require())):
    # A bad question (or requester type, or another user's conversation) is a 422 before the stream opens.
    clean_question(req.question, req.top_k, req.source_type)
    requester_context(who.role, req.requester_type, req.profession)
    if req.conversation_id and request.app.state.assistant.records.history(req.conversation_id, who.user) is None:
        raise InvalidQuestion(f"no conversation {req.conversation_id!r} for this user")
    events: queue.Queue = queue.Queue()

    def work():
        try:
            result = answer(request, req, who, "api-stream", on_retrieval=lambda r: events.put(("retrieval", r)))
            events.put(("answer", result))
        except Exception as exc:  # noqa: BLE001 - reported to the client as an event
            events.put(("error", {"detail": str(exc)}))

    threading.Thread(target=work, daemon=True).start()

    def stream():
        while True:
            kind, payload = events.get()
            if kind == "retrieval":
                yield _sse("retrieval", {"retrieved": [r.model_dump() for r in payload]})
            elif kind == "answer":
                for line in payload.answer.split("\n"):
                    yield _sse("delta", {"text": line + "\n"})
                yield _sse("answer", payload.model_dump())
                return
            else:
                yield _sse("error", payload)
                return

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/v1/conversations/{conversation_id}")
def conversation(conversation_id: str, request: Request, who: Requester = Depends(require())) -> dict:
    """The turns of one of the caller's conversations: each question as asked and as answered."""
    turns = request.app.state.assistant.records.conversation(conversation_id[:64], who.user)
    if not turns:
        raise HTTPException(404, f"no conversation {conversation_id[:64]!r} for this user")
    return {"conversation_id": conversation_id, "turns": turns}


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"
