"""Adverse-event and product-complaint signals in a question, for pharmacovigilance follow-up.

Tuned for recall (a missed adverse event is worse than a false alarm): an adverse event is flagged when
a question mentions a product and an event that happened (or is happening) to someone, unless every
event it mentions is negated ("no side effects were seen"), or it only asks for advice ("Can I take Advil for
the headache?": no event besides the reason for taking the drug, no narrative of something that happened).
General questions about what a drug *can* do are not reports. A product complaint is a product plus a defect (broken, discoloured, mislabelled,
a foreign particle, a lot number...). Extracted: drug, event, timing, seriousness cues, the four
minimum criteria of a valid report (patient, reporter, product, event) and day 0 (time of receipt).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

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
OCCURRENCE = re.compile(
    r"\b(?:developed|develops|experienced|experiencing|experiences|had|has had|have had|got|gets|suffered|suffering|"
    r"presented|presenting|came in|complain\w*|reported|reports|noticed|noticing|ended up|was (?:hospitali[sz]ed|"
    r"admitted|found)|went to|died|passed away|fainted|collapsed|broke out|started (?:to )?\w+ing|is having|"
    r"was having|now has|now have|began|begun|showed|shows|turned|became|becoming|took|taken|gave|given|"
    r"i have|i had|i am having|i've had|i developed|i got|i took|says|said|told me|started|felt|feels|feeling|"
    r"swallowed|ingested|went up|rose|get|gets|getting|whenever|dropped|fell|came back)\b", re.I)
TEMPORAL = re.compile(
    r"\b(?:after|since|within|following|while|when)\s+(?:taking|starting|started|switching|increasing|using|on|"
    r"being|the (?:first|second|third)|\d+|a|an|one|two|three|four|five|six|seven|several|few|his|her|their|"
    r"my)\b|\b(?:yesterday|today|this morning|last (?:night|week|month)|days? later|weeks? later|ago)\b", re.I)
STRONG_OCCURRENCE = re.compile(
    r"\b(?:developed|experienced|experiencing|had|has had|have had|got|suffered|suffering|presented|came in|"
    r"complain\w*|reported|reports|noticed|noticing|ended up|was (?:hospitali[sz]ed|admitted|found|rushed)|"
    r"went to|died|passed away|fainted|collapsed|broke out|is having|was having|now has|now have|began|became|"
    r"turned|mixed up|mix-up|swallowed|ingested|keeps|kept|has been|have been|'s been|'ve been|since|"
    r"i have|i had|i am having|i've had|i developed|i got|i think|born|by mistake|in error|mistakenly|"
    r"inadvertently)\b", re.I)
SPECIFIC_PERSON = re.compile(
    r"\b(?:(?:my|our|this|his|her|one of my) (?:patients?|pt|client|resident|wife|husband|partner|son|daughter|"
    r"mother|father|mom|dad|child|kid|baby|friend|colleague|brother|sister|grandmother|grandfather)|"
    r"\d{1,3}[- ](?:year|yr|month|week|day)s?[- ]old|\d{1,3} ?(?:yo|y/o)|he|she|him|his|her|i|me|\[NAME\]|"
    r"(?:patient|pt|case)\s*[,:]\s*(?:\d{1,3}|male|female|man|woman|m|f)|(?:male|female|man|woman)\s*,\s*\d{1,3}|"
    r"(?:the )?(?:baby|mother|newborn|infant)|"
    r"(?:a|the) (?:man|woman|boy|girl|baby|infant|resident|teenager|toddler|patient) (?:who|on|taking|with|was|is|"
    r"had|has))\b", re.I)
# What a drug might do, or what one would do if: asked about, not told. One kind per line.
HYPOTHETICAL = re.compile(r"\b(?:"
                          r"(?:will|would|could|might|can)\s+(?:\w+\s+){0,2}(?:make|give)\s+(?:me|him|her|you|us|them)\b|"
                          r"what if|"
                          r"if (?:a|my|the|your)? ?(?:patient|someone|person|he|she|i|we|you|they)\b[^.?]*?\b"
                          r"(?:develops?|gets?|has|experiences?|misses|forgets|takes?|stops|swallows|ingests|eats|drinks|overdoses)|"
                          r"what (?:should|do|can|would) (?:i|we|you|one|they|parents) do if|"
                          r"in case (?:of|a|my|the|someone|he|she|i|we)\b|"
                          r"(?:what|which) (?:are )?(?:the )?(?:warning )?(?:signs|symptoms)\b|"
                          r"(?:should|to|must) (?:i |we |you |they )?(?:watch|look) (?:out )?for|"
                          r"can [\w\s]{0,30}\bcause|could [\w\s]{0,30}\bcause|"
                          r"risk of|how common|how often|"
                          r"(?:i'?m|i am|we'?re|we are|he'?s|she'?s|is|are) (?:about|going|planning|due|set) to (?:start|begin|take|try)\b|"
                          r"\bstart\w* (?:\w+ )?(?:tomorrow|next (?:week|month)|soon)\b|"
                          r"\b(?:i|we) (?:(?:'ve|have) )?(?:heard|read)\b|(?:i was|we were) told\b|(?:they|people) say\b|"
                          r"can (?:\w+ ){0,3}(?:damage|harm|hurt|affect)\b|"
                          r"is it (?:common|normal)|"
                          r"what are (?:the )?(?:\w+ ){0,2}(?:side effects|adverse)|"
                          r"does \w+ cause|do \w+ cause|likely to|"
                          r"\b(?:why|how) (?:does|do|would|can|could) (?:(?!(?:my|his|her|our|their)\b)[\w-]+\s+){1,5}"
                          r"(?:cause|lead to|trigger|produce)\b(?!\s+(?:me|him|her|us|them)\b)"
                          r")", re.I)
PATIENT = re.compile(
    r"\b(?:(?:my|a|our|the|one of my|this|his|her) (?:patient|pt|client|resident|wife|husband|partner|son|"
    r"daughter|mother|father|mom|dad|child|kid|baby|infant|neonate|friend|colleague|brother|sister|grandmother|"
    r"grandfather)s?|\d{1,3}[- ](?:year|yr|month|week|day)s?[- ]old|\d{1,3} ?(?:yo|y/o)\b|he|she|him|his|her|"
    r"man|woman|boy|girl|male|female|toddler|teenager|i|me|my|\[NAME\]|patient (?:of mine|in my))\b", re.I)
# A negation governs the rest of its clause: "no cough or swelling", up to a full stop, "but" or "then".
NEGATION_SCOPE = re.compile(
    r"\b(?:no|not|never|without|didn'?t|did not|hasn'?t|has not|haven'?t|have not|wasn'?t|was not|denies|denied|"
    r"free of|nor)\b(?:(?!\bbut\b|\bthen\b|\bhowever\b)[^.?!;]){0,60}", re.I)
TOLERATED = re.compile(r"\b(?:tolerat\w* (?:it |them |the \w+ )?(?:well|fine)|no (?:problems|issues|complaints)|"
                       r"doing (?:well|fine)|(?:kept|keeps|keeping) [^.?!]{0,40}\b(?:well[- ]controlled|controlled|"
                       r"under control|in check|stable|normal)|works? (?:well|great|fine)|working (?:well|great|fine)|"
                       r"(?:has|have|'s|'ve|had) been (?:\w+ )?(?:fine|good|great|ok|okay|stable|normal) on)\b",
                       re.I)
SERIOUS = re.compile(r"\b(?:hospitali[sz]\w*|admitted|icu|intensive care|emergency|er\b|a&e|died|death|fatal|"
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
# How research and drug development are spoken of ("has been shown to be effective", "Which company developed
# eptinezumab?") is not something that happened to someone: blanked before the occurrence words are looked for.
RESEARCH = re.compile(r"\b(?:(?:has|have|had|was|were|is|are|being|been)\s+(?:been\s+)?(?:developed|reported|shown|approved|"
                      r"studied|tested|investigated|proposed|described|licensed|marketed)|(?:company|companies|firm|"
                      r"manufacturer|sponsor|who|which \w+)\s+(?:first\s+)?developed|developed by)\b", re.I)
# A time in the past makes "is it normal that ..." about something that happened ("I took Advil last night, is it
# normal that my face is swollen?"), not a hypothetical.
PAST = re.compile(r"\b(?:yesterday|last (?:night|evening|week|month)|this morning|earlier today|ago|days? later|"
                  r"weeks? later)\b", re.I)
THANKS = re.compile(r"^\s*(?:(?:hi|hello|dear \w+)[,!]?\s+)?(?:thanks?|thank you|many thanks|much appreciated)\b",
                    re.I)
LOT = re.compile(r"\b(?:lot|batch)\s*(?:number|no\.?|#)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{2,})", re.I)


# A message that asks something (advice on taking a drug, whether something is normal or allowed) is a report only
# when it also says something happened: an event word outside the reason for taking the drug, or a narrative verb.
# Patient messages ask "Can I take Advil for the headache?" far more often than they report (eval/golden/
# safety_consumer.jsonl: K-QA messages naming a drug).
ASKS = re.compile(
    r"(?:^|[.?!;,]\s+|\b(?:so|ok|okay|and|also|or|but|just|then|well)\s+|-\s+)(?:can|could|should|would|will|may|might|"
    r"shall|is|are|am|do|does|how|what|which|when|where|why|who|whats)\b|"
    r"\b(?:(?:can|could|should|may|might|would|will|do|shall)\s+(?:i|we|he|she|they|my \w+)\s+(?:\w+\s+)?(?:take|"
    r"taking|use|using|give|giving|do|continue|stop|start|starting|replace|switch|get|try|have|be taking|wait|"
    r"alternate|drink|eat)|(?:asked|asks|asking|wants? to know|wanted to know|wonder\w*|would like to know|check\w*|confirm\w*|"
    r"verify\w*)\s+"
    r"(?:whether|if|how|what|when|which|about)|(?:is|are)\s+(?:it|that|this|there)?\s*(?:ok|okay|safe|fine|alright|allowed|better|possible)|"
    r"(?:be|is|are) (?:it |that |this )?(?:ok|okay|safe|fine|alright|allowed|normal)|(?:that|it)'?s (?:ok|okay|"
    r"safe|fine|alright|normal)|am i (?:allowed|able|ok|okay|"
    r"supposed)|how (?:many|much|long|often|soon)|(?:would|will|does|do|can)\s+(?:the\s+)?\w+\s+help|please advise|advi[sc]e on|guidance on|(?:need|want|would like|"
    r"request\w*) (?:a |an )?(?:letter|statement|confirmation|document\w*|certificate)|(?:need|want|would like|seeking|looking for) (?:some )?(?:advice|"
    r"guidance|recommendations?)|anything (?:i|we|he|she|they) (?:should|need|must|can|"
    r"ought)|(?:should|must|need to) (?:i|we|he|she|they) avoid|is there "
    r"(?:anything|another|any other|other|a better|something)|(?:would|could) you recommend|tell me|"
    r"any (?:concerns?|risks?|problems?|issues?|precautions?|advice|tips|thoughts|suggestions?|recommendations?|"
    r"interactions?)(?=\s*\?)|(?:need|want|would like|looking for|request\w*|send|provide) (?:some |more |the |any )?"
    r"(?:latest |current |updated )?(?:information|info|details|data|prescribing information|label\w*|literature|"
    r"references?)\b|(?:send|provide|give|e-?mail|mail|forward)\s+(?:me|us)?\s*(?:a copy of\s+)?(?:the|a|an|some|"
    r"any|more|your)?\s*(?:\w+\s+){0,3}(?:information|info|label\w*|leaflets?|guides?|inserts?|monographs?|"
    r"literature|references?|copy|brochures?|materials?|data)\b|what (?:should|"
    r"can) i|when (?:should|can|do) i|best time)\b", re.I)
# "Is it normal for nystatin to not take care of the infection?": a lack of effect is reported, however asked.
LACK_OF_EFFECT = re.compile(r"(?:\bnot|n'?t) (?:take care of|work(?:ing|ed)?|help(?:ing|ed)?|doing anything|touch\w*)\b|"
                            r"\b(?:stopped|no longer) (?:work|help|do(?:es|ing)? anything|touch|control|reliev)\w*|"
                            r"(?:didn'?t|did not|doesn'?t|does not) do (?:a (?:thing|damn thing)|anything|much)\b|"
                            r"\bdid nothing\b|\bno (?:relief|effect)\b|"
                            r"(?:\bnot|n'?t) (?:prevent\w*|control\w*|lower\w*|bring (?:it |them |\w+ )?down|clear\w* (?:it |them )?up|"
                            r"get rid of)\b", re.I)
# An event word that names why the drug is taken ("for the pain", "help with swelling", "because the infection is
# severe", "when I start feeling the headache") is the indication; not after a drug was stopped or switched
# ("stopped it because my lips swelled").
INDICATION = re.compile(r"\b(?:for|with|help\w*|reduc\w*|reliev\w*|treat\w*|against|ease|because(?: of)?|when (?:i|you|"
                        r"he|she|we|they) (?:start\w* |begin\w* |first )?(?:feel\w*|get\w*|have|experienc\w*))\s+"
                        r"(?:\w+\s+){0,3}$", re.I)
STOPPED = re.compile(r"\b(?:stop\w*|quit|discontinu\w*|switch\w*|came off|taken off)\b[^.?!]*$", re.I)
NARRATIVE = re.compile(
    r"\b(?:developed|experienced|experiencing|noticed|noticing|broke out|ended up|was (?:hospitali[sz]ed|admitted|found|"
    r"rushed)|fainted|collapsed|became|turned|swallowed|ingested|drank|ate|mixed up|mix-up|keeps|kept|"
    r"(?:has|have|'s|'ve) been(?! (?:mixed|opened|stored|prepared|reconstituted|refrigerated|frozen|diluted|"
    r"dispensed|prescribed|approved|recommended|recalled|shipped|delivered|filled|refilled|left out|kept)\b)|"
    r"since (?:going|being|coming) (?:on|off)|since (?:starting|taking|switching|beginning)|"
    r"(?:could|can|might|would) (?:that|this|it|these|those) be (?:from |due to |caused by |because of )?(?:the|my|"
    r"his|her)|went up|rose|dropped|fell|gone|got \w+|is having|was having|now has|began|"
    r"suffered|suffering|reported|complain\w*|presented|came in|died|passed away|really|"
    r"(?:is|was|are|were|ended up) (?:now |still )?in (?:the )?(?:er|emergency\w*|hospital|icu|intensive care|a&e)|"
    r"since (?:i|he|she|we|they|my \w+) (?:started|began|switched|went on))\b", re.I)

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


# A clause before the first drug named that says nothing of a drug ("My knee has been swollen for a week after a
# fall; is Advil or Tylenol better?", "I have a sinus infection; would ...") states the condition asked about.
DRUG_LINK = re.compile(r"\b(?:since(?!\s+(?:yesterday|last\b|this\b|early|\d|a |an |one |two |three |the (?:morning|"
                       r"weekend|start)|(?:mon|tues|wednes|thurs|fri|satur|sun)day))|after (?:starting|taking|using|"
                       r"switching|the|my|his|her|it|them|a dose|each)|(?:start\w*|began|begun)\s+(?:taking|using|on|the|it|"
                       r"them|a|an|my|his|her|new)\b|took|taking|using|pills?|tablets?|capsules?|medic\w*|doses?|drugs?|prescri\w*)\b", re.I)


# "Would the ibuprofen help with my fever ... and the pain from my chills?": every complaint in a sentence that asks
# whether a drug helps is what it would be taken for (a narrative in it still counts: see `narrated`).
HELPS = re.compile(r"\b(?:would|will|does|do|can|could|might|should)\s+(?:the\s+|my\s+|a\s+)?\w+\s+(?:help|relieve|"
                   r"ease|treat|work for|reduce)\b", re.I)


# A reaction long past ("I had a rash with penicillin as a child. Can I take amoxicillin?") is history asked about,
# like a known allergy: in a message that asks, its sentence is read as the condition, not as a report.
LONG_AGO = re.compile(r"\b(?:as an? (?:child|kid|baby|toddler|infant|teen\w*)|when (?:i|he|she|they|we) (?:was|were) "
                      r"(?:an? )?(?:child|kid|baby|toddler|young|little|younger|small|teen\w*)|in (?:my|his|her|their|"
                      r"early) childhood|(?:a )?long time ago|(?:many|several|ten|twenty|\d{2}) years ago|decades ago)\b",
                      re.I)
RECENT = re.compile(r"\b(?:yesterday|today|tonight|last (?:night|evening|week|month)|this (?:morning|week|month)|"
                    r"again|recently|still|currently|these days)\b", re.I)


def _sentence_spans(text: str, keep) -> list[tuple[int, int]]:
    """The spans of the sentences of text for which keep(sentence) holds."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^.?!]+[.?!]?", text) if keep(m.group(0))]


