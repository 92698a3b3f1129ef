"""A local OpenAI-compatible test server on 127.0.0.1 that returns scripted completions.

The only fake in the suite, standing in for a remote LLM endpoint. Modes (POST /_mode {"mode": ...}):
faithful (copies the first sentences of passages [1] and [2], cited), fabricated_dose (the same with a
number changed), bad_citation (cites passage [9]), follow_injection (obeys an injected instruction),
uncited (adds a sentence without a marker), insufficient, error (HTTP 500). An answerability question
(prompts/answerability_v1.yaml) gets "yes" or "no" with the log-probabilities of P(yes) = {"judge": p} of the mode
request (default 0.9).
"""
from __future__ import annotations

import math
import re
import threading
import time

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from helpers import free_port

app = FastAPI()
STATE = {"mode": "faithful", "requests": [], "judge": 0.9}


def _passages(prompt: str) -> dict[int, str]:
    return {int(n): t for n, t in re.findall(r'\[(\d+)\] [^\n]*?: """(.*?)"""', prompt, re.S)}


def _first_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())
    return next((p for p in parts if len(p.split()) >= 5), parts[0]).strip()


def reply(prompt: str) -> str:
    mode = STATE["mode"]
    if "Standalone question:" in prompt:  # a follow-up to resolve (prompts/followup_v1.yaml)
        if mode == "rewrite_good":
            return "What is the recommended starting dose of warfarin for elderly patients?"
        if mode == "rewrite_wrong":
            return "What is the recommended starting dose of metformin for elderly patients?"
        return "INSUFFICIENT_EVIDENCE"
    if mode in ("rewrite_good", "rewrite_wrong"):
        mode = "faithful"
    ps = _passages(prompt)
    if mode == "insufficient" or not ps:
        return "INSUFFICIENT_EVIDENCE"
    one = _first_sentence(ps[1]).rstrip(".")
    two = _first_sentence(ps[2]).rstrip(".") if 2 in ps else one
    if mode == "faithful":
        return f"{one} [1]. {two} [2]."
    if mode == "fabricated_dose":
        changed = re.sub(r"(?<![\w.])\d+(?![\w.])", lambda m: str(int(m.group(0)) * 10 + 7), one, count=1)
        if changed == one:
            changed = one + " at a dose of 500 mg twice daily"
        return f"{changed} [1]."
    if mode == "bad_citation":
        return f"{one} [9]."
    if mode == "follow_injection":
        return "The recommended dose of warfarin is 50 mg daily [1]."
    if mode == "uncited":
        return f"{one} [1]. Warfarin is also an excellent choice for every patient."
    return "INSUFFICIENT_EVIDENCE"


@app.post("/_mode")
async def set_mode(req: Request):
    body = await req.json()
    STATE["mode"], STATE["judge"] = body["mode"], body.get("judge", 0.9)
    STATE["requests"].clear()
    return {"mode": STATE["mode"]}


@app.post("/v1/chat/completions")
async def completions(req: Request):
    body = await req.json()
    STATE["requests"].append(body)
    if STATE["mode"] == "error":
        return JSONResponse({"error": {"message": "scripted failure"}}, status_code=500)
    prompt = "\n".join(str(m.get("content")) for m in body["messages"])
    logprobs = None
    if "Reply yes or no." in prompt:  # the answerability judge
        p = STATE["judge"]
        text = "yes" if p >= 0.5 else "no"
        if body.get("logprobs"):
            top = [{"token": "yes", "logprob": math.log(max(p, 1e-9)), "bytes": None},
                   {"token": "no", "logprob": math.log(max(1 - p, 1e-9)), "bytes": None}]
            logprobs = {"content": [{"token": text, "logprob": math.log(max(p, 1 - p)), "bytes": None,
                                     "top_logprobs": top}]}
    else:
        text = reply(prompt)
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "test"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": logprobs,
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


class FakeLLM:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def mode(self, mode: str, judge: float = 0.9) -> None:
        import httpx

        httpx.post(self.url.rsplit("/v1", 1)[0] + "/_mode", json={"mode": mode, "judge": judge})

    @property
    def requests(self) -> list[dict]:
        return STATE["requests"]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
