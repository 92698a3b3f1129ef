"""Adverse-event and product-complaint signals in a question, for pharmacovigilance follow-up.

A message that names a product is an adverse-event report (something happened to someone with it: a reaction, a
lack of effect, an overdose or medication error, an exposure in pregnancy) or a product complaint (broken,
discoloured, mislabelled, a foreign particle, a short count...) when the fitted classifiers say so
(safety_model.py, fitted by bench/fit_safety.py on the labelled sets in eval/golden/safety*.jsonl; their held-out
figures are in bench/RESULTS.md). Asking for advice ("Can I take Advil for the headache?"), what a drug might do,
a history long past or "no problems on it" is not a report. Extracted by the word tables below: drug, event,
timing, seriousness cues, the four minimum criteria of a valid report (patient, reporter, product, event), the
defect and lot number, and day 0 (time of receipt).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from assistant.question import language, safety_model
from assistant.question.products import drugs_in

SYMPTOMS = (
    r"rash(?:es)?|hives|itch\w*|swell\w*|angioedema|anaphyla\w*|bleed\w*|bruis\w*|blood in|black stools?|"
    r"hemorrhag\w*|haemorrhag\w*|nausea|nauseous|vomit\w*|diarrh\w*|constipat\w*|dizz\w*|faint\w*|syncope|"
    r"headaches?|migraines?|jaundice|yellow\w* (?:skin|eyes)|liver (?:damage|injury|failure|enzymes?)|"
    r"pain\w*|ache\w*|cramp\w*|tendon\w*|tendinitis|rupture\w*|lactic acidosis|acidosis|hypoglyc\w*|"
    r"low blood sugar|seizures?|convuls\w*|confus\w*|halluc\w*|insomnia|palpitations?|arrhythmi\w*|"
    r"chest pain|short(?:ness)? of breath|breathless\w*|wheez\w*|cough\w*|fever\w*|infection|kidney (?:injury|failure)|"
    r"renal failure|muscle (?:pain|weakness)|myalgia|weakness|fatigue|tired\w*|numb\w*|tingl\w*|neuropath\w*|"
    r"blister\w*(?!\s+(?:packs?|cards?|strips?|packaging))|peeling|stevens|necrosis|hair loss|weight (?:gain|loss)|depress\w*|suicid\w*|anxiety|"
    r"stroke|heart attack|myocardial infarction|clots?|thrombo\w*|embol\w*|side[- ]effects?|adverse (?:event|reaction)s?|"
    r"reactions?|(?:elevated|high|raised) (?:inr|potassium|liver|lft|creatinine)|inr (?:of|was|went|rose|came back)|"
    r"abnormal|birth defects?|malformation\w*|miscarriage|stopped working|not working|no longer work\w*|"
    r"lack of (?:effect|efficacy)|overdos\w*|took too many|double dose|extra dose|wrong dose|medication error|"
    r"(?:gave|given|took|taken|received|had)\b[^.?!]{0,40}\btwice\b(?! (?:a|per|daily|each|every)\b)|"
    r"(?:took|swallowed|ate|ingested|downed|drank|taken)\s+(?:(?:a|an|the|his|her|my|their)\s+)?(?:(?:whole|entire|full)\s+"
    r"(?:bottle|box|pack\w*|packet|strip|blister\w*)|handful)|"
    r"(?:took|swallowed|ate|ingested|taken)\s+all\s+(?:of\s+)?(?:his|her|my|their|the)\s+(?:pills|tablets|capsules)|"
    r"died|death|passed away|swallowed|ingested|accidental\w*|nose ?bleeds?|became pregnant|pregnant while|"
    r"exposed during pregnancy|(?:took|taken|was on|was taking|used|received)\b[^.?!]{0,60}\b(?:during|in) "
    r"(?:her|my|the) (?:\w+ )?(?:trimester|pregnancy)|(?:during|in) (?:her|my) (?:\w+ )?(?:trimester|pregnancy)\b"
    r"[^.?!]{0,60}\b(?:took|taken|was on|was taking|used|received)\b|turned yellow|yellowing|went up|rose again|spots|bumps|redness|welts|lesions|"
    r"(?:potassium|inr|glucose|blood sugar|sugar|creatinine|alt|ast|enzymes?|lfts?|liver tests?|bilirubin|"
    r"platelets?|ha?emoglobin|ldl|sodium|blood pressure|bp|ck|cpk|creatine kinase|tsh|a1c|hba1c|wbc|"
    r"white (?:blood )?(?:cell )?count|neutrophils|lipase|amylase|troponin|ammonia|lactate)\s+(?:rose|went up|"
    r"dropped|fell|increased|decreased|(?:is|was|are|were|came back) (?:now )?(?:abnormal|high|low|elevated|raised|"
    r"up|down|at \w+)|of \d|[:=]?\s*\d{2,})|(?:\w+ )?times (?:the )?(?:normal|upper limit|uln)|"
    r"pregnant\b[^.?!]{0,60}\b(?:have|has|had|'ve|'d) been (?:taking|using|on)\b|"
    r"(?:have|has|had|'ve|'d) been (?:taking|using|on)\b[^.?!]{0,60}\b(?:while|whilst|during|when) "
    r"(?:i was |she was |i'm |i am |she is )?pregnan\w*|found out (?:i was|i'm|i am|she was|she is|she's) pregnant|"
    r"(?:lost|gained|put on|dropped) (?:\d+|a lot of|so much|several|many) ?(?:kg|kilos?|lbs?|pounds|stone)|"
    r"swoll\w*|hurts?|hurting|sore\w*|can'?t (?:walk|sleep|breathe|stand|move)|whole (?:tablets?|pills?|capsules?) "
    r"in (?:his|her|the|my) stools?|(?:dispensed|given|gave|took|taken|received|filled|got)\b[^.?!]{0,40}\binstead of|"
    r"dispensed (?:the )?wrong|given (?:the )?wrong|made (?:him|her|me|them) \w+"
)
PATIENT = re.compile(
    r"\b(?:(?:my|a|our|the|one of my|this|his|her) (?:patient|pt|client|resident|wife|husband|partner|son|"
    r"daughter|mother|father|mom|dad|child|kid|baby|infant|neonate|friend|colleague|brother|sister|grandmother|"
    r"grandfather)s?|\d{1,3}[- ](?:year|yr|month|week|day)s?[- ]old|\d{1,3} ?(?:yo|y/o)\b|he|she|him|his|her|"
    r"man|woman|boy|girl|male|female|toddler|teenager|i|me|my|\[NAME\]|patient (?:of mine|in my))\b", re.I)
# A negation governs the rest of its clause: "no cough or swelling", up to a full stop, "but" or "then".
NEGATION_SCOPE = re.compile(
    r"\b(?:no|not|never|without|didn'?t|did not|hasn'?t|has not|haven'?t|have not|wasn'?t|was not|denies|denied|"
    r"free of|nor)\b(?:(?!\bbut\b|\bthen\b|\bhowever\b)[^.?!;]){0,60}", re.I)
# emergency treatment ("given epinephrine in the ED") marks a case as serious as an admission does
SERIOUS = re.compile(r"\b(?:hospitali[sz]\w*|admitted|icu|intensive care|emergency|er\b|(?-i:ED)\b|a&e|died|death|fatal|"
                     r"epinephrine|"
                     r"passed away|life[- ]threatening|intubat\w*|transfus\w*|disabilit\w*|birth defect|"
                     r"malformation|anaphyla\w*|resuscitat\w*|seizure)", re.I)
DEFECT = re.compile(
    r"\b(?:broken|crumbl\w*|embedded|(?:found|was|were) (?:a |an )?(?:hair|insect|bug|piece of \w+) in|chipped|cracked|split tablets?|discolou?r\w*|(?:wrong|different|odd|strange) "
    r"colou?r|looks? (?:different|odd|strange)|(?:bad|strange|odd|funny|chemical|soapy) (?:after)?(?:smell|odou?r|taste)|smells?|odou?r|"
    r"(?:are|is|look|looks|turned|became|seem|seems) (?:\w+ )?(?:yellowish|brownish|greenish|gr[ae]yish|pinkish|"
    r"bluish|discolou?red)|crystals? (?:in|at|on|formed)|sediment|precipitat\w*|(?:won'?t|will not|doesn'?t|does not|"
    r"didn'?t) (?:mix|shake|dissolve)\b|(?:no|missing|without(?: a| any| the)?) (?:\w+ ){0,2}(?:leaflet|label|"
    r"insert|instructions|medication guide)\b(?! (?:says?|warns?|mentions?|lists?|states?))|"
    r"smell(?:ed|t|s)? (?:off|bad|funny|strange|odd)|clump\w*|lumps?|cloudy|separated|half[- ]empty|"
    r"(?:pink|white|yellow|blue|green|orange|peach|tan|brown|red|purple|grey|gray|beige) instead of|"
    r"(?:different|odd|strange|wrong|unusual) (?:shape|size|markings?|imprint|texture|shade)|specks?|"
    r"(?:do(?:es)?n'?t|does not|do not) match (?:the )?(?:picture|photo|image|description|leaflet|label|insert)|"
    r"label\w* (?:says|reads|states|shows)\b[^.?!]{0,30}\bbut (?:the )?(?:\w+ ){1,3}(?:says|reads|states|shows)\b|"
    r"(?:seal|foil|blister|packet|sachet|box|carton|wrapper|bottle)\w* (?:[^.?!]{0,40}?\b(?:was|were|is|are|came|"
    r"arrived) )?(?:already (?:torn|ripped|punctured|cut|opened|open)|torn|ripped|punctured)\b|"
    r"instead of (?:pink|white|yellow|blue|green|orange|peach|tan|brown|red|purple|grey|gray|beige)|"
    r"whole (?:tablets?|pills?|capsules?) in (?:his|her|the|my) stools?|"
    r"(?:blister|pocket|bottle|box|pack)\w*[^.?!]{0,30}\bempty|"
    r"foreign (?:object|particle|matter|body)|particles?|specks?|mou?ld\w*|contaminat\w*|tamper\w*|seal (?:was |is )?"
    r"(?:broken|missing|open)|damaged|leak\w*|empty (?:capsule|bottle|blister)s?|missing (?:\w+ )?(?:tablets?|pills?|capsules?|doses?)|(?:tablets?|pills?|capsules?) (?:were |was )?missing|(?:fewer|less) (?:tablets?|pills?|capsules?) than|short (?:count|by \w+ (?:tablets?|pills?|capsules?))|"
    r"wrong (?:tablets?|pills?|strength|label)|mislabel\w*|label+ed (?:with|for) (?:someone|somebody|another|a different|"
    r"the wrong)\b|(?:someone|somebody) else'?s (?:name|prescription|medication|medicine|pills?)|label(?:l?ed)? (?:wrong|incorrect\w*)|counterfeit|fake|"
    r"expired|lot (?:number|no\.?|#)|batch (?:number|no\.?)|(?:did|does|would|will|could)(?:n'?t| not) dissolve|"
    r"gritty|grainy|(?:tiny|small|black|dark|brown|white) (?:dots|spots|marks) on|(?:piece|bit|fragment|shard)s? of (?:plastic|glass|metal|paper|foil|wood|rubber)|"
    r"(?:stuck|fused|melted|glued) together|stuck to (?:the )?(?:foil|blister|pack\w*|backing)|(?:broke|crumbled|"
    r"shattered) (?:when|as) (?:i|we) (?:pushed|pressed|popped|took)|\d+(?:\.\d+)? ?mg\b[^.?!]{0,40}\b(?:labell?ed|"
    r"marked)\b(?: as)? \d+(?:\.\d+)? ?mg|(?:tablets?|pills?|capsules?|caplets?|gelcaps?|syrup|suspension|solution|liquid|powder)\s+"
    r"(?:are|is|were|was|look|looks|feel|feels|seem|seems|arrived|came)\s+(?:\w+ )?(?:sticky|powdery|melted|soft|"
    r"damp|mushy)|cap (?:was )?(?:broken|loose)|split open|hole in (?:the |a |each )?(?:coating|capsule|tablet|"
    r"blister|foil|seal|bottle)|powder (?:is |was )?(?:coming|leaking|spilling) out|(?:expiry|expiration|"
    r"use-by|lot) (?:date|number)\b[^.?!]{0,30}?(?:smudged|illegible|unreadable|faded|rubbed off|missing)|"
    r"(?:white|pink|yellow|blue|green|orange|peach|tan|brown|red|purple|lavender|grey|gray|beige|round|oval|"
    r"colou?r)\w*,? but (?:the )?(?:label|leaflet|insert|picture|photo|box|carton|bottle)\w*(?: \w+){0,3} "
    r"(?:shows?|says?|has|is|are)\b|"
    r"(?:had|has|contained|contains|with|only|counted) (?:only )?\d+ (?:tablets?|pills?|capsules?|caplets?|doses?) "
    r"(?:instead of|not|rather than|when it should)|"
    r"(?:cap|lid|seal|closure|dropper|pump|plunger)\w* [^.?!]{0,40}(?:won'?t|doesn'?t|does not|will not|can'?t|"
    r"cannot|no longer|didn'?t|did not) (?:\w+ )?(?:lock|close|open|screw|seal|click|stay|fit|work)|"
    r"(?:no |without (?:an? |any )?|missing (?:the |an? )?)(?:expiry|expiration|use-by|best-before|lot) (?:date|"
    r"number)|(?:no|missing|worn|faded|smudged|unreadable|illegible) (?:\w+ )?(?:markings?|measurements?|lines|numbers|"
    r"print)|(?:markings?|measurements?|print) (?:are |were |is |was )?(?:missing|worn|faded|rubbed off|"
    r"illegible|unreadable|smudged)|blister pack (?:was )?(?:empty|torn)|"
    r"label+ed [^.?!]{0,25} but (?:it )?contain\w*|contained the wrong \w+|"
    r"label+ed [^.?!]{0,25} but (?:the )?(?:tablets?|pills?|capsules?|caplets?|it|they)\b[^.?!]{0,30}"
    r"(?:are|is|were|was|look)\b)\b",
    re.I)
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|couple of)"
TIMING = re.compile(
    rf"\b(?:{_NUM}\s+(?:hours?|days?|weeks?|months?|years?|doses?)\s+(?:after|later|ago|into)"
    rf"(?:\s+(?:starting|taking|switching|increasing|the first dose|the dose|(?:his|her|their|the) \w+))?|"
    rf"(?:after|within|for|over|about|around|nearly|almost)\s+{_NUM}\s+(?:hours?|days?|weeks?|months?|years?|doses?)|"
    r"(?:yesterday|today|last night|last week|this morning)|"
    r"(?:after|since)\s+(?:starting|taking|switching|increasing|the first dose|the dose))\b", re.I)
LOT = re.compile(r"\b(?:lot|batch)\s*(?:number|no\.?|#)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{2,})", re.I)


# An event word that names why the drug is taken ("for the pain", "help with swelling", "because the infection is
# severe", "when I start feeling the headache") is the indication; not after a drug was stopped or switched
# ("stopped it because my lips swelled").
INDICATION = re.compile(r"\b(?:for|with|help\w*|reduc\w*|reliev\w*|treat\w*|against|ease|because(?: of)?|when (?:i|you|"
                        r"he|she|we|they) (?:start\w* |begin\w* |first )?(?:feel\w*|get\w*|have|experienc\w*))\s+"
                        r"(?:\w+\s+){0,3}$", re.I)
STOPPED = re.compile(r"\b(?:stop\w*|quit|discontinu\w*|switch\w*|came off|taken off)\b[^.?!]*$", re.I)

BODY = (r"tongue|urine|ears?|skin|eyes?|stools?|heart|liver|kidneys?|legs?|feet|foot|ankles?|heels?|chest|stomach|"
        r"belly|abdomen|head|mouth|lips?|face|hair|nails?|joints?|muscles?|thighs?|calf|calves|vision|sight|hearing|weight|sleep|mood|"
        r"memory|breath\w*|throat|gums?|nose|hands?|arms?|back|bones?|teeth")
CHANGE = (r"turned|dark|black|red|yellow|purple|swollen|swelling|losing|lost|gaining|gained|ringing|defects?|"
          r"blurr\w*|keeps?|can'?t|won'?t|furry|hairy|bleeding|numb|burning|falling out|changed|worse|weird|funny|"
          r"weak|weaker")
# the words between a body part and its change stay in one clause: not across ", so can I keep taking"
_GAP = r"(?:(?!,\s*(?:so|but|can|could|should|would|will|is|are|do|does|may|what|how)\b)[^.?!;]){0,30}"
EVENT_CUES = re.compile(
    rf"\b(?:{BODY})\b{_GAP}\b(?:{CHANGE})\b|\b(?:{CHANGE})\b{_GAP}\b(?:{BODY})\b|"
    r"\b(?:gave (?:me|him|her|them)|made (?:me|him|her|them)|caused|causing|due to the|because of the|"
    r"born with|already on it|twice the|too much|double (?:dose|anticoagulation|\w+)|extra (?:dose|tablet))\b", re.I)


CAUSE_CUES = ("due to the", "because of the")
DRUG_WORD = re.compile(r"\b(?:drugs?|medic\w*|meds?|pills?|tablets?|capsules?|caplets?|antibiotics?|shots?|"
                       r"injections?|vaccines?|doses?|dosage|treatment|prescription|(?:new|higher|extra|double) \w+)\b", re.I)


def _names_drug(text: str) -> bool:
    return bool(DRUG_WORD.search(text) or drugs_in(text))


def _events(text: str, indications: bool = True) -> list[str]:
    """Event terms that are not negated (nor, with indications=False, named as the reason the drug is taken)."""
    found = []
    negated_spans = [m.span() for m in NEGATION_SCOPE.finditer(text)]
    for m in re.finditer(rf"\b(?:{SYMPTOMS})\b", text, re.I):
        if any(s <= m.start() < e for s, e in negated_spans):
            continue
        if not indications and INDICATION.search(text[:m.start()]) and not STOPPED.search(text[:m.start()]):
            continue
        found.append(m.group(0).lower())
    for m in EVENT_CUES.finditer(text):
        if any(s <= m.start() < e for s, e in negated_spans):
            continue
        # "because of the amoxicillin" blames a drug; "because of the cost" does not
        if m.group(0).lower() in CAUSE_CUES and not _names_drug(text[m.end():m.end() + 40]):
            continue
        if m.group(0).lower().startswith(("gave ", "made ")) and _names_drug(" ".join(text[m.end():].split()[:2])):
            continue
        found.append(m.group(0).lower())
    return list(dict.fromkeys(found))


def analyse(question: str, known_products: list[str], embedder=None, lang: str = "en", e5=None,
            english: str | None = None) -> dict:
    """Adverse-event and product-complaint signals of a question: {"adverse_event": {...} | None, ...}.

    Whether a message reports either is decided by the fitted classifiers (safety_model), for a message that names
    a product; the word tables here only fill in the report (event, timing, seriousness cues, defect, lot number).
    embedder: the caller's embedder, used when it is the model's (int8 MiniLM) so it is not loaded twice.
    lang: the question's language; another than English is read by the cross-language classifiers (e5: the
    caller's multilingual-e5-small), the products named in Japanese, Chinese or Korean script found by the name
    table. The word tables read English: elsewhere the event is read from the question's English search words
    (english: the caller's, else made from the term tables here), or is "unspecified" with the message."""
    text = question
    across = lang != "en"
    cjk = language.drugs_in(text) if lang in language.CJK else []
    products = list(dict.fromkeys([p for p in known_products] + cjk + drugs_in(text)))
    out: dict = {"adverse_event": None, "product_complaint": None}
    if not products:
        return out
    received = datetime.now(UTC).isoformat(timespec="seconds")
    scores = safety_model.probabilities_across(text, e5) if across else \
        safety_model.probabilities(text, given_embedder=embedder)
    if scores["adverse_event"] >= safety_model.threshold("adverse_event", across):
        # in another language: the event words among its English search words (the term tables), if any
        read = (english or language.english(text, lang, {}, frozenset())) if across else text
        events = _events(read, indications=False) or _events(read)
        serious = sorted({m.group(0).lower() for m in SERIOUS.finditer(text)})
        timing = [m.group(0) for m in TIMING.finditer(text)]
        patient = bool(PATIENT.search(text))
        out["adverse_event"] = {
            "drug": products[0], "products": products, "event": ", ".join(events[:5]) or "unspecified: " + text[:200],
            "timing": timing[0] if timing else None, "seriousness_cues": serious, "serious": bool(serious),
            "criteria": {"identifiable_patient": patient, "identifiable_reporter": True, "suspect_product": True,
                         "event": True},
            "valid_report": patient, "day0": received, "score": round(scores["adverse_event"], 3),
            "action": "forward to pharmacovigilance within one working day",
        }
    if scores["product_complaint"] >= safety_model.threshold("product_complaint", across):
        defects = [m.group(0).lower() for m in DEFECT.finditer(text)
                   if not re.search(r"\b(?:no|not|never|without)\b[^.?!]{0,20}$", text[:m.start()], re.I)]
        lot = LOT.search(text)
        out["product_complaint"] = {"product": products[0],
                                    "problem": ", ".join(dict.fromkeys(defects)) or "unspecified: " + text[:200],
                                    "lot_number": lot.group(1) if lot else None, "day0": received,
                                    "score": round(scores["product_complaint"], 3),
                                    "action": "record the complaint and request a sample for quality assurance"}
    return out