def _history_spans(text: str) -> list[tuple[int, int]]:
    """The sentences that place what they tell long ago (see LONG_AGO)."""
    return _sentence_spans(text, lambda s: LONG_AGO.search(s) and not RECENT.search(s))


def _help_spans(text: str) -> list[tuple[int, int]]:
    """The sentences that ask whether a drug helps (see HELPS)."""
    return _sentence_spans(text, HELPS.search)


def _condition_spans(text: str, products: list[str]) -> list[tuple[int, int]]:
    """The clauses before the first product named that say nothing of a drug (see DRUG_LINK)."""
    low = text.lower()
    first = min((i for i in (low.find(p.lower()) for p in products) if i >= 0), default=-1)
    if first <= 0:
        return []
    spans, start = [], 0
    for m in re.finditer(r"[;,.:!?]|\s-\s", text[:first]):
        clause = text[start:m.start()]
        if clause.strip() and not DRUG_LINK.search(clause):
            spans.append((start, m.start()))
        start = m.end()
    return spans


CAUSE_CUES = ("due to the", "because of the")
DRUG_WORD = re.compile(r"\b(?:drugs?|medic\w*|meds?|pills?|tablets?|capsules?|caplets?|antibiotics?|shots?|"
                       r"injections?|vaccines?|doses?|dosage|treatment|prescription|(?:new|higher|extra|double) \w+)\b", re.I)


