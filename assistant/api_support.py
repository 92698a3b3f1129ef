"""What every route of the API shares: API-key roles, the request-size limit, metrics, and the
auditing of answers."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

MAX_BODY_BYTES = 64 * 1024


@dataclass
class Principal:
    user: str
    role: str


def require(*roles: str):
    """A dependency: the caller's key must be valid (401) and, when roles are given, have one (403)."""
    def dependency(request: Request) -> Principal:
        state = request.app.state
        if state.no_auth:
            return Principal("local", "admin")
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "an API key is required: send 'Authorization: Bearer KEY'",
                                headers={"WWW-Authenticate": "Bearer"})
        found = state.db.key_role(token.strip())
        if found is None:
            raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        user, role = found
        if roles and role not in roles:
            raise HTTPException(403, f"the role {role!r} may not do this; allowed: {', '.join(roles)}")
        return Principal(user, role)

    return dependency


class BodyLimit:
    """ASGI middleware: 413 for a request body over the limit (declared or streamed)."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                return await _reply(send, 400, "invalid Content-Length header")
            if too_big:
                return await _reply(send, 413, f"request body over {self.max_bytes} bytes")
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reply(send, 413, f"request body over {self.max_bytes} bytes")


class _TooLarge(Exception):
    pass


async def _reply(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("medinfo_requests", "HTTP requests", ["route", "status"], registry=self.registry)
        self.latency = Histogram("medinfo_request_seconds", "HTTP request latency", ["route"], registry=self.registry,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5))
        self.answers = Counter("medinfo_answers", "Answers by status", ["status"], registry=self.registry)
        self.flags = Counter("medinfo_flags", "Answers flagged (adverse event, off-label...)", ["flag"],
                             registry=self.registry)
        self.chunks = Gauge("medinfo_searchable_chunks", "Searchable passages in the store", registry=self.registry)
        self.started = Gauge("medinfo_start_time_seconds", "Start time of this process", registry=self.registry)
        self.started.set(time.time())


def record(request: Request, answer, principal: Principal, channel: str) -> None:
    """Append an answer to the audit log, count it, and file any safety report it carries."""
    from assistant.service_db import record_answer

    state = request.app.state
    record_answer(state.db, answer, principal.user, principal.role, channel)
    state.metrics.answers.labels(answer.status).inc()
    for name in ("adverse_event", "product_complaint", "off_label", "personal_data_redacted"):
        if getattr(answer.flags, name, False):
            state.metrics.flags.labels(name).inc()
