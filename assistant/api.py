"""The HTTP API and web pages (FastAPI, served by uvicorn: `medinfo serve`).

Routes: POST /v1/ask, POST /v1/ask/stream (SSE), POST /v1/chat/completions (OpenAI-compatible),
GET /v1/sources/{chunk_id}, GET /v1/documents, GET /v1/audit, GET /v1/audit/{trace_id},
POST/GET /v1/reviews, GET /healthz, GET /metrics, and the pages / (chat) and /review (reviewers).
"""
from __future__ import annotations

import json
import os
import queue
import threading
import time
from pathlib import Path
from typing import Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Assistant, InvalidQuestion
from assistant.llm import GeneratorUnavailable
from assistant.api_support import BodyLimit, Metrics, Principal, record, require
from assistant.openai_compat import router as openai_router
from assistant.service_db import ServiceDB
from assistant.types import Answer

WEB = Path(__file__).parent / "web"
ANY = require()
REVIEWERS = require("reviewer", "admin")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=2000, description="the question, in plain language")
    product: str | None = Field(default=None, max_length=100, description="restrict to one product")
    top_k: int | None = Field(default=None, ge=1, le=50)
    audience: Literal["hcp", "patient", "consumer"] | None = None
    source_type: Literal["approved", "literature"] | None = None


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trace_id: str = Field(min_length=1, max_length=64)
    citation: int = Field(ge=1, le=1000, description="the [n] of the citation reviewed")
    verdict: Literal["correct", "wrong"]
    comment: str = Field(default="", max_length=4000)