def _names_drug(text: str) -> bool:
    return bool(DRUG_WORD.search(text) or drugs_in(text))


def _events(text: str, indications: bool = True, conditions: list[tuple[int, int]] | None = None) -> list[str]:
    """Event terms that are not negated (nor, with indications=False, the reason the drug is taken: named as
    such, or inside one of the `conditions` spans)."""
    found = []
    negated_spans = [m.span() for m in NEGATION_SCOPE.finditer(text)]
    conditions = [] if indications else (conditions or [])
    for m in re.finditer(rf"\b(?:{SYMPTOMS})\b", text, re.I):
        if any(s <= m.start() < e for s, e in negated_spans):
            continue
        if not indications and ((INDICATION.search(text[:m.start()]) and not STOPPED.search(text[:m.start()]))
                                or any(s <= m.start() < e for s, e in conditions)):
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


def analyse(question: str, known_products: list[str]) -> dict:
    """Adverse-event and product-complaint signals of a question: {"adverse_event": {...} | None, ...}."""
    text = question
    products = list(dict.fromkeys([p for p in known_products] + drugs_in(text)))
    received = datetime.now(UTC).isoformat(timespec="seconds")
    out: dict = {"adverse_event": None, "product_complaint": None}
    events = _events(text)
    scan = RESEARCH.sub(lambda m: " " * len(m.group(0)), text)  # same offsets, research wording blanked
    occurrence = bool(OCCURRENCE.search(scan) or TEMPORAL.search(scan) or LACK_OF_EFFECT.search(text))
    hypothetical = bool(HYPOTHETICAL.search(text)) and not re.search(
        r"\b(?:my|our|this|an? \d+|he|she)\b[^.?]{0,40}\b(?:developed|had|has had|experienced|was|is having|became|"
        r"turned|began|broke out|presented|noticed)\b", text, re.I) and not LACK_OF_EFFECT.search(text) \
        and not (PAST.search(text) and events)
    patient = bool(PATIENT.search(text))
    specific = bool(SPECIFIC_PERSON.search(text))
    strong = bool(STRONG_OCCURRENCE.search(scan))
    general = bool(re.match(r"\s*(?:what|which|how|can|could|does|do|is|are|should|when|why|where|will|would|may)\b",
                            text, re.I)) and not specific and not strong
    # Recall first: a specific person (or something that happened) with a product is reported unless the
    # question is general, hypothetical, or says nothing went wrong; event words are extracted, not required.
    # thanks for an earlier answer that tells nothing new ("Thank you for the answer yesterday about metformin")
    courtesy = bool(THANKS.search(text)) and not events and not LACK_OF_EFFECT.search(text)
    reassured = bool(TOLERATED.search(text) or NEGATION_SCOPE.search(text)) and not events \
        and not LACK_OF_EFFECT.search(text)
    conditions = _condition_spans(text, products)
    narrated = any(not any(s <= m.start() < e for s, e in conditions) for m in NARRATIVE.finditer(scan))
    asks_only = bool(ASKS.search(text)) and not _events(text, indications=False,
                                                         conditions=conditions + _help_spans(text) +
                                                         _history_spans(text)) \
        and not narrated and not LACK_OF_EFFECT.search(text)
    # A defect of the product itself ("the seal was broken", "the tablets are crumbling") with no event and no lack
    # of effect is a product complaint, not an adverse event.
    defect_only = bool(DEFECT.search(text)) and not events and not LACK_OF_EFFECT.search(text)
    if products and (specific or occurrence or strong) and not hypothetical and not general and not reassured \
            and not asks_only and not defect_only and not courtesy:
        serious = sorted({m.group(0).lower() for m in SERIOUS.finditer(text)})
        timing = [m.group(0) for m in TIMING.finditer(text)]
        out["adverse_event"] = {
            "drug": products[0], "products": products, "event": ", ".join(events[:5]) or "unspecified: " + text[:200],
            "timing": timing[0] if timing else None, "seriousness_cues": serious, "serious": bool(serious),
            "criteria": {"identifiable_patient": patient, "identifiable_reporter": True, "suspect_product": True,
                         "event": True},
            "valid_report": patient, "day0": received,
            "action": "forward to pharmacovigilance within one working day",
        }
    defects = [] if general else [m.group(0).lower() for m in DEFECT.finditer(text)
               if not re.search(r"\b(?:no|not|never|without)\b[^.?!]{0,20}$", text[:m.start()], re.I)]
    if products and defects:
        lot = LOT.search(text)
        out["product_complaint"] = {"product": products[0], "problem": ", ".join(dict.fromkeys(defects)),
                                    "lot_number": lot.group(1) if lot else None, "day0": received,
                                    "action": "record the complaint and request a sample for quality assurance"}
    return out
