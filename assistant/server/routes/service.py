"""Health, Prometheus metrics, and the web pages: / (chat), /review (reviewers), /insights, /docs (offline API docs)."""
from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

WEB = Path(__file__).resolve().parents[1] / "web"
router = APIRouter()


@router.get("/healthz", tags=["service"])
def healthz(request: Request) -> dict:
    state = request.app.state
    stats = state.assistant.store.catalog.stats()
    return {"status": "ok", "searchable_chunks": stats["searchable_chunks"], "worker_pid": os.getpid(),
            "corpus_version": stats["corpus_version"], "generator": state.assistant.generator.name,
            "auth": "off (local)" if state.no_auth else "api keys"}


@router.get("/metrics", tags=["service"], response_class=PlainTextResponse)
def metrics(request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    state = request.app.state
    state.metrics.chunks.set(state.assistant.store.catalog.stats()["searchable_chunks"])
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/", include_in_schema=False)
def chat_page():
    return FileResponse(WEB / "index.html")


@router.get("/docs", include_in_schema=False)
def api_docs():
    return FileResponse(WEB / "api.html")


@router.get("/insights", include_in_schema=False)
def insights_page() -> FileResponse:
    return FileResponse(WEB / "insights.html")


@router.get("/review", include_in_schema=False)
def review_page():
    return FileResponse(WEB / "review.html")
