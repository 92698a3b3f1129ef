"""The LLM generator: fluent synthesis from numbered passages, which the verifier then checks sentence by
sentence like any other generator's output.

Backends: any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp server, TGI, hosted APIs) through
LangChain's chat-model interface, or a local transformers model from a directory. The prompt is a
versioned template in prompts/. Passages are data: a passage that carries instructions ("ignore
previous instructions...") is never shown to the model, and a sentence citing a passage that was not
given is rejected by the verifier.
"""
from __future__ import annotations

import math
import re
import time
from pathlib import Path
from typing import Any

from assistant.answering.claims import unglue_markers
from assistant.answering.extractive import Draft, citation_for_passage
from assistant.answering.retrieval import Hit
from assistant.prompts import template
from assistant.settings import Settings

INSUFFICIENT = "INSUFFICIENT_EVIDENCE"
# Words that give a model orders. "act as" and "respond with" only as orders to the reader: "UBE4B might act as an
# oncogene", "proteins that act as transcription factors", "act as a trigger for headaches" (13 passages of the
# held-out gate store, never evidence until 2026-12-05) are how biomedical text says what something does.
INJECTION = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier|preceding) (?:instructions|rules|prompts?)|"
    r"disregard (?:all |any |the )?(?:previous|prior|above|system)|you are now|new instructions?:|"
    r"system prompt|(?:^|[.!:;]\s*|\b(?:you|please|now)\s+(?:must\s+|should\s+|will\s+)?)act as\b|"
    r"\bact as (?:an? )?(?:ai|assistant|chatbot|language model|unrestricted|jailbroken|dan)\b|"
    r"tell the (?:user|reader|physician)|(?:^|[.!:;]\s*|\b(?:you|please|always|must|should)\s+)respond (?:only )?with|"
    r"respond only with|do not cite|"
    r"forget (?:everything|your instructions)|override (?:the|your) (?:rules|instructions)", re.I)


class GeneratorUnavailable(RuntimeError):
    """The LLM endpoint cannot be reached or failed; the message says how."""


def suspicious(text: str) -> bool:
    return bool(INJECTION.search(" ".join(text.split())))


class LLMGenerator:
    """Writes an answer from the top passages with [n] markers; never trusted without verification."""

    def __init__(self, model, model_name: str, prompt_version: str = "answer_v1", max_passages: int = 6):
        self.model = model  # .complete(system, user) -> str
        self.name = f"llm:{model_name}"
        self.template = template(prompt_version)
        self.prompt_version = self.template["version"]
        self.max_passages = max_passages
        self.uses_passages = True

    def compose_from_hits(self, question: str, hits: list[Hit]) -> Draft:
        given = [h for h in hits if not suspicious(h.passage.text)][: self.max_passages]
        if not given:
            return Draft("", [], {})
        citations = [citation_for_passage(i + 1, h.passage) for i, h in enumerate(given)]
        passages = "\n".join(self.template["passage"].format(n=c.n, title=c.title, version=c.version, page=c.page,
                                                             text=" ".join(h.passage.text.split()))
                             for c, h in zip(citations, given))
        text = self.model.complete(self.template["system"],
                                   self.template["user"].format(question=question, passages=passages))
        text = unglue_markers((text or "").strip(), len(citations))
        if not text or text.startswith(INSUFFICIENT):
            return Draft("", citations, {}, insufficient=True)
        return Draft(text, citations, {c.n: h.passage.text for c, h in zip(citations, given)})


def yes_share(candidates: list[tuple[str, float]]) -> float | None:
    """P(yes) / (P(yes) + P(no)) over the first token's candidates (token, log-probability)."""
    yes = sum(math.exp(lp) for tok, lp in candidates if tok.strip().lower().startswith("yes"))
    no = sum(math.exp(lp) for tok, lp in candidates if tok.strip().lower().startswith("no"))
    return yes / (yes + no) if yes + no > 0 else None


def configured_model(s: Settings) -> tuple[Any, str] | None:
    """(the configured LLM, its name) from the settings: a local model directory or an endpoint; None without."""
    if s.llm_path:
        return LocalTransformers(s.llm_path), Path(s.llm_path).name
    if s.llm_base_url:
        return OpenAICompatible(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout, s.llm_retries), s.llm_model
    return None


