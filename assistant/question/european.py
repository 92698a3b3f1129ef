"""Questions in Spanish, French, German, Portuguese and Italian against English sources: which language, and the
English words to search with.

Medical words in these languages are mostly cognates of the English ones (insuficiencia → insufficiency,
anaphylaxie → anaphylaxis, Hypoglykämie → hypoglycemia, claritromicina → clarithromycin), so a word is read as
the stored English word with the same spelling key (accents folded, y → i, ph → f, th → t, k → c, double letters
single, final vowels dropped). What is not a cognate (embarazo, grossesse, Schwangerschaft, Nebenwirkungen, dosis
inicial...) comes from a documented table (data/label_terms_eu.tsv). The pivot is what the English answering
steps read, as for Japanese, Chinese and Korean (language.py); the quotes stay verbatim in English.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from assistant.question.products import misspelt

DATA = Path(__file__).parent / "data"
LANGUAGES = ("es", "fr", "de", "pt", "it")

# Words that mark a language and are never searched (articles, pronouns, auxiliaries, prepositions).
FUNCTION = {
    "en": "the is are of what for in and can does do with to how should be it when which my an on or if this".split(),
    "es": ("el la los las un una de del que en y con por para se es son puede pueden debe deben cual cuál qué "
           "como cómo cuando cuándo hay al su sus esta este está están mientras tras más menos durante le lo "
           "tomar toma usar entre tras").split(),
    "fr": ("le la les un une des du de et en est sont peut peuvent doit faut il elle on que qu quel quelle "
           "quels quelles comment pour avec sans chez dans au aux sur ne pas plus ce cette ses son leur "
           "est-ce faire prendre il ils elle elles ce entre apres vers sous très").split(),
    "de": ("der die das den dem des ein eine einer eines einem und ist sind kann können darf dürfen muss "
           "sollte sollten wie was welche welcher welches wann bei mit von zu zur zum im auf für nicht ein "
           "wird werden oder nach unter über vor jemand man").split(),
    "pt": ("o a os as um uma de do da dos das no na nos nas em que e é são pode podem deve devem qual quais "
           "como quando há ao aos à às seu sua seus suas com por para se durante mais menos entre após "
           "tomar usar quem demais depois enquanto você contêm têm").split(),
    "it": ("il lo la i gli le un una uno di del della dello dei degli delle che e è sono può possono deve "
           "devono quale quali come quando c'è al alla ai alle nel nella nei con per si su durante più meno "
           "tra fra dopo prendere usare va chi nello negli sul sulla dell").split(),
}
WORD = re.compile(r"[^\W\d_][^\W_]*(?:-[^\W\d_]+)*")


def fold(text: str) -> str:
    """Lower case without accents (é → e, ä → a, ß → ss)."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(c for c in text if not unicodedata.combining(c))


# Words of those lists that are English words too ("I", "a", "do", "no", "as", "was", "die"): they tell nothing.
ENGLISH_TOO = set("a i e as do no so am an in on is it me he we us at by to or be man was die will also".split())
# Function words as written (accents kept: Italian "è" is not "e") and, from three letters, without accents too
# ("cual", "puo"); the pivot's stop words are the folded ones.
_WRITTEN = {lang: ({w.lower() for w in words} | {fold(w) for w in words if len(fold(w)) >= 3})
            - (ENGLISH_TOO if lang != "en" else set()) for lang, words in FUNCTION.items()}
_FUNCTION = {lang: {fold(w) for w in words} - (ENGLISH_TOO if lang != "en" else set())
             for lang, words in FUNCTION.items()}
# Letters that only one of these languages writes.
_LETTERS = {"es": "ñ¿¡íú", "fr": "èêçûœ", "de": "äöüß", "pt": "ãõç", "it": "ìò"}
# Elisions: French and Italian "l'", "d'", "qu'", "-t-il"; Italian "dell'", "all'", "nell'".
_ELISION = {"fr": re.compile(r"\b(?:l|d|qu|n|j|c|s)['’](?=[^\W\d_])|-t-(?:il|elle|on)\b", re.I),
            "it": re.compile(r"\b(?:l|dell|all|nell|sull|dall|un)['’](?=[^\W\d_])", re.I)}


