"""The assistant: question in, Answer (the contract) out. Scope, retrieve, select, generate, verify, refuse,
and record the answer in the audit log.

    from assistant import Assistant
    a = Assistant(data_dir="~/.medinfo")
    answer = a.ask("What is the starting dose of warfarin?")
    answer.model_dump()
"""
from __future__ import annotations

import copy
import os
import pwd
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from assistant.answering import answerability, reader, refusal
from assistant.answering.choice import pair_first
from assistant.answering.claims import prune
from assistant.answering.combine import combine
from assistant.answering.crosslingual import CrossLingual
from assistant.answering.evidence import Selection, select
from assistant.answering.extractive import Draft, ExtractiveGenerator
from assistant.answering.judge import Judge, second_reading
from assistant.answering.label_links import difference_notices, locate, printed_page
from assistant.answering.llm import GeneratorUnavailable, LLMGenerator, configured_model, suspicious
from assistant.answering.retrieval import Retriever, Snapshot, fused
from assistant.answering.scope import Scope, decide
from assistant.answering.standard_responses import standard_responses_first
from assistant.answering.verify import Verifier
from assistant.contract import (
    CONVERSATION_ID,
    DEFAULT_TOP_K,
    MAX_HISTORY_TURNS,
    NO_EVIDENCE,
    Answer,
    Flags,
    InvalidQuestion,
    Requester,
    RetrievedPassage,
    clean_question,
    requester_context,
)
from assistant.prompts import template
from assistant.question import followup, language, parts, privacy
from assistant.question import products as drug_names
from assistant.question.safety import analyse
from assistant.question.terms import stem_tokens
from assistant.records import ServiceDB
from assistant.settings import Settings
from ingest.embedding import Embedder
from ingest.store import Store

CONSUMER_PLAIN = ("This answer quotes the medicine's official labelling word for word; some terms are technical. "
                  "Ask your doctor or pharmacist to explain anything that is unclear.")
CONSUMER_CONTACT = ("Talk to your doctor or pharmacist before you start, stop or change how you take a medicine; "
                    "in an emergency call your local emergency number.")
CONSUMER_OFF_LABEL = ("This medicine's approved labelling does not cover that use, so this service cannot answer it. "
                      "Please ask your doctor or pharmacist.")


