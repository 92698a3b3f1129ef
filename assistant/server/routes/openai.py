"""POST /v1/chat/completions: OpenAI-compatible, so chat clients and the openai SDK work against medinfo.

The last user message is the question; the user messages before it are the conversation so far, so a
follow-up ("and in the elderly?") is answered as the standalone question it stands for (shown as "Answering: ...").
Each answer still stands on its own evidence. `requester_type` / `profession` may come as extra body fields.
The reply's content is the answer followed by its numbered references; the full answer
contract (citations with quotes and offsets, claims, flags, trace id) is in the extra field
`medinfo` of the completion (and of the last chunk when streaming).
"""
from __future__ import annotations

import json
import time
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.contract import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, Requester
from assistant.server.guards import require

router = APIRouter(tags=["openai-compatible"])
MODEL = "medinfo"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(default=MODEL, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


def _text(m: ChatMessage) -> str:
    if isinstance(m.content, str):
        return m.content
    return " ".join(str(p.get("text", "")) for p in m.content or [] if isinstance(p, dict)
                    and p.get("type", "text") == "text")


def _question(req: ChatRequest) -> tuple[str, list[str]]:
    """The last user message (the question) and the user messages before it (the conversation so far)."""
    users = [t for t in (_text(m) for m in req.messages if m.role == "user") if t.strip()]
    if not users:
        raise HTTPException(422, "no user message with text to answer")
    for text in users:
        if len(text) > MAX_QUESTION_CHARS:
            raise HTTPException(422, f"the question is longer than {MAX_QUESTION_CHARS} characters")
    return users[-1], users[:-1][-MAX_HISTORY_TURNS:]


def render_content(answer) -> str:
    text = answer.answer
    if answer.resolved_question:
        text = f"Answering: {answer.resolved_question}\n\n{text}"
    if answer.explanation:
        text += f"\n\n{answer.explanation}"
    for n in answer.notices:
        text += f"\n\nNote: {n}"
    if answer.citations:
        text += "\n\nReferences:\n" + "\n".join(
            f"[{c.n}] {c.reference or c.title + ', version ' + c.version}, {c.where()}" for c in answer.citations)
    return text


@router.post("/v1/chat/completions")
def chat_completions(req: ChatRequest, request: Request, who: Requester = Depends(require())):
    question, history = _question(req)
    extra = req.model_extra or {}
    answer = request.app.state.assistant.ask(question, requester=who, channel="chat-completions", history=history,
                                             requester_type=extra.get("requester_type"),
                                             profession=extra.get("profession"))
    request.app.state.metrics.count(answer)
    created = int(time.time())
    cid = f"chatcmpl-{answer.trace_id}"
    content = render_content(answer)
    contract = answer.model_dump()
    if not req.stream:
        return {"id": cid, "object": "chat.completion", "created": created, "model": MODEL,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": len(question.split()), "completion_tokens": len(content.split()),
                          "total_tokens": len(question.split()) + len(content.split())},
                "medinfo": contract}

    def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
        return f"data: {json.dumps(body | (extra or {}), default=str)}\n\n"

    def stream():
        yield chunk({"role": "assistant", "content": ""})
        for line in content.split("\n"):
            yield chunk({"content": line + "\n"})
        yield chunk({}, "stop", {"medinfo": contract})
        yield "data: [DONE]\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")