def identify(text: str) -> str | None:
    """es, fr, de, pt or it when the question's function words (and letters, and elisions) are more of that
    language than of English."""
    low = text.lower()
    words = re.findall(r"[^\W\d_]+", low)
    counts = {lang: sum(w in _WRITTEN[lang] for w in words) for lang in ("en", *LANGUAGES)}
    for lang, letters in _LETTERS.items():
        counts[lang] += min(2, sum(c in letters for c in low))
    for lang, pattern in _ELISION.items():
        counts[lang] += min(2, len(pattern.findall(text)))
    best = max(LANGUAGES, key=lambda lang: counts[lang])
    enough = 2 if counts["en"] else 1  # one of its words, where no English one is, is enough
    return best if counts[best] >= enough and counts[best] > counts["en"] else None


def key(word: str) -> str:
    """The spelling key of a word: cognates across English and the languages here share it (warfarin ~ varfarina,
    anaphylaxis ~ anaphylaxie ~ anafilaxia)."""
    w = fold(word)
    for a, b in (("ph", "f"), ("th", "t"), ("y", "i"), ("k", "c"), ("qu", "c"), ("ae", "e"), ("oe", "e"),
                 ("z", "s"), ("x", "cs"), ("ou", "u"), ("w", "v")):
        w = w.replace(a, b)
    w = re.sub(r"(.)\1+", r"\1", w)
    w = re.sub(r"(?<=\w{4})is$", "", w)  # necrosis, dialysis ~ necrose, diálisis
    return re.sub(r"[aeiou]+$", "", w)


def _spaced(text: str) -> str:
    """Folded, hyphens and apostrophes as spaces ("contre-indiquée" -> "contre indiquee")."""
    return " ".join(re.sub(r"[-'’]", " ", fold(text)).split())


@lru_cache(maxsize=1)
def _terms() -> dict[str, str]:
    return dict(table())


