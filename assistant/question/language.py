"""Questions in other languages: which language, which drug, and the English words to search the sources with.

The sources are English. A question in Japanese, Chinese or Korean is searched two ways: as written, by the
multilingual embedding model (multilingual-e5-small, opt-in: ingest/multilingual.py), and as an English "pivot"
made of the drugs it names and the label-structure and clinical words it uses (data/label_terms_cjk.tsv,
data/clinical_terms_cjk.tsv): "ワルファリンの推奨開始用量は？" -> "warfarin recommended starting initial dose
dosage". Drug names come from a documented table (data/drug_names_cjk.tsv) and, for katakana and hangul names not
listed, from transliteration matched by spelling against the store's product names. The pivot is what the English
answering steps (scope, evidence, answerability) read; the quotes stay verbatim in English.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from assistant.question.european import INTERFACE as EUROPEAN_INTERFACE
from assistant.question.european import LANGUAGES as EUROPEAN
from assistant.question.european import identify as identify_european
from assistant.question.european import pivot as european_pivot

DATA = Path(__file__).parent / "data"
CJK = ("ja", "zh", "ko")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
KATAKANA_RUN = re.compile(r"[\u30a0-\u30ffー]{3,}")
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")
ENGLISH_FUNCTION = {"the", "is", "are", "of", "what", "for", "in", "and", "can", "does", "do", "with", "to", "a",
                    "how", "should", "be", "it", "when", "which", "my", "i", "an", "on", "or", "if", "this"}


def detect(text: str) -> str:
    """ja, zh, ko (by script), es, fr, de, pt, it (by their words, european.py), en, or "other" (a Latin-script
    question that reads as no English). Chinese in traditional characters is "zh" here; `variant` tells it apart."""
    if KANA.search(text):
        return "ja"
    if HANGUL.search(text):
        return "ko"
    if HAN.search(text):
        return "zh"
    european = identify_european(text)
    if european:
        return european
    words = re.findall(r"[A-Za-z\u00C0-\u024F]+", text.lower())
    if len(words) >= 4 and not any(w in ENGLISH_FUNCTION for w in words):
        return "other"
    return "en"


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # OpenCC's own dictionaries, inside the package

    return opencc.OpenCC("t2s.json").convert


def simplified(text: str) -> str:
    """A question in the forms the tables are written in: full-width Latin letters and digits and half-width
    katakana as typed on Japanese keyboards ("ＩＮＲ", "ｅＧＦＲ３０", "ﾜﾙﾌｧﾘﾝ") in their usual forms (NFKC), and
    Chinese in traditional characters (Taiwan, Hong Kong: "華法林的起始劑量") in simplified ones ("华法林的起始剂量").
    Japanese and Korean characters are otherwise left as they are."""
    text = unicodedata.normalize("NFKC", text)
    return _to_simplified()(text) if detect(text) == "zh" else text


def variant(text: str, lang: str) -> str:
    """zh-Hant for a Chinese question written in traditional characters (its interface text is then written so);
    otherwise the language as detected."""
    if lang != "zh":
        return lang
    text = unicodedata.normalize("NFKC", text)
    return "zh-Hant" if _to_simplified()(text) != text else lang


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t.json").convert


def traditional(text: str) -> str:
    """Simplified Chinese text in traditional characters (the interface and letters for a question written so)."""
    return _s2t()(text)


def _table(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            src, _, dst = line.partition("\t")
            rows.append((src.strip(), dst.strip()))
    return sorted(rows, key=lambda r: -len(r[0]))


@lru_cache(maxsize=1)
def drug_table() -> list[tuple[str, str]]:
    return _table("drug_names_cjk.tsv")


@lru_cache(maxsize=1)
def label_terms() -> list[tuple[str, str]]:
    """The label-structure words and the clinical terms (conditions, reactions, situations), longest first."""
    return sorted(_table("label_terms_cjk.tsv") + _table("clinical_terms_cjk.tsv"), key=lambda r: -len(r[0]))


# --- transliteration (matching only: never shown) ------------------------------------------------

_KANA = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ",
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
    "ya yu yo ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu pe po "
    "vu".split(), strict=True))
_SMALL = {"ャ": "ya", "ュ": "yu", "ョ": "yo", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}


def katakana_to_latin(text: str) -> str:
    out: list[str] = []
    double = False
    for ch in text:
        if ch == "ッ":
            double = True
            continue
        if ch == "ー":
            continue  # long vowel mark
        if ch in _SMALL and out:
            prev = out[-1]
            out[-1] = (prev[:-1] if prev.endswith("i") and _SMALL[ch].startswith("y") else prev[:-1]) + _SMALL[ch] \
                if len(prev) > 1 else prev + _SMALL[ch]
            continue
        syl = _KANA.get(ch, "")
        if double and syl:
            syl = syl[0] + syl
        double = False
        out.append(syl)
    return "".join(out)


_L = "g kk n d tt r m b pp s ss _ j jj ch k t p h".split()
_V = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_T = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
      "ng", "t", "t", "k", "t", "p", "t"]


def hangul_to_latin(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue
        lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
        out.append(_L[lead].replace("_", "") + _V[vowel] + _T[tail])
    return "".join(out)


def _phonetic(word: str) -> str:
    """A spelling key that forgives what transliteration loses (l/r, f/p/b/v, k/c/g, e/i, o/u, vowels added
    after consonants, doubled letters) but keeps the shape of the word."""
    w = word.lower()
    for a, b in (("ph", "f"), ("th", "t"), ("x", "ks"), ("c", "k"), ("q", "k"), ("l", "r"), ("v", "b"),
                 ("f", "p"), ("b", "p"), ("g", "k"), ("d", "t"), ("z", "s"), ("j", "s"), ("y", "i"), ("w", "u"),
                 ("eo", "o"), ("eu", "u"), ("e", "i"), ("o", "u")):
        w = w.replace(a, b)
    w = re.sub(r"([kstnrpm])u(?=[kstnrpm]|$)", r"\1", w)  # the vowel katakana adds after a lone consonant
    return re.sub(r"(.)\1+", r"\1", w)


# Korean endings (particles and the question ending) that follow a drug name written in hangul.
_KO_ENDINGS = re.compile(r"(?:입니까|습니까|은|는|이|가|을|를|의|에서|에게|에|과|와|도|으로|로|만|이나|나)$")


def drugs_in(text: str, names: dict[str, str] | None = None) -> list[str]:
    """English names of the drugs a CJK question names: from the table, else (katakana and hangul) by
    transliteration matched against `names` (the store's product names and aliases -> product)."""
    from rapidfuzz import fuzz, process

    found: list[str] = []
    rest = text = simplified(text)
    for src, eng in drug_table():
        if src in rest:
            rest = rest.replace(src, " ")
            if eng not in found:
                found.append(eng)
    if names:
        keys = {_phonetic(n): p for n, p in names.items() if len(n) >= 4}
        runs = [katakana_to_latin(m) for m in KATAKANA_RUN.findall(rest)] + \
               [hangul_to_latin(w) for w in (_KO_ENDINGS.sub("", m) for m in HANGUL_RUN.findall(rest)) if len(w) >= 3]
        for latin in runs:
            if len(latin) < 5:
                continue
            best = process.extractOne(_phonetic(latin), list(keys), scorer=fuzz.ratio, score_cutoff=80)
            if best and keys[best[0]] not in found:
                found.append(keys[best[0]])
    return found


def pivot(text: str, names: dict[str, str] | None = None) -> str:
    """The English words to search the English sources with: the drugs named, the label words used, and any
    Latin-script words the question already has (INR, eGFR, HeFH...)."""
    text = simplified(text)
    words = drugs_in(text, names)
    rest = text
    for src, _eng in drug_table():
        rest = rest.replace(src, " ")
    for src, eng in label_terms():
        if src in rest:
            rest = rest.replace(src, " ")
            words.append(eng)
    words += re.findall(r"[A-Za-z][A-Za-z0-9-]*", rest)
    return " ".join(dict.fromkeys(" ".join(words).split()))


def english(text: str, lang: str, names: dict[str, str], vocab: frozenset[str]) -> str:
    """The English search words of a question in another language ("" for English or a language without them):
    names are the store's product names and aliases, vocab the store's words (for cognates, european.py)."""
    if lang in CJK:
        return pivot(text, names)
    if lang in EUROPEAN:
        return european_pivot(text, lang, vocab, names)
    return ""


# --- the interface in the question's language ---------------------------------------------------------

INTERFACE = {
    "en": {"safety": "This question may describe an adverse event or a product complaint; it has been recorded for "
                     "pharmacovigilance follow-up."},
    "ja": {"no_evidence": "利用可能な資料ではこの質問に回答できません。", "references": "参考文献",
           "answering": "回答対象", "searched": "英語の資料を次の語で検索しました: {pivot}",
           "quotes": "引用は英語の原文のままです。",
           "safety": "この質問は有害事象または製品苦情を含む可能性があるため、"
                     "ファーマコビジランスの確認用に記録しました。"},
    "zh": {"no_evidence": "现有资料无法回答此问题。", "references": "参考文献", "answering": "正在回答",
           "searched": "已用以下英文词检索英文资料：{pivot}", "quotes": "引文保留英文原文。",
           "safety": "此问题可能涉及不良事件或产品投诉，已记录以供药物警戒跟进。"},
    "ko": {"no_evidence": "이용 가능한 자료로는 이 질문에 답할 수 없습니다.", "references": "참고문헌",
           "answering": "답변 대상", "searched": "다음 영어 단어로 영어 자료를 검색했습니다: {pivot}",
           "quotes": "인용문은 영어 원문 그대로입니다.",
           "safety": "이 질문은 이상사례 또는 제품 불만을 포함할 수 있어 약물감시 후속 조치를 위해 기록되었습니다."},
}


def interface(language: str | None, key: str, **kwargs) -> str | None:
    if language == "zh-Hant":
        text = interface("zh", key, **kwargs)
        return traditional(text) if text else None
    text = (INTERFACE | EUROPEAN_INTERFACE).get(language or "", {}).get(key) or INTERFACE["en"].get(key)
    return text.format(**kwargs) if text else None