class Assistant:
    def __init__(self, data_dir: str | Path | None = None, store: Store | None = None, generator=None,
                 verifier: Verifier | None = None, retriever: Retriever | None = None,
                 settings: Settings | None = None):
        self.settings = settings or Settings.load(store.data_dir if store is not None else data_dir)
        s = self.settings
        self.store = store or Store(s.data_dir, Embedder(s.embedder, s.device), s.chroma_url, s.database_url)
        self.retriever = retriever or Retriever(self.store, s.retrieval, s.include_unreviewed)
        # Questions in other languages (opt-in): the multilingual index built at ingest.
        self.crosslingual = CrossLingual(self.store) if s.multilingual else None
        self.fallback = ExtractiveGenerator()
        # One LLM for the generator and the judge; none loaded when a generator is given and no judge is asked for.
        wanted = (s.generator == "llm" and generator is None) or s.answerability_judge == "llm"
        model = configured_model(s) if wanted else None
        self.generator: Any = generator or (LLMGenerator(*model, s.prompt) if model and s.generator == "llm"
                                            else self.fallback)
        # Opt-in: the LLM reads what the fitted answerability model would refuse (answering/judge.py).
        self.judge = Judge(model[0], s.thresholds.judge_min_yes) if model and s.answerability_judge == "llm" else None
        embedder = self.store.embedder if s.generator == "llm" else None  # semantic checks for free text
        self.verifier = verifier or Verifier(embedder, s.thresholds)
        self.fallback_enabled = s.llm_fallback != "none"  # an unavailable or unverifiable generator falls back
        self._records: ServiceDB | None = None

    @property
    def records(self) -> ServiceDB:
        """The audit log, reviews and safety reports beside the store."""
        if self._records is None:
            self._records = ServiceDB(self.store.data_dir, self.settings.audit_anchor_dir, self.settings.database_url)
        return self._records

    def warm_up(self) -> None:
        """Load the model and the index now (a server calls this at start-up)."""
        self._prepare()
        self.retriever.search("warm up", 1)

    def _prepare(self) -> None:
        """Load the embedding model in a second thread while the snapshot of the live passages is built (at 1.36 M
        passages ~6 s and ~13 s one after the other: reading the catalogue waits on sqlite, loading the model on
        torch, and both release the interpreter while they do)."""
        loader = threading.Thread(target=lambda: (self.store.embedder.model, reader.load()), name="medinfo-model",
                                  daemon=True)
        loader.start()
        try:
            self.retriever.snapshot()
        finally:
            loader.join()

    def source(self, chunk_id: str) -> dict | None:
        """A stored passage with its page text and document metadata (what a citation resolves to), and whether
        the PDF it was read from is still on disk, unchanged, to show the page as printed."""
        found = self.store.catalog.chunk(chunk_id)
        if found is not None:
            found["pdf"] = printed_page(self.store.catalog, found)
        return found

    def ask(self, question: str, requester: Requester | None = None, channel: str = "python",
            product: str | None = None, top_k: int | None = None, audience: str | None = None,
            source_type: str | None = None, on_retrieval=None, history: list[str] | None = None,
            requester_type: str | None = None, profession: str | None = None,
            conversation_id: str | None = None) -> Answer:
        """Answer a question and record it in the audit log (with any safety report it calls for).

        requester: who asked (default: the local user); channel: api, cli, letter, eval...
        on_retrieval(list[RetrievedPassage]) is called as soon as retrieval is done.
        history: the earlier questions of this conversation, oldest first: a follow-up ("and in the elderly?")
        is answered as the standalone question it stands for (Answer.resolved_question).
        requester_type / profession: who the answer is for (default: from the requester's role)."""
        t0 = time.perf_counter()
        requester = requester or local_requester(channel)
        rtype, profession = requester_context(requester.role, requester_type, profession)
        question = clean_question(question, top_k, source_type)
        if not self.retriever.ready:  # a first question: the model and the snapshot side by side
            self._prepare()
        if conversation_id is not None:
            if not CONVERSATION_ID.match(conversation_id):
                raise InvalidQuestion("conversation_id must be 1-64 of [A-Za-z0-9_-]")
            if history is None:
                history = self.records.history(conversation_id, requester.user)
                if history is None:
                    raise InvalidQuestion(f"no conversation {conversation_id!r} for this user")
        earlier = [clean_question(h) for h in (history or [])][-MAX_HISTORY_TURNS:]
        snap = self.retriever.snapshot()
        names = set(snap.products) | drug_names.lexicon()
        redaction = privacy.redact(question, names) if self.settings.redact else privacy.Redaction(question)
        question = redaction.text
        if self.settings.redact:
            earlier = [privacy.redact(h, names).text for h in earlier]
        lang = language.detect(question)
        pivot = language.english(question, lang, snap.products, snap.vocab_words)
        across = self.crosslingual is not None and self.crosslingual.available()
        # The English words the English sources are searched and read with; earlier turns in another language are
        # read by theirs too, so that "高齢者では？" after a warfarin question resolves to warfarin.
        searched = pivot if pivot and (lang in language.EUROPEAN or across) else question
        english = [language.english(h, language.detect(h), snap.products, snap.vocab_words) or h for h in earlier]
        turns = followup.replay(english, snap.products_in, snap.products)
        resolution = self._resolve(searched, turns, snap)
        asked = resolution.question
        scope = decide(asked, snap, product, audience, source_type)
        scope.language, scope.original = lang, question
        if not (scope.refusal or resolution.changed) and followup.dangling(asked, snap.products_in, snap.products):
            scope.refusal = "A follow-up with no earlier question to continue."
            scope.reply = followup.ask_back(scope.mentioned)
        if lang in language.CJK and (self.crosslingual is None or not self.crosslingual.available()):
            scope.refusal = ("Questions in this language are answered from the multilingual index, which this store "
                             "does not have: ingest with MEDINFO_MULTILINGUAL=1 (medinfo ingest --multilingual) and "
                             "serve with MEDINFO_MULTILINGUAL=1.")
        k = top_k or DEFAULT_TOP_K
        if rtype == "consumer" and scope.off_label:
            answer = self._consumer_off_label(asked, scope, snap)
        else:
            questions = [asked] if scope.refusal else parts.split(asked, snap.products_in, drug_names.drugs_in)
            if len(questions) == 1:
                answer = self._for_requester(asked, scope, snap, k, rtype, on_retrieval)
            else:  # several questions: each answered or refused on its own
                answer = combine(asked, [self._for_requester(q, decide(q, snap, product, audience, source_type),
                                                             snap, k, rtype) for q in questions])
                if on_retrieval is not None:
                    on_retrieval(answer.retrieved)
        answer.question = question
        if resolution.changed:
            answer.resolved_question = asked
        answer.conversation_id, answer.requester_type, answer.profession = conversation_id, rtype, profession
        if lang != "en":
            answer.language = language.variant(question, lang)
            self._in_language(answer, answer.language, pivot)
        if rtype == "consumer" and not scope.reply:
            answer.notices += [CONSUMER_PLAIN, CONSUMER_CONTACT]
        answer.flags = _flags(asked, scope, redaction, self.store.embedder,
                              self.crosslingual.model if self.crosslingual is not None else None)
        if redaction.redacted:
            answer.notices.append("Personal data in the question (" + ", ".join(k.replace("_", " ") for k in
                                  redaction.kinds) + ") was redacted before the question was logged or processed.")
        if answer.flags.adverse_event or answer.flags.product_complaint:
            answer.notices.append(language.interface(answer.language, "safety") or "")
        answer.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        self.records.record_answer(answer, requester, channel)
        if conversation_id is not None:
            self.records.add_turn(conversation_id, requester.user, question, answer.resolved_question,
                                  answer.trace_id)
        return answer

    def _resolve(self, question: str, turns: list, snap: Snapshot) -> followup.Resolution:
        """The standalone question a follow-up stands for: with an LLM configured, the LLM proposes and the rules
        check the proposal (followup.check); otherwise the rules alone."""
        model = getattr(self.generator, "model", None)
        if not turns or model is None or not hasattr(model, "complete"):
            return followup.resolve(question, turns, snap.products_in, snap.products)
        t = template("followup_v1")
        try:
            proposed = model.complete(t["system"], t["user"].format(
                history="\n".join(f"- {turn.raw}" for turn in turns), question=question))
        except GeneratorUnavailable:
            return followup.resolve(question, turns, snap.products_in, snap.products)
        line = next((x.strip() for x in (proposed or "").splitlines() if x.strip()), "")
        try:
            line = clean_question(line) if line else ""
        except InvalidQuestion:
            line = ""
        return followup.check(line, question, turns, snap.products_in, snap.products)

    @staticmethod
    def _in_language(answer: Answer, lang: str, pivot: str) -> None:
        """The interface text in the question's language; the quotes stay verbatim in English."""
        if answer.status != "answered" and answer.answer == NO_EVIDENCE:
            answer.answer = language.interface(lang, "no_evidence") or answer.answer
        notes = [language.interface(lang, "searched", pivot=pivot) if pivot else None,
                 language.interface(lang, "quotes") if answer.citations else None]
        answer.notices = [n for n in notes if n] + answer.notices

    def _for_requester(self, asked: str, scope: Scope, snap: Snapshot, k: int, rtype: str, on_retrieval=None
                       ) -> Answer:
        """The answer for this requester type: data on file only for internal requesters; for a consumer the
        patient labelling (Medication Guide, Patient Information, Drug Facts) first, then the rest."""
        scope.filters.hide_internal = rtype != "internal" and snap.has_internal
        if rtype == "consumer" and not scope.refusal and snap.has_patient_labelling:
            patient = copy.deepcopy(scope)
            patient.filters.patient = True
            first = self._answer(asked, patient, snap, k)
            if first.status == "answered":
                if on_retrieval is not None:
                    on_retrieval(first.retrieved)
                return first
        return self._answer(asked, scope, snap, k, on_retrieval)

    def _consumer_off_label(self, asked: str, scope: Scope, snap: Snapshot) -> Answer:
        """A consumer asking about a use the labelling does not cover gets no off-label content."""
        use = (scope.off_label or {}).get("use", "this use")
        return Answer(question=asked, status="refused", answer=CONSUMER_OFF_LABEL, trace_id=uuid.uuid4().hex,
                      generator=self.generator.name, corpus_version=snap.corpus_version,
                      explanation=f"The approved labelling does not cover \u201c{use}\u201d; information about uses "
                                  "outside the labelling is not given to consumers.")

    # ------------------------------------------------------------------------------------------
    def _answer(self, asked: str, scope: Scope, snap: Snapshot, k: int, on_retrieval=None) -> Answer:
        base = dict(question=asked, trace_id=uuid.uuid4().hex, generator=self.generator.name,
                    corpus_version=snap.corpus_version, prompt_version=self.generator.prompt_version)
        notices = scope.notices
        if scope.refusal:
            return Answer(**base, status="insufficient_evidence", answer=scope.reply or NO_EVIDENCE,
                          explanation=scope.refusal)
        question = scope.question
        hits = self.retrieve(asked, scope, k)
        # Passages that give orders ("ignore previous instructions...") are not evidence for any generator.
        hits = [h for h in hits if not suspicious(h.passage.text)]
        base["retrieved"] = [RetrievedPassage(chunk_id=h.passage.chunk_id, document_id=h.passage.doc_id,
                                              page=h.passage.page, score=round(h.score, 5)) for h in hits]
        if on_retrieval is not None:
            on_retrieval(base["retrieved"])
        if not hits:
            return Answer(**base, status="insufficient_evidence", answer=NO_EVIDENCE,
                          explanation="No passage in the available content matches the question.")
        selection, feats = self.select(f"{question} {scope.related}".strip(), hits, scope, snap)
        weak, base["answerability"] = refusal.weak(hits, selection, self.settings.thresholds, feats)
        if weak and self.judge is not None and base["answerability"] is not None:
            weak, judged = second_reading(self.judge, question, selection, weak)
            notices = notices + judged
        if weak:
            return Answer(**base, status="insufficient_evidence", answer=NO_EVIDENCE, explanation=weak,
                          closest_documents=refusal.closest(hits, products=scope.mentioned), notices=notices)
        try:
            if getattr(self.generator, "uses_passages", False):
                draft = self.generator.compose_from_hits(question, hits)
            else:
                draft = self.generator.compose(question, selection.evidence)
        except GeneratorUnavailable as exc:
            if self.fallback_enabled and self.generator is not self.fallback:
                draft = self.fallback.compose(question, selection.evidence)
                base |= {"generator": self.fallback.name, "prompt_version": None}
                notices.append(f"The configured generator was unavailable ({exc}); this answer is extractive.")
            else:
                raise
        if draft.insufficient:
            return Answer(**base, status="insufficient_evidence", answer=NO_EVIDENCE, notices=notices,
                          explanation="The generator found that the passages do not answer the question.",
                          closest_documents=refusal.closest(hits, products=scope.mentioned))
        answer = self._verified(base, draft, selection, notices)
        locate(answer.citations, snap.attributes)
        answer.notices += difference_notices(self.store.catalog, snap.superseded, answer.citations)
        if answer.status != "answered" and self.generator is not self.fallback and selection.evidence \
                and self.fallback_enabled and base["generator"] != self.fallback.name:
            # The configured generator's draft did not survive verification: fall back to extractive.
            rejected = answer.removed_claims
            draft = self.fallback.compose(question, selection.evidence)
            answer = self._verified(base | {"generator": self.fallback.name, "prompt_version": None}, draft,
                                    selection, notices + ["The generated answer failed verification; "
                                                          "this answer is extractive."])
            answer.removed_claims = rejected + answer.removed_claims
        if answer.status != "answered":
            answer.closest_documents = refusal.closest(hits, products=scope.mentioned)
        return answer

    def retrieve(self, asked: str, scope: Scope, k: int) -> list:
        hits = self._retrieve(asked, scope, k)
        return standard_responses_first(hits, scope, self.retriever.snapshot())

    def _retrieve(self, asked: str, scope: Scope, k: int) -> list:
        """Passages for the question. When scope narrowed it to its asking part (a narrative, a consumer message
        with a subject line), the whole text is searched too and the two rankings fused: the subject of a
        message is often only in its first words (MEDIQA dev: gold passage in the top 6 for 70/129 questions
        with the narrowed text alone, 78 with both)."""
        hits = self.retriever.search(scope.searched(scope.question), k=k, filters=scope.filters)
        rankings = [hits]
        if scope.question != asked:
            rankings.append(self.retriever.search(scope.searched(asked), k=k, filters=scope.filters))
        pair = scope.pair_query()  # two named drugs: what names both, in the sections asked for first
        paired = [h for f in scope.pair_filters() for h in self.retriever.search(scope.searched(pair), k=k, filters=f)]
        if scope.language != "en" and scope.original and self.crosslingual is not None \
                and self.crosslingual.available():  # the question as written, across languages
            across = self.crosslingual.search(scope.original, self.retriever.snapshot(), scope.filters, k)
            if not set(stem_tokens(asked)) - {t for p in scope.mentioned for t in stem_tokens(p)}:
                return across  # the pivot names only the drug: its English search knows nothing of the topic
            rankings.append(across)
        if len(rankings) > 1:
            hits = fused(rankings, self.retriever.weights.rrf_k, k)
        return pair_first(hits, paired, scope.mentioned, self.retriever.snapshot(), k, unlabelled=scope.unlabelled)

    def select(self, question: str, hits: list, scope: Scope, snap: Snapshot
               ) -> tuple[Selection, dict[str, float]]:
        """The evidence sentences a question may cite, and the answerability features of that evidence."""
        selection = select(question, hits, snap, scope.mentioned, intents=scope.filters.intents,
                           thresholds=self.settings.thresholds, unlabelled=scope.unlabelled)
        selection.evidence = scope.admit(selection.evidence, snap)
        if selection.scored is not None:
            selection.scored = scope.admit(selection.scored, snap)
        feats = answerability.features(hits, selection, snap, scope.filters.intents, scope.mentioned, question,
                                       embedder=self.store.embedder,
                                       read=self.settings.thresholds.answerability == "fitted")
        return selection, feats

    def inspect(self, question: str, top_k: int | None = None) -> dict:
        """What answering sees before it decides (for fitting and diagnosis): scope, hits, selection, features.
        Nothing is audited."""
        snap = self.retriever.snapshot()
        asked = clean_question(question)
        scope = decide(asked, snap)
        if scope.refusal:
            return {"scope": scope, "hits": [], "selection": None, "features": None}
        hits = [h for h in self.retrieve(asked, scope, top_k or DEFAULT_TOP_K)
                if not suspicious(h.passage.text)]
        if not hits:
            return {"scope": scope, "hits": [], "selection": None, "features": None}
        selection, feats = self.select(f"{scope.question} {scope.related}".strip(), hits, scope, snap)
        return {"scope": scope, "hits": hits, "selection": selection, "features": feats}

    def _verified(self, base: dict, draft: Draft, selection: Selection, notices: list[str]) -> Answer:
        kept, removed = self.verifier.verify(draft.text, draft.citations, draft.contexts)
        total = len(kept) + len(removed)
        if not kept or total == 0 or len(kept) / total < self.settings.thresholds.min_surviving:
            return Answer(**base, status="insufficient_evidence", answer=NO_EVIDENCE, removed_claims=removed,
                          explanation="Too little of the drafted answer was supported by the cited passages.",
                          notices=notices)
        text, citations, kept = prune(draft.text, draft.citations, kept, removed)
        unreviewed = sorted({c.title for c in citations if c.document_status == "unreviewed"})
        if unreviewed:
            notices = notices + [f"Cites content that has not been approved (status unreviewed): "
                                 f"{'; '.join(unreviewed)}. Check it before relying on it."]
        return Answer(**base, status="answered", answer=text, citations=citations, claims=kept,
                      removed_claims=removed, notices=notices + selection.notices, flags=Flags())


def local_requester(channel: str) -> Requester:
    """The person at this machine (CLI, Python API), as the audit log names them: "cli:alice"."""
    try:
        user = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        user = str(os.getuid())
    return Requester(f"{channel}:{user}", channel)


def _flags(question: str, scope: Scope, redaction: privacy.Redaction, embedder=None, e5=None) -> Flags:
    # a question in another language is read as written, not as its English search words
    text, lang = (scope.original, scope.language) if scope.language != "en" and scope.original else (question, "en")
    signals = analyse(text, scope.mentioned, embedder, lang, e5, english=question)  # question: its English words
    details = {k: v for k, v in signals.items() if v}
    if scope.off_label:
        details["off_label"] = scope.off_label
    if redaction.redacted:
        details["redacted"] = redaction.kinds
    return Flags(adverse_event=bool(signals["adverse_event"]), product_complaint=bool(signals["product_complaint"]),
                 off_label=bool(scope.off_label), personal_data_redacted=redaction.redacted, details=details)
