"""The opt-in answerability judge: where the fitted answerability model would refuse, a configured LLM reads the
question and the evidence sentences and says whether they state the answer (prompts/answerability_v1.yaml).

A small model says "yes" to nearly anything on topic, so its word is not taken as it is: the probability of "yes"
against "no" (from the endpoint's log-probabilities, or the local model's next-token scores) must reach
thresholds.judge_min_yes, a cut chosen on the dev splits for one model (bench/judge_answerability.py). An endpoint
that gives no log-probabilities is read by its word (yes 1.0, no 0.0). A judge that cannot be reached changes
nothing: the refusal stands.
"""
from __future__ import annotations

from assistant.answering.evidence import Selection
from assistant.answering.llm import GeneratorUnavailable
from assistant.prompts import template

SENTENCES = 4  # the first evidence sentences, as the cut was chosen with


class Judge:
    def __init__(self, model, min_yes: float, prompt: str = "answerability_v1"):
        self.model = model  # .complete(system, user) -> str; optionally .yes_probability(system, user) -> float
        self.min_yes = min_yes
        self.template = template(prompt)

    def prompt(self, question: str, selection: Selection) -> tuple[str, str]:
        t = self.template
        passages = "\n".join(t["passage"].format(n=i + 1, title=e.passage.title, section=e.section,
                                                 text=" ".join(e.display.split()))
                             for i, e in enumerate(selection.evidence[:SENTENCES]))
        return t["system"].strip(), t["user"].format(question=question, passages=passages).strip()

    def probability(self, question: str, selection: Selection) -> float:
        """P(yes) of the judge; raises GeneratorUnavailable when the endpoint fails."""
        system, user = self.prompt(question, selection)
        if hasattr(self.model, "yes_probability"):
            p = self.model.yes_probability(system, user)
            if p is not None:
                return p
        return word_probability(self.model.complete(system, user))


def word_probability(reply: str) -> float:
    word = (reply or "").strip().lower()
    return 1.0 if word.startswith("yes") else 0.0 if word.startswith("no") else 0.5


def second_reading(judge: Judge, question: str, selection: Selection, refusal: str) -> tuple[str | None, list[str]]:
    """(the refusal that stands or None, notices) once the judge has read what the fitted model refused."""
    try:
        p = judge.probability(question, selection)
    except GeneratorUnavailable:
        return refusal, []
    if p >= judge.min_yes:
        return None, [f"The fitted answerability model would have refused this question; the LLM judge read the "
                      f"evidence as answering it (P(yes) {p:.2f}, cut {judge.min_yes:.2f}). Check the quotes."]
    return f"{refusal} The LLM judge agreed (P(yes) {p:.2f}, below {judge.min_yes:.2f}).", []
