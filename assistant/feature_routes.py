"""Routes of features built on answering: response letters (POST /v1/letters) and safety reports
(GET /v1/safety-reports)."""
from __future__ import annotations

from typing import Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api_support import Principal, record, require


class LetterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=2000)
    requester: str | None = Field(default=None, max_length=200, description="name for the salutation")
    product: str | None = Field(default=None, max_length=100)
    format: Literal["md", "docx", "pdf"] = "md"


def make_letter(assistant, question: str, requester: str | None, product: str | None):
    """(answer, letter) for a question; the letter's evidence is the answer's verified claims."""
    from assistant.letters import build

    answer = assistant.ask(question, product=product)
    docs = {d["doc_id"]: d.get("effective") for d in assistant.store.catalog.documents()}
    return answer, build(answer, requester=requester, effective_dates=docs)


def register(app: FastAPI) -> None:
    @app.post("/v1/letters", tags=["letters"],
              responses={200: {"content": {"text/markdown": {}, "application/pdf": {},
                                           "application/vnd.openxmlformats-officedocument.wordprocessingml."
                                           "document": {}}, "description": "the letter file"}})
    def letters(req: LetterRequest, request: Request, who: Principal = Depends(require("msl", "reviewer", "admin"))):
        from assistant.letter_formats import MEDIA_TYPES, render

        answer, letter = make_letter(request.app.state.assistant, req.question, req.requester, req.product)
        record(request, answer, who, "letter")
        return Response(render(letter, req.format), media_type=MEDIA_TYPES[req.format],
                        headers={"Content-Disposition": f'attachment; filename="{letter.reference}.{req.format}"',
                                 "X-Medinfo-Trace-Id": answer.trace_id, "X-Medinfo-Status": answer.status})

    @app.get("/v1/safety-reports", tags=["safety"])
    def safety_reports(since: float | None = Query(None, description="epoch seconds"),
                       kind: Literal["adverse_event", "product_complaint"] | None = None,
                       who: Principal = Depends(require("reviewer", "admin"))) -> dict:
        rows = request_db(app).safety_reports(since, kind)
        return {"reports": rows, "count": len(rows)}


def request_db(app: FastAPI):
    return app.state.db
