"""GET /v1/insights (reviewer and admin): the insights report over this server's audit log, as JSON, Markdown,
CSV or HTML (the /insights page shows the HTML)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from assistant.contract import Requester
from assistant.server.guards import require

router = APIRouter(tags=["insights"])
READERS = ("reviewer", "admin")
MEDIA = {"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@router.get("/v1/insights", responses={200: {"content": {"application/json": {}, "text/markdown": {},
                                                         "text/csv": {}, "text/html": {}}}})
def insights(request: Request, since: float | None = Query(None, description="epoch seconds"),
             until: float | None = Query(None, description="epoch seconds"),
             product: str | None = Query(None, max_length=100),
             format: Literal["json", "md", "csv", "html"] = "json",
             who: Requester = Depends(require(*READERS))):
    from assistant.insights import build, render

    a = request.app.state.assistant
    snap = a.retriever.snapshot()
    rep = build(request.app.state.db, a.store.catalog, a.store.embedder.embed, since, until, product, snap.products_in)
    if format == "json":
        return rep
    text = {"md": render.to_markdown, "csv": render.to_csv,
            "html": lambda r: render.to_html(r, standalone=False)}[format](rep)
    return Response(text, media_type=MEDIA[format])
