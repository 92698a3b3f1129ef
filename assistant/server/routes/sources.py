"""GET /v1/sources/{chunk_id} (what a citation resolves to) and GET /v1/documents."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request

from assistant.contract import Requester
from assistant.server.guards import require

router = APIRouter(tags=["sources"])


@router.get("/v1/sources/{chunk_id}")
def source(chunk_id: str, request: Request, who: Requester = Depends(require())) -> dict:
    if len(chunk_id) > 64:
        raise HTTPException(422, "chunk id too long")
    found = request.app.state.assistant.source(chunk_id)
    if found is None:
        raise HTTPException(404, f"no passage {chunk_id!r} in the store")
    return found


@router.get("/v1/documents")
def documents(request: Request, who: Requester = Depends(require())) -> dict:
    cat = request.app.state.assistant.store.catalog
    # Server paths stay on the server: a document names its source file, not where it lives.
    docs = [{k: v for k, v in d.items() if k != "path"} | {"source_file": Path(d["path"] or "").name}
            for d in cat.documents()]
    return {"documents": docs, "store": cat.stats()}
