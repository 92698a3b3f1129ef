"""The HTTP API and web pages (FastAPI, served by uvicorn: `medinfo serve`): app wiring only; the routes
live in routes/ by concern, the guards in guards.py."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from assistant.answering.assistant import Assistant
from assistant.answering.llm import GeneratorUnavailable
from assistant.contract import InvalidQuestion
from assistant.server.guards import BodyLimit
from assistant.server.metrics import Metrics
from assistant.server.routes import answers, audit, faq, insights, letters, openai, safety, service, sources
from assistant.settings import Settings

WEB = Path(__file__).parent / "web"
PDFJS = WEB / "vendor" / "node_modules" / "pdfjs-dist"  # PDF.js, from npm (web/vendor/package.json)
# Pages load only their own scripts and styles (no inline code), may not be framed, and send no referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    settings = settings or (assistant.settings if assistant is not None else Settings.load())
    assistant = assistant or Assistant(settings=settings)
    # FastAPI's OpenTelemetry instrumentation stays off: nothing leaves the machine, exporters or not.
    # Swagger UI and ReDoc load their scripts from a CDN; /docs is our own offline page over /openapi.json.
    app = FastAPI(title="medinfo", version="0.1.0", docs_url=None, redoc_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                             "auto_configure": False},
                  description="Medical-information answers with traceable evidence. Every answer follows the "
                              "answer contract: each sentence carries [n] citations resolving to a stored passage.")
    app.state.assistant = assistant
    app.state.db = assistant.records
    app.state.no_auth = settings.no_auth
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
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
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

    for module in (answers, openai, sources, audit, letters, safety, service, insights, faq):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=WEB), name="static")
    if PDFJS.is_dir():  # installed from npm (make web): the page as printed; without it, the page text
        app.mount("/vendor/pdfjs", StaticFiles(directory=PDFJS), name="pdfjs")
    return app


def app_from_settings(settings: dict[str, Any]) -> FastAPI:
    """Factory for uvicorn worker processes: the parent's resolved settings, passed as data."""
    return create_app(Settings.model_validate(settings))
