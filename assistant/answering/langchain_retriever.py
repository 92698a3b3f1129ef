"""medinfo's retrieval as a LangChain retriever, so LangChain users can plug the store into their chains.

    from assistant.answering.langchain_retriever import MedinfoRetriever
    retriever = MedinfoRetriever.from_data_dir("~/.medinfo", k=5)
    docs = retriever.invoke("What is the starting dose of warfarin?")
    docs[0].metadata["chunk_id"], docs[0].metadata["page"], docs[0].metadata["start"]

Each Document is a stored passage (page_content == page_text[start:end]) with its provenance in
metadata. The same filters as the assistant apply: only approved, current, unexpired content, and
product awareness (a product named in the query restricts approved content to that product).
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answering.retrieval import Filters, Retriever
from assistant.contract import DEFAULT_TOP_K
from assistant.question.intents import intents_of


class MedinfoRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    k: int = DEFAULT_TOP_K
    product: str | None = None
    source_type: str | None = None

    @classmethod
    def from_data_dir(cls, data_dir: str | None = None, **kwargs) -> MedinfoRetriever:
        from assistant.settings import Settings
        from ingest.embedding import Embedder
        from ingest.store import Store

        s = Settings.load(data_dir)
        store = Store(s.data_dir, Embedder(s.embedder, s.device), s.chroma_url, s.database_url)
        return cls(retriever=Retriever(store, s.retrieval), **kwargs)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        r: Retriever = self.retriever
        snap = r.snapshot()
        filters = Filters(product=self.product, source_type=self.source_type, products=snap.products_in(query),
                          intents=intents_of(query))
        out = []
        for h in r.search(query, k=self.k, filters=filters):
            p = h.passage
            out.append(Document(page_content=p.text, id=p.chunk_id, metadata={
                "chunk_id": p.chunk_id, "document_id": p.doc_id, "title": p.title, "version": p.version,
                "source_type": p.kind, "product": p.product, "page": p.page, "start": p.start, "end": p.end,
                "section": p.section, "score": h.score}))
        return out
