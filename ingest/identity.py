"""What product a label is about, read from the label itself: brand, active ingredient, formulation and a
readable title, so a label ingested without a manifest is still found by its brand or generic name.

Sources, in order: the Highlights sentence ("...needed to use XARELTO safely...") and the product line
("XARELTO (rivaroxaban) tablets, for oral use"); DailyMed's first line ("WARFARIN SODIUM- warfarin sodium
tablet"); a Drug Facts panel ("Active ingredient ... Ibuprofen 200 mg"). The brand names of the ingredient
come from the FDA/NLM lexicon in ingest/data/drug_names.tsv. A manifest refines all of this; none of it is
required.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
# Salt and hydrate words that name the form of an ingredient, not the ingredient (USP salt nomenclature).
SALTS = {"sodium", "hydrochloride", "hcl", "calcium", "potassium", "citrate", "maleate", "besylate", "mesylate",
         "succinate", "tartrate", "sulfate", "phosphate", "acetate", "bromide", "chloride", "magnesium", "fumarate",
         "dihydrate", "monohydrate", "trihydrate", "hemihydrate", "anhydrous", "disodium", "hyclate", "usp",
         "tromethamine", "hydrobromide", "dipropionate", "propionate", "valerate", "bitartrate", "bisulfate",
         "napsylate"}
# Words of a printed generic name that describe the product's form, not its ingredient.
NOT_INGREDIENT = {"transdermal", "system", "extended-release", "delayed-release", "immediate-release", "oral",
                  "tablet", "tablets", "capsule", "capsules", "injection", "solution", "suspension", "for", "film",
                  "coated", "chewable", "orally", "disintegrating"}
FORMS = (r"tablets?|capsules?|injection|injectable|solution|suspension|cream|ointment|gel|patch|film|powder|"
         r"system|kit|spray|lotion|syrup|elixir|granules|implant|for injection|for oral|lyophilized")
_USE = re.compile(r"needed\s+to\s+use\s+(?P<brand>.{2,80}?)\s+safely", re.I | re.S)
_DAILYMED = re.compile(rf"^\s*(?P<name>[A-Z][A-Z0-9 ,.'&/-]{{2,80}}?)\s*-\s+(?P<generic>[a-z][a-z0-9 ,;'\n-]{{2,120}}?)"
                       rf"\s+(?:{FORMS})\b", re.M)
_THIS_PRODUCT = re.compile(r"This product is\s+(?P<brand>[A-Z][A-Za-z0-9-]+)\s*(?:®|™|TM)?\s*"
                           r"\((?P<g>[a-z][a-z0-9 -]{2,60})\)")
_MARK = r"\s*(?:®|™|TM|SM)?\s*"
_ACTIVE = re.compile(r"Active ingredients?\b[^\n]*\n\s*(?P<generic>[A-Z][a-z]+(?:\s+[a-z]+)?)\s+\d", re.S)
_EXTENDED = re.compile(r"extended[- ]release|\bER\b|\bXR\b|\bXL\b", re.I)
_BAD_TITLE = re.compile(r"^(?:label|untitled|document|microsoft word.*|.*these highlights.*|\d[\d.\s]*)$", re.I | re.S)


@dataclass
class Identity:
    brand: str | None = None
    generic: str | None = None  # as printed, e.g. "warfarin sodium"
    product: str | None = None  # the ingredient, lower case, e.g. "warfarin"
    formulation: str | None = None  # "extended-release" when the label says so
    title: str | None = None
    aliases: list[str] = field(default_factory=list)


def ingredient(generic: str) -> str | None:
    """The ingredient of a printed generic name: "metformin hydrochloride" -> "metformin",
    "tocilizumab-aazg" -> "tocilizumab"."""
    first = re.split(r"[;,]| and ", generic.lower())[0]
    words = [w for w in re.findall(r"[a-z][a-z0-9-]*", first) if w not in SALTS and w not in NOT_INGREDIENT]
    if not words:
        return None
    name = re.sub(r"-[a-z]{4}$", "", " ".join(words))  # biosimilar suffix
    return name if len(name) >= 3 else None


def _clean(brand: str) -> str:
    brand = " ".join(brand.replace("®", "").replace("™", "").split())
    return brand.split("/")[0].strip(" .,")


def identify(first_pages: list[str], meta_title: str | None = None) -> Identity:
    """Identity of a label from the text of its first pages (and its PDF title, when that is a real one)."""
    text = "\n".join(first_pages)
    ident = Identity()
    d = _DAILYMED.search(text[:600])  # DailyMed's first line names the ingredient as printed
    if d:
        ident.generic = " ".join(d.group("generic").split())
    m = _USE.search(text)
    if m:
        brand = _clean(m.group("brand"))
        g = re.search(rf"{re.escape(brand)}{_MARK}\((?P<g>[a-z][a-z0-9 ,;'-]{{2,80}})\)", text, re.I)
        t = _THIS_PRODUCT.search(text)
        if t:
            brand, ident.generic = t.group("brand"), ident.generic or t.group("g").lower()
        elif g and ident.generic is None:
            ident.generic = " ".join(g.group("g").split()).lower()
        elif ident.generic is None and re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]{4})?", brand) and \
                re.search(rf"{re.escape(brand)}\s+(?:{FORMS})", text):
            ident.generic = brand.lower()  # an unbranded biologic: "TOCILIZUMAB-AAZG injection"
        ident.brand = brand
    elif d:
        ident.brand = " ".join(d.group("name").split()).title()
    if ident.generic is None:
        a = _ACTIVE.search(text)
        if a:
            ident.generic = a.group("generic").lower()
    if ident.generic:
        ident.product = ingredient(ident.generic)
    line = " ".join(d.group(0).split()) if d else _product_line(text, ident)
    if line and _EXTENDED.search(line):
        ident.formulation = "extended-release"
    ident.title = _title(text, ident, line, meta_title)
    if ident.product:
        names = {ident.brand.lower()} if ident.brand else set()
        # Brand names only: "warfarin sodium tablets" names the ingredient, not a brand.
        ident.aliases = sorted(n for n in names | brands_of(ident.product) if ident.product not in n)
    return ident


def _product_line(text: str, ident: Identity) -> str | None:
    for line in text.split("\n"):
        low = line.lower()
        if ident.generic and ident.generic in low and re.search(FORMS, low) and len(line) < 160:
            return " ".join(line.split())
    return None


def _title(text: str, ident: Identity, line: str | None, meta_title: str | None) -> str | None:
    if ident.brand and ident.generic and ident.product and ident.product not in ident.brand.lower():
        form = ""
        if line:
            f = re.search(rf"\)\s*(.*?(?:{FORMS}).*?)(?:,|$)", line, re.I)
            form = f" {f.group(1).strip()}" if f else ""
        return f"{ident.brand} ({ident.generic}){form}"
    if meta_title and not _BAD_TITLE.match(meta_title.strip()) and len(meta_title.strip()) >= 8:
        return meta_title.strip()
    if line:
        return line
    for raw in text.split("\n"):  # the first line that reads as a title: not a page number or a stamp
        s = " ".join(raw.split())
        if len(re.findall(r"[A-Za-z]", s)) >= 4 and not _BAD_TITLE.match(s) and not _STAMP.search(s):
            return s[:200]
    return None


# Browser print headers and footers: "1/12/24, 3:45 PM", "https://...", "Page 3 of 40".
_STAMP = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}\s*(?:AM|PM)?|https?://|\bPage \d+ of \d+\b", re.I)


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, str], ...]:
    """(brand, generic) of every row of the FDA/NLM lexicon, read once."""
    with open(DATA / "drug_names.tsv", encoding="utf-8") as f:
        return tuple((row["brand"], row["generic"]) for row in csv.DictReader(f, delimiter="\t"))


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, set[str]]:
    """ingredient -> brand names (lower case) of single-ingredient products, from the FDA/NLM lexicon."""
    out: dict[str, set[str]] = {}
    for raw_brand, generic in _rows():
        gens = generic.split("; ")
        brand = " ".join(raw_brand.lower().split())
        if len(gens) != 1 or not 4 <= len(brand) <= 30 or len(brand.split()) > 2 or re.search(r"\d", brand):
            continue
        base = ingredient(gens[0])
        if base and brand != base:
            out.setdefault(base, set()).add(brand)
    return out


@lru_cache(maxsize=1)
def ingredients() -> frozenset[str]:
    """Every ingredient the FDA/NLM lexicon names, as its base name ("amantadine hydrochloride" -> "amantadine")."""
    return frozenset(b for _, generic in _rows() for b in (ingredient(g) for g in generic.split("; ")) if b)


@lru_cache(maxsize=1)
def brand_names() -> dict[str, frozenset[str]]:
    """One-word brand name (lower case, letters only) -> the ingredients of its products, every row of the FDA/NLM
    lexicon ("fioricet" -> butalbital, acetaminophen, caffeine)."""
    out: dict[str, set[str]] = {}
    for raw_brand, generic in _rows():
        brand = raw_brand.strip().lower()
        if re.fullmatch(r"[a-z]+", brand):
            out.setdefault(brand, set()).update(b for b in (ingredient(g) for g in generic.split("; ")) if b)
    return {b: frozenset(i) for b, i in out.items()}


def brands_of(product: str) -> set[str]:
    return set(_lexicon().get(product.lower(), set()))


def is_stamp(line: str) -> bool:
    """A browser print header or footer (date and time, URL, "Page n of m"): never evidence."""
    return bool(_STAMP.search(line))