class OpenAICompatible:
    """A chat model at an OpenAI-compatible URL, through langchain-openai, with timeouts and retries."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0,
                 retries: int = 2):
        from langchain_openai import ChatOpenAI

        self.base_url = base_url
        self.retries = retries
        self.chat = ChatOpenAI(base_url=base_url, model=model, api_key=api_key or "not-needed", timeout=timeout,
                               max_retries=0, temperature=0)

    def _invoke(self, system: str, user: str, **kwargs):
        """The model's reply message, with retries; GeneratorUnavailable once they are spent."""
        from langchain_core.messages import HumanMessage, SystemMessage

        delay, last = 0.5, None
        for attempt in range(self.retries + 1):
            try:
                return self.chat.invoke([SystemMessage(system), HumanMessage(user)], **kwargs)
            except Exception as exc:  # noqa: BLE001 - connection, timeout, HTTP errors: all retried then reported
                last = exc
                if attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
        raise GeneratorUnavailable(f"LLM endpoint {self.base_url} failed after {self.retries + 1} attempt(s): "
                                   f"{type(last).__name__}: {last}")

    def complete(self, system: str, user: str) -> str:
        return str(self._invoke(system, user).content)

    def yes_probability(self, system: str, user: str) -> float | None:
        """P(yes) against P(no) of the reply's first token, from the endpoint's log-probabilities (None when it
        gives none: the reply's word is read instead)."""
        msg = self._invoke(system, user, logprobs=True, top_logprobs=10, max_tokens=1)
        content = ((msg.response_metadata or {}).get("logprobs") or {}).get("content") or []
        if not content:
            return None
        return yes_share([(c["token"], c["logprob"]) for c in content[0].get("top_logprobs") or []])


class LocalTransformers:
    """A causal language model from a local directory (never downloaded), greedy decoding on the CPU."""

    def __init__(self, path: str, max_new_tokens: int = 200):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        p = Path(path).expanduser()
        if not p.is_dir():
            raise GeneratorUnavailable(f"MEDINFO_LLM_PATH {path!r} is not a directory")
        self.tokenizer = AutoTokenizer.from_pretrained(str(p), local_files_only=True)
        self.model = AutoModelForCausalLM.from_pretrained(str(p), local_files_only=True).eval()
        self.max_new_tokens = max_new_tokens

    def _prompt(self, system: str, user: str) -> str:
        if getattr(self.tokenizer, "chat_template", None):
            return str(self.tokenizer.apply_chat_template(
                [{"role": "system", "content": system}, {"role": "user", "content": user}], tokenize=False,
                add_generation_prompt=True))
        return f"{system}\n\n{user}\n"

    def _limit(self) -> int:
        config: Any = self.model.config
        return int(getattr(config, "max_position_embeddings", 0) or getattr(config, "n_positions", 2048))

    def complete(self, system: str, user: str) -> str:
        import torch

        self.tokenizer.truncation_side = "left"  # keep the question and the last passages
        ids = self.tokenizer(self._prompt(system, user), return_tensors="pt", truncation=True,
                             max_length=max(16, self._limit() - self.max_new_tokens))
        ids.pop("token_type_ids", None)
        with torch.no_grad():
            out = self.model.generate(**ids, max_new_tokens=self.max_new_tokens, do_sample=False,
                                      pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id or 0)
        return str(self.tokenizer.decode(out[0][ids["input_ids"].shape[1]:], skip_special_tokens=True))

    def yes_probability(self, system: str, user: str) -> float | None:
        """P(yes) against P(no) of the next token (the ten likeliest)."""
        import torch

        self.tokenizer.truncation_side = "left"
        ids = self.tokenizer(self._prompt(system, user), return_tensors="pt", truncation=True,
                             max_length=max(16, self._limit() - 1))
        ids.pop("token_type_ids", None)
        with torch.no_grad():
            logits = self.model(**ids).logits[0, -1]
        top = torch.topk(torch.log_softmax(logits.float(), dim=-1), 10)
        return yes_share([(str(self.tokenizer.decode([int(i)])), float(v)) for v, i in zip(top.values, top.indices)])
