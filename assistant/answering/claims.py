"""Claims: the sentences of an answer with their [n] markers, and the pruning of rejected ones."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.contract import Citation, Claim
from ingest.text import normalize_space

# A citation marker: [1] or [1, 2], glued neither to what follows nor to a letter or digit before it, so bracketed
# text of a quote such as the chemical name "[1,2,4]triazolo[4,3-a]pyridine" or the rotavirus genotype "G12P[8]"
# is not taken for markers.
MARKER = re.compile(r"(?<![A-Za-z0-9])\[(\d+(?:\s*[,;]\s*\d+)*)\](?![\w(-])")
GLUED = re.compile(r"(?<=[A-Za-z0-9])\[(\d+(?:\s*[,;]\s*\d+)*)\](?![\w(-])")


def unglue_markers(text: str, given: int) -> str:
    """A model's marker written against its word ("bleeding[1].") set apart, when every number in it is a passage
    it was given (1..given); "G12P[8]" quoted from a passage with three given stays as it is."""
    def apart(m: re.Match) -> str:
        nums = [int(n) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        return f" [{m.group(1)}]" if all(1 <= n <= given for n in nums) else m.group(0)

    return GLUED.sub(apart, text)


@dataclass
class ParsedClaim:
    text: str  # without markers
    citations: list[int]
    inherited: bool = False  # markers borrowed from the next sentence of the line


def split_claims(answer: str) -> list[ParsedClaim]:
    """Sentences (or bullet lines) of an answer with the [n] markers that follow or sit inside them."""
    claims: list[ParsedClaim] = []
    for line in answer.splitlines():
        line = line.strip()
        line = re.sub(r"^([-•*]|\d+[.)])\s+", "", line)
        if not line:
            continue
        # Cut after a sentence end followed by markers, or at a sentence end followed by a capital.
        parts = re.split(r"(?<=[.!?:])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\](?![\w(-]))*)\s+(?=[A-Z\"“(])", line)
        pieces: list[str] = []
        i = 0
        while i < len(parts):
            text = parts[i]
            markers = parts[i + 1] if i + 1 < len(parts) else ""
            pieces.append(text + (markers or ""))
            i += 2
        # A sentence without markers shares the markers of the next sentence on its line that has some
        # (a verbatim sentence may contain "U.S. " and be cut in two; it is still checked against them).
        parsed = []
        for piece in pieces:
            nums = [int(n) for m in MARKER.findall(piece) for n in re.split(r"\s*[,;]\s*", m)]
            text = normalize_space(MARKER.sub("", piece)).strip()
            text = re.sub(r"\s+([.,;:!?])", r"\1", text)
            if text and re.search(r"[A-Za-z0-9]", text):
                parsed.append(ParsedClaim(text, list(dict.fromkeys(nums))))
        pending: list[ParsedClaim] = []
        for pc in parsed:
            if not pc.citations:
                pending.append(pc)
                continue
            claims.extend(ParsedClaim(p.text, pc.citations, inherited=True) for p in pending)
            claims.append(pc)
            pending = []
        claims.extend(pending)
    return claims


def prune(text: str, citations: list[Citation], kept: list[Claim], removed: list[Claim]
           ) -> tuple[str, list[Citation], list[Claim]]:
    """Drop lines holding rejected claims, then renumber the citations still used, in order."""
    bad = {c.text for c in removed}
    lines = []
    for line in text.split("\n"):
        parsed = split_claims(line)
        if parsed and any(c.text in bad for c in parsed):
            good = [c for c in parsed if c.text not in bad]
            if not good:
                continue
            bullet = "- " if line.lstrip().startswith(("- ", "• ", "* ")) else ""
            line = bullet + " ".join(c.text + " " + "".join(f"[{n}]" for n in c.citations) for c in good)
        lines.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if text.startswith("- "):
        text = text[2:]
    order: list[int] = []
    for m in MARKER.finditer(text):
        for n in re.split(r"\s*[,;]\s*", m.group(1)):
            if int(n) not in order:
                order.append(int(n))
    new = {old: i + 1 for i, old in enumerate(order)}
    text = MARKER.sub(lambda m: "".join(f"[{new[int(n)]}]" for n in re.split(r"\s*[,;]\s*", m.group(1))
                                        if int(n) in new), text)
    by_n = {c.n: c for c in citations}
    cites = [by_n[old].model_copy(update={"n": new[old]}) for old in order if old in by_n]
    claims = [c.model_copy(update={"citations": [new[n] for n in c.citations if n in new]}) for c in kept]
    return text, cites, claims