def create_app(data_dir: str | Path | None = None, no_auth: bool = False, assistant: Assistant | None = None
               ) -> FastAPI:
    from assistant.config import build_assistant

    assistant = assistant or build_assistant(data_dir)
    # FastAPI's OpenTelemetry instrumentation stays off: nothing leaves the machine, exporters or not.
    # Swagger UI and ReDoc load their scripts from a CDN; /docs is our own offline page over /openapi.json.
    app = FastAPI(title="medinfo", version="0.1.0", docs_url=None, redoc_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                             "auto_configure": False},
                  description="Medical-information answers with traceable evidence. Every answer follows the "
                              "answer contract: each sentence carries [n] citations resolving to a stored passage.")
    app.state.assistant = assistant
    app.state.db = ServiceDB(assistant.store.data_dir)
    app.state.no_auth = no_auth
    app.state.metrics = Metrics()
    app.add_middleware(BodyLimit)

    @app.on_event("startup")
    def _warm() -> None:
        assistant.warm_up()

    @app.middleware("http")
    async def _count(request: Request, call_next):
        t0 = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        app.state.metrics.requests.labels(path, str(response.status_code)).inc()
        app.state.metrics.latency.labels(path).observe(time.perf_counter() - t0)
        response.headers["X-Medinfo-Worker"] = str(os.getpid())
        return response

    @app.exception_handler(GeneratorUnavailable)
    async def _unavailable(request: Request, exc: GeneratorUnavailable):
        return JSONResponse({"detail": f"the answer generator is unavailable: {exc}"}, status_code=503)

    @app.exception_handler(RequestValidationError)
    async def _unprocessable(request: Request, exc: RequestValidationError):
        # FastAPI's own handler echoes the input, which may hold lone surrogates that cannot be encoded.
        errors = [{k: (v if k != "input" else repr(v)[:200]) for k, v in e.items() if k != "ctx"} for e in exc.errors()]
        body = json.dumps({"detail": errors}, ensure_ascii=True, default=str)
        return Response(body, status_code=422, media_type="application/json")

    @app.exception_handler(InvalidQuestion)
    async def _invalid(request: Request, exc: InvalidQuestion):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.post("/v1/ask", response_model=Answer, tags=["answers"])
    def ask(req: AskRequest, request: Request, who: Principal = Depends(ANY)) -> Answer:
        answer = _ask(app, req)
        record(request, answer, who, "api")
        return answer

    @app.post("/v1/ask/stream", tags=["answers"],
              responses={200: {"content": {"text/event-stream": {}},
                               "description": "events: retrieval, delta (answer text), answer (the contract)"}})
    def ask_stream(req: AskRequest, request: Request, who: Principal = Depends(ANY)):
        _ask_validate(req)
        events: queue.Queue = queue.Queue()

        def work():
            try:
                answer = _ask(app, req, on_retrieval=lambda r: events.put(("retrieval", r)))
                record(request, answer, who, "api-stream")
                events.put(("answer", answer))
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

    @app.get("/v1/sources/{chunk_id}", tags=["sources"])
    def source(chunk_id: str, who: Principal = Depends(ANY)) -> dict:
        if len(chunk_id) > 64:
            raise HTTPException(422, "chunk id too long")
        found = assistant.source(chunk_id)
        if found is None:
            raise HTTPException(404, f"no passage {chunk_id!r} in the store")
        return found

    @app.get("/v1/documents", tags=["sources"])
    def documents(who: Principal = Depends(ANY)) -> dict:
        cat = assistant.store.catalog
        return {"documents": cat.documents(), "store": cat.stats()}

    @app.get("/v1/audit", tags=["audit"])
    def audit(since: float | None = Query(None, description="epoch seconds"), until: float | None = None,
              user: str | None = Query(None, max_length=200),
              status: Literal["answered", "insufficient_evidence", "refused"] | None = None,
              limit: int = Query(200, ge=1, le=10000), offset: int = Query(0, ge=0, le=10**9),
              format: Literal["json", "csv", "jsonl"] = "json", who: Principal = Depends(REVIEWERS)):
        rows = app.state.db.audit(since, until, user, status, limit, offset)
        if format == "json":
            return {"records": rows, "count": len(rows)}
        media = "text/csv" if format == "csv" else "application/x-ndjson"
        return Response(app.state.db.export_audit(format, rows), media_type=media)

    @app.get("/v1/audit/verify", tags=["audit"])
    def audit_verify(who: Principal = Depends(REVIEWERS)) -> dict:
        return app.state.db.verify_audit()

    @app.get("/v1/audit/{trace_id}", tags=["audit"])
    def audit_record(trace_id: str, who: Principal = Depends(REVIEWERS)) -> dict:
        rec = app.state.db.audit_record(trace_id)
        if rec is None:
            raise HTTPException(404, f"no audited answer {trace_id!r}")
        return rec | {"reviews": app.state.db.reviews(trace_id)}

    @app.post("/v1/reviews", tags=["audit"], status_code=201)
    def add_review(req: ReviewRequest, who: Principal = Depends(REVIEWERS)) -> dict:
        rec = app.state.db.audit_record(req.trace_id)
        if rec is None:
            raise HTTPException(404, f"no audited answer {req.trace_id!r}")
        if req.citation > len(rec["cited"]):
            raise HTTPException(422, f"the answer has {len(rec['cited'])} citation(s), not {req.citation}")
        return app.state.db.add_review(req.trace_id, req.citation, req.verdict, req.comment, who.user)

    @app.get("/v1/reviews", tags=["audit"])
    def list_reviews(trace_id: str | None = Query(None, max_length=64), who: Principal = Depends(REVIEWERS)):
        return {"reviews": app.state.db.reviews(trace_id)}

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict:
        stats = assistant.store.catalog.stats()
        return {"status": "ok", "searchable_chunks": stats["searchable_chunks"], "worker_pid": os.getpid(),
                "corpus_version": stats["corpus_version"], "generator": assistant.generator.name,
                "auth": "off (local)" if no_auth else "api keys"}

    @app.get("/metrics", tags=["service"], response_class=PlainTextResponse)
    def metrics() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        app.state.metrics.chunks.set(assistant.store.catalog.stats()["searchable_chunks"])
        return Response(generate_latest(app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", include_in_schema=False)
    def chat_page():
        return FileResponse(WEB / "index.html")

    @app.get("/docs", include_in_schema=False)
    def api_docs():
        return FileResponse(WEB / "api.html")

    @app.get("/review", include_in_schema=False)
    def review_page():
        return FileResponse(WEB / "review.html")

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    app.include_router(openai_router)
    for extend in _route_extensions():
        extend(app)
    return app


def _route_extensions():
    """Routes that live with their feature (letters, safety reports)."""
    from assistant import feature_routes

    yield feature_routes.register


def _ask_validate(req: AskRequest) -> None:
    from assistant.answer import _validate

    _validate(req.question, req.top_k, req.source_type)


def _ask(app: FastAPI, req: AskRequest, on_retrieval=None) -> Answer:
    return app.state.assistant.ask(req.question, product=req.product, top_k=req.top_k, audience=req.audience,
                                   source_type=req.source_type, on_retrieval=on_retrieval)


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory assistant.api:app_from_env` (several workers)."""
    return create_app(os.environ.get("MEDINFO_DATA_DIR"), no_auth=os.environ.get("MEDINFO_NO_AUTH") == "1")
