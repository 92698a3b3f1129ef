"""POST /v1/ask (the answer contract) and POST /v1/ask/stream (server-sent events)."""
from __future__ import annotations

import json
import queue
import threading
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.contract import MAX_PRODUCT_CHARS, MAX_QUESTION_CHARS, MAX_TOP_K, Answer, Requester, clean_question
from assistant.server.guards import require

router = APIRouter(tags=["answers"])


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="the question, in plain language")
    product: str | None = Field(default=None, max_length=MAX_PRODUCT_CHARS, description="restrict to one product")
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K)
    audience: Literal["hcp", "patient", "consumer"] | None = None
    source_type: Literal["approved", "literature"] | None = None


def answer(request: Request, req: AskRequest, who: Requester, channel: str, on_retrieval=None) -> Answer:
    """Ask the app's assistant (which audits the answer) and count it."""
    result = request.app.state.assistant.ask(req.question, requester=who, channel=channel, product=req.product,
                                             top_k=req.top_k, audience=req.audience, source_type=req.source_type,
                                             on_retrieval=on_retrieval)
    request.app.state.metrics.count(result)
    return result


@router.post("/v1/ask", response_model=Answer)
def ask(req: AskRequest, request: Request, who: Requester = Depends(require())) -> Answer:
    return answer(request, req, who, "api")


@router.post("/v1/ask/stream", responses={200: {"content": {"text/event-stream": {}},
                                                "description": "events: retrieval, delta (answer text), answer "
                                                               "(the contract)"}})
def ask_stream(req: AskRequest, request: Request, who: Requester = Depends(require())):
    clean_question(req.question, req.top_k, req.source_type)  # a bad question is a 422, before the stream opens
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


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"
