"""Follow-up questions resolved into standalone ones from the earlier turns of a conversation, deterministically.

"What is the starting dose of warfarin?" then "and in the elderly?" -> "What is the starting dose of warfarin in
the elderly?"; then "what if the INR is above 4?" -> "What if the INR is above 4 with warfarin?". What carries over:
- the product, to any follow-up that names none ("it", "this drug" are replaced by its name, else "with X" is added);
- the topic (the earlier question) and its population, to a fragment: a follow-up that asks nothing of its own
  ("and in the elderly?", "what about children?", "and for metformin?"); a population it names replaces the earlier one;
- a follow-up naming a new product resets the product and the population; a fragment keeps the earlier topic with
  the new product ("and for metformin?" -> "What is the starting dose of metformin?").
A question that names its product and asks something of its own stands alone. The same rules check a resolution
an LLM proposes (see `check`).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.question.terms import question_words, stem_tokens

# Populations a follow-up narrows to, as people write them (the phrase is kept as written).
POPULATION = re.compile(
    r"\b(?:(?:in|for|during|with|among|while)\s+)?(?:(?:the|an?|mild|moderate|severe|end-stage|older|elderly|"
    r"pediatric|paediatric|pregnant|breastfeeding|adult)\s+)*"
    r"(?:elderly(?:\s+patients)?|older\s+(?:adults|patients|people)|geriatric\s+patients|the\s+aged|"
    r"children|kids|infants|neonates|adolescents|pediatric\s+patients|paediatric\s+patients|pediatrics|"
    r"pregnan(?:cy|t\s+women|t\s+patients)|breast[- ]?feeding(?:\s+women|\s+mothers)?|lactation|nursing\s+mothers|"
    r"(?:renal|kidney)\s+(?:impairment|failure|disease|insufficiency)|(?:hepatic|liver)\s+(?:impairment|disease|"
    r"failure|insufficiency)|(?:patients\s+)?on\s+(?:hemo|haemo)?dialysis|(?:hemo|haemo)?dialysis(?:\s+patients)?)"
    r"\b", re.I)
# Words that only connect a follow-up to what came before ("and", "what about", "how about", "also").
CONNECTIVE = {"and", "or", "maybe", "perhaps", "instead", "what", "about", "how", "also", "then", "so", "ok", "okay",
              "in", "for", "with", "the", "a",
              "an", "?", "it", "its", "this", "that", "same", "case", "there", "those", "these", "them", "too",
              "patients", "patient", "please", "thanks", "drug", "medicine", "medication", "one"}
# How a message that only continues an earlier one opens ("Or maybe ibuprofen?", "And in the elderly?").
OPENER = re.compile(r"^\W*(?:and|or|also|then|so|but|instead|what\s+about|how\s+about)\b", re.I)
PRONOUN = re.compile(r"\b(?:this|that|the)\s+(?:drug|medicine|medication|product)\b|\b(?:it|its)\b", re.I)


@dataclass
class Turn:
    raw: str
    resolved: str
    product: str | None = None  # the product in force after this turn (a catalogue product name)
    population: str | None = None  # the population phrase in force, as written ("in the elderly")


@dataclass
class Resolution:
    question: str  # standalone
    product: str | None
    population: str | None
    carried: list[str] = field(default_factory=list)  # what came from earlier turns: product, topic, population

    @property
    def changed(self) -> bool:
        return bool(self.carried)


def _content_stems(text: str) -> set[str]:
    """Words that ask something: not connectives, not population words, not question words."""
    text = POPULATION.sub(" ", text)
    stems = set(stem_tokens(text)) - question_words()
    return stems - set(stem_tokens(" ".join(CONNECTIVE)))


def dangling(raw: str, products_in: Callable[[str], list[str]], names: dict[str, str] | None = None) -> bool:
    """A message that opens as a continuation and asks nothing of its own ("Or maybe ibuprofen?", "and in the
    elderly?"): with no earlier turn to continue, it is not a question yet."""
    if not OPENER.match(raw):
        return False
    product_words = {s for p in products_in(raw) for s in stem_tokens(_display(p, names, raw))}
    return not (_content_stems(raw) - product_words)


def ask_back(products: list[str]) -> str:
    """The reply to a dangling message: what it asks is not known yet."""
    about = f"about {' and '.join(products)} " if products else ""
    return (f"Which information {about}do you need? This message reads as a follow-up, but there is no earlier "
            "question in this conversation to continue. Ask the whole question (for example about the dose, side "
            "effects, interactions or use in pregnancy) and the answer will cite its sources.")


def resolve(raw: str, history: list[Turn], products_in: Callable[[str], list[str]],
            names: dict[str, str] | None = None) -> Resolution:
    """The standalone question `raw` stands for after `history` (oldest first)."""
    named = products_in(raw)
    population = _population(raw)
    prev = history[-1] if history else None
    if prev is None:
        return Resolution(raw, named[0] if named else None, population)
    product_words = {s for p in named for s in stem_tokens(_display(p, names, raw))}
    fragment = not (_content_stems(raw) - product_words)
    carried: list[str] = []
    if fragment:
        base = prev.resolved
        product = named[0] if named else prev.product
        if named and prev.product and prev.product != named[0]:
            base = _replace_product(base, prev.product, _display(named[0], names, raw), names)
            prev_pop = None  # a new product resets the population
        else:
            prev_pop = prev.population
        if prev.population and (population or prev_pop is None):
            base = _strip(base, prev.population)
        pop = prev_pop
        if population:
            pop = _as_phrase(population)
            base = _add(base, pop)
        carried.append("topic")
        if not named and product:
            carried.append("product")
        if pop and not population:
            carried.append("population")
        return Resolution(base, product, pop, carried)
    if named or not prev.product:
        return Resolution(raw, named[0] if named else None, population)
    name = _display(prev.product, names, prev.resolved)
    if PRONOUN.search(raw):
        question = PRONOUN.sub(lambda m: name + ("'s" if m.group(0).lower() == "its" else ""), raw, count=1)
    else:
        question = _add(raw, f"with {name}")
    return Resolution(question, prev.product, population, ["product"])


def check(proposed: str, raw: str, history: list[Turn], products_in: Callable[[str], list[str]],
          names: dict[str, str] | None = None) -> Resolution:
    """An LLM's proposed resolution, kept only where the rules agree on the product it is about (else the
    rules' own resolution)."""
    ours = resolve(raw, history, products_in, names)
    theirs = products_in(proposed)
    if not ours.changed or not proposed.strip() or (ours.product and theirs[:1] != [ours.product]):
        return ours  # a standalone question stays as asked; a proposal about another product is not taken
    return Resolution(proposed, ours.product, ours.population, ours.carried)


def replay(turns: list[str], products_in: Callable[[str], list[str]], names: dict[str, str] | None = None
           ) -> list[Turn]:
    """The conversation state after each of the raw questions, in order."""
    out: list[Turn] = []
    for raw in turns:
        r = resolve(raw, out, products_in, names)
        out.append(Turn(raw, r.question, r.product, r.population))
    return out


def _population(text: str) -> str | None:
    """The population a question narrows to, as written ("in severe renal impairment", "children")."""
    m = POPULATION.search(text)
    return m.group(0).strip() if m else None


def _as_phrase(population: str) -> str:
    return population if re.match(r"(?:in|for|during|with|among|while)\s", population, re.I) else f"in {population}"


def _display(product: str, names: dict[str, str] | None, text: str) -> str:
    """The name the user wrote for a product (brand or generic), else the product's own name."""
    low = text.lower()
    for name, p in (names or {}).items():
        if p == product and re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", low):
            m = re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", text, re.I)
            return m.group(0) if m else name
    return product


def _replace_product(question: str, old: str, new: str, names: dict[str, str] | None) -> str:
    """The question with the earlier product's name (generic or any brand it was asked by) replaced."""
    for name in sorted({old} | {n for n, p in (names or {}).items() if p == old}, key=len, reverse=True):
        out = re.sub(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", new, question, count=1, flags=re.I)
        if out != question:
            return out
    return _add(question, f"for {new}")


def _strip(question: str, phrase: str) -> str:
    return " ".join(re.sub(re.escape(phrase), " ", question, count=1, flags=re.I).split()).replace(" ?", "?")


def _add(question: str, phrase: str) -> str:
    q = question.rstrip()
    end = "?" if q.endswith("?") else ""
    return f"{q.rstrip('?.! ')} {phrase}{end or '?'}"