@lru_cache(maxsize=1)
def table() -> list[tuple[str, str]]:
    """(folded words in Spanish, French or German, the English words), longest first."""
    rows = []
    for line in (DATA / "label_terms_eu.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            src, _, dst = line.partition("\t")
            rows.append((_spaced(src.strip()), dst.strip()))
    return sorted(rows, key=lambda r: -len(r[0]))


_KEYS: list = [None, {}, []]  # the vocabulary (held, so it is the same object), its keys, the keys as a list


def _keys(vocab: frozenset[str]) -> tuple[dict[str, str], list[str]]:
    """The spelling keys of the store's words (built once per vocabulary, at the first question that needs them)."""
    if _KEYS[0] is not vocab:
        out: dict[str, str] = {}
        for w in sorted(vocab, key=len, reverse=True):  # of words sharing a key, the shortest wins
            if len(w) >= 5 and w.isalpha():
                out[key(w)] = w
        _KEYS[:] = [vocab, out, list(out)]
    return _KEYS[1], _KEYS[2]


# A word of this many letters with no exact key is matched to the closest key at this rapidfuzz ratio (0-100):
# set by hand and checked on the dev split of european.yaml.
FUZZY_MIN_LENGTH, FUZZY_MIN_RATIO = 8, 90


def pivot(text: str, lang: str, vocab: frozenset[str], names: dict[str, str] | None = None) -> str:
    """The English words to search the English sources with: the table's terms, the drugs named (names: the store's
    product names and aliases), the store's words a word is a cognate of (a German compound by its parts), and any
    word written with capitals inside or digits (INR, HbA1c, eGFR, CYP2C9)."""
    words: list[str] = re.findall(r"\b[A-Za-z]*[A-Z0-9][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*\b", text)
    rest = " " + _spaced(" ".join(WORD.findall(text))) + " "
    terms = _terms()
    for src, eng in table():
        if f" {src} " in rest:
            rest = rest.replace(f" {src} ", " ")
            words.append(eng)
    function = _FUNCTION.get(lang, set()) | _FUNCTION["en"]
    names = {fold(n): n for n in (names or {})}
    for w in rest.split():
        if len(w) < 5 or w in function:
            continue
        hit = names.get(w) or _name(w, names) or _english(w, vocab)
        if hit:
            words.append(hit)
        elif len(w) >= 2 * 5:  # a compound ("Myopathierisiko", "Digoxinspiegel", "digoxinemie"): its longest parts
            head = next((h for i in range(len(w) - 3, 4, -1) if (h := names.get(w[:i]) or _english(w[:i], vocab))),
                        None)
            tail = next((t for i in range(1, len(w) - 4) if (t := terms.get(w[i:]))), None) or \
                next((t for i in range(1, len(w) - 4) if (t := _english(w[i:], vocab))), None)
            words += [x for x in (head, tail) if x]
    return " ".join(dict.fromkeys(" ".join(words).split()))


def _name(word: str, names: dict[str, str]) -> str | None:
    """The product name a word spells in its own language ("paracetamolo", "varfarina"): the catalogue's misspelling
    matcher (question/products.misspelt), names being distinctive words."""
    hit = misspelt(word, names)
    return names[hit[0][1]] if hit else None


def _english(word: str, vocab: frozenset[str]) -> str | None:
    """The store's word this word is, or is a cognate of (same spelling key, or a close one for a long word)."""
    if word in vocab:
        return word
    keys, key_list = _keys(vocab)
    k = key(word)
    hit = keys.get(k)
    if hit is None and len(word) >= FUZZY_MIN_LENGTH:
        best = process.extractOne(k, key_list, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO)
        hit = keys[best[0]] if best else None
    return hit


INTERFACE = {
    "es": {"no_evidence": "El contenido disponible no responde a esta pregunta.", "references": "Referencias",
           "answering": "Respondiendo", "searched": "Se buscó en las fuentes en inglés con: {pivot}",
           "quotes": "Las citas se muestran en el inglés original.",
           "safety": "Esta pregunta puede describir un acontecimiento adverso o una reclamación de producto; se ha "
                     "registrado para el seguimiento de farmacovigilancia."},
    "fr": {"no_evidence": "Le contenu disponible ne répond pas à cette question.", "references": "Références",
           "answering": "Réponse à", "searched": "Sources en anglais recherchées avec : {pivot}",
           "quotes": "Les citations sont reproduites dans l'anglais original.",
           "safety": "Cette question peut décrire un événement indésirable ou une réclamation produit ; elle a été "
                     "enregistrée pour le suivi de pharmacovigilance."},
    "de": {"no_evidence": "Die verfügbaren Inhalte beantworten diese Frage nicht.", "references": "Quellen",
           "answering": "Antwort auf", "searched": "Englische Quellen durchsucht mit: {pivot}",
           "quotes": "Die Zitate sind im englischen Original wiedergegeben.",
           "safety": "Diese Frage beschreibt möglicherweise ein unerwünschtes Ereignis oder eine Produktreklamation; "
                     "sie wurde für die Pharmakovigilanz erfasst."},
    "pt": {"no_evidence": "O conteúdo disponível não responde a esta pergunta.", "references": "Referências",
           "answering": "Respondendo", "searched": "Fontes em inglês pesquisadas com: {pivot}",
           "quotes": "As citações são mostradas no inglês original.",
           "safety": "Esta pergunta pode descrever um evento adverso ou uma reclamação de produto; foi registada "
                     "para seguimento de farmacovigilância."},
    "it": {"no_evidence": "Il contenuto disponibile non risponde a questa domanda.", "references": "Bibliografia",
           "answering": "Risposta a", "searched": "Fonti in inglese cercate con: {pivot}",
           "quotes": "Le citazioni sono riportate nell'inglese originale.",
           "safety": "Questa domanda può descrivere un evento avverso o un reclamo sul prodotto; è stata registrata "
                     "per il follow-up di farmacovigilanza."},
}
