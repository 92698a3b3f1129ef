"""Guards every route shares: API-key roles (401 without a valid key, 403 for the wrong role) and the
request-size limit (413)."""
from __future__ import annotations

import json

from fastapi import HTTPException, Request

from assistant.contract import MAX_BODY_BYTES, Requester

ANY_ROLE = ()
REVIEWERS = ("reviewer", "admin")
LETTER_WRITERS = ("msl", "reviewer", "admin")


def require(*roles: str):
    """A dependency: the caller's key must be valid (401) and, when roles are given, have one (403)."""
    def dependency(request: Request) -> Requester:
        state = request.app.state
        if state.no_auth:
            return Requester("local", "admin")
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
        return Requester(user, role)

    return dependency


class BodyLimit:
    """ASGI middleware: 413 for a request body over the limit, declared (Content-Length) or streamed
    (chunked). The body is read before the route runs, so a route never sees half a body (which frameworks
    report as a 400)."""

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
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return await _reply(send, 413, f"request body over {self.max_bytes} bytes")
            chunks.append(body)
            if not message.get("more_body"):
                break
        whole = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reply(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
