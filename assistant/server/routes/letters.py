"""POST /v1/letters: a response letter (md, docx or pdf) drafted from the verified answer."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.contract import MAX_PRODUCT_CHARS, MAX_QUESTION_CHARS, Requester
from assistant.server.guards import LETTER_WRITERS, require

router = APIRouter(tags=["letters"])


class LetterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    requester: str | None = Field(default=None, max_length=200, description="name for the salutation")
    product: str | None = Field(default=None, max_length=MAX_PRODUCT_CHARS)
    format: Literal["md", "docx", "pdf"] = "md"
    requester_type: Literal["hcp", "consumer", "internal"] | None = None
    profession: Literal["physician", "pharmacist", "nurse"] | None = None
    conversation_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


@router.post("/v1/letters", responses={200: {"content": {"text/markdown": {}, "application/pdf": {},
                                                         "application/vnd.openxmlformats-officedocument."
                                                         "wordprocessingml.document": {}},
                                             "description": "the letter file"}})
def letters(req: LetterRequest, request: Request, who: Requester = Depends(require(*LETTER_WRITERS))):
    from assistant.letters import draft_letter
    from assistant.letters.formats import MEDIA_TYPES, render

    answer, letter = draft_letter(request.app.state.assistant, req.question, req.requester, req.product, who,
                                  req.requester_type, req.profession, req.conversation_id)
    request.app.state.metrics.count(answer)
    return Response(render(letter, req.format), media_type=MEDIA_TYPES[req.format],
                    headers={"Content-Disposition": f'attachment; filename="{letter.reference}.{req.format}"',
                             "X-Medinfo-Trace-Id": answer.trace_id, "X-Medinfo-Status": answer.status})
