"""How the harness talks to the assistant: in-process (Python API) or over HTTP (a running server)."""
from __future__ import annotations

from typing import Protocol


class Client(Protocol):
    name: str

    def ask(self, question: str, top_k: int, history: list[str] | None = None) -> dict: ...

    def source(self, chunk_id: str) -> dict | None: ...


class InProcessClient:
    def __init__(self, assistant):
        self.assistant = assistant
        self.name = "in-process"

    def ask(self, question: str, top_k: int, history: list[str] | None = None) -> dict:
        return self.assistant.ask(question, channel="eval", top_k=top_k, history=history).model_dump()

    def source(self, chunk_id: str) -> dict | None:
        return self.assistant.source(chunk_id)


class HttpClient:
    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 60.0):
        import httpx

        key = api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self.name = f"http {base_url}"
        self._sources: dict[str, dict | None] = {}

    def ask(self, question: str, top_k: int, history: list[str] | None = None) -> dict:
        if history:  # a follow-up: the conversation as a chat client sends it
            messages = [{"role": "user", "content": q} for q in [*history, question]]
            r = self.http.post("/v1/chat/completions", json={"model": "medinfo", "messages": messages})
            r.raise_for_status()
            return r.json()["medinfo"]
        r = self.http.post("/v1/ask", json={"question": question, "top_k": top_k})
        r.raise_for_status()
        return r.json()

    def source(self, chunk_id: str) -> dict | None:
        if chunk_id not in self._sources:
            r = self.http.get(f"/v1/sources/{chunk_id}")
            self._sources[chunk_id] = r.json() if r.status_code == 200 else None
        return self._sources[chunk_id]
