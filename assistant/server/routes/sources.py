"""GET /v1/sources/{chunk_id} (what a citation resolves to) and GET /v1/documents."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse

from assistant.contract import Requester
from assistant.server.guards import require

router = APIRouter(tags=["sources"])
INTERNAL_READERS = ("msl", "reviewer", "admin")  # who may open data on file (audience: internal)


@router.get("/v1/sources/{chunk_id}")
def source(chunk_id: str, request: Request, who: Requester = Depends(require())) -> dict:
    if len(chunk_id) > 64:
        raise HTTPException(422, "chunk id too long")
    found = request.app.state.assistant.source(chunk_id)
    if found is None or (found["document"].get("audience") == "internal" and who.role not in INTERNAL_READERS):
        raise HTTPException(404, f"no passage {chunk_id!r} in the store")  # internal content: as if absent
    return found


@router.get("/v1/sources/{chunk_id}/pdf", response_class=FileResponse,
            responses={200: {"content": {"application/pdf": {}}}, 404: {"description": "no such passage, or its "
                                                                         "PDF is gone or changed (the reason)"}})
def source_pdf(chunk_id: str, request: Request, who: Requester = Depends(require())) -> FileResponse:
    """The PDF a cited passage was read from, for the page as printed (only while it is the cited revision)."""
    found = source(chunk_id, request, who)
    if not found["pdf"]["available"]:
        raise HTTPException(404, found["pdf"]["reason"])
    doc = request.app.state.assistant.store.catalog.document(found["document_id"])
    return FileResponse(doc["path"], media_type="application/pdf", headers={"Cache-Control": "private, no-store"})


@router.get("/v1/documents")
def documents(request: Request, who: Requester = Depends(require())) -> dict:
    cat = request.app.state.assistant.store.catalog
    # Server paths stay on the server: a document names its source file, not where it lives.
    docs = [{k: v for k, v in d.items() if k != "path"} | {"source_file": Path(d["path"] or "").name}
            for d in cat.documents()]
    return {"documents": docs, "store": cat.stats()}
