"""Builds labels.jsonl: questions on the bundled FDA labels with the documents and pages that answer them.

    .venv/bin/python eval/golden/build_labels.py

Each answerable item names the acceptable documents and a phrase the answer rests on; the expected
pages are the pages of those documents whose extracted text contains the phrase (whitespace and case
folded). Written by hand from reading the labels; re-run after changing the corpus.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
W_A, W_G = "warfarin-amneal-2022", "warfarin-goldenstate-2022"
M_IR, M_ER = "metformin-ir-asmedication-2026", "metformin-er-apotex-2022"
ATO = "atorvastatin-mylan-2024"
C_IR, C_ER = "ciprofloxacin-tablets-directrx-2025", "ciprofloxacin-er-drreddys-2025"
LIS = "lisinopril-legacy-2021"
A_CAP, A_TAB = "amoxicillin-capsules-usantibiotics-2025", "amoxicillin-tablets-directrx-2015"
APAP, IBU = "acetaminophen-325mg-reliable1-2025", "ibuprofen-200mg-otc-2024"

# (question, acceptable documents, phrase(s) in the answering text, reference answer, type, product)
ANSWERABLE = [
    ("What is the recommended starting dose of warfarin?", [W_A, W_G], ["genotypes are not known, the initial dose"],
     "If CYP2C9 and VKORC1 genotypes are not known, the initial dose of warfarin is usually 2 to 5 mg once daily.",
     "dosing", "warfarin"),
    ("What is the boxed warning for warfarin?", [W_A, W_G], ["can cause major or fatal bleeding"],
     "Warfarin can cause major or fatal bleeding; monitor INR regularly.", "boxed_warning", "warfarin"),
    ("What target INR is recommended for warfarin in non-valvular atrial fibrillation?", [W_A, W_G],
     ["target inr of 2.5"], "Anticoagulate to a target INR of 2.5 (range 2.0 to 3.0).", "dosing", "warfarin"),
    ("Can warfarin be used during pregnancy?", [W_A, W_G],
     ["pregnancy, except in women with mechanical heart valves", "warfarin sodium is contraindicated in women who are pregnant"],
     "Warfarin is contraindicated in pregnancy except in women with mechanical heart valves.", "pregnancy", "warfarin"),
    ("What is calciphylaxis in patients taking warfarin?", [W_A, W_G], ["can cause fatal and serious calciphylaxis"],
     "Warfarin can cause fatal and serious calciphylaxis (calcium uremic arteriolopathy).", "safety", "warfarin"),
    ("What tablet strengths does warfarin come in?", [W_A, W_G], ["scored tablets: 1, 2", "warfarin sodium tablets usp, 1 mg", "strengths of 1 mg"],
     "Scored tablets of 1, 2, 2.5, 3, 4, 5, 6, 7.5 or 10 mg.", "formulation", "warfarin"),
    ("How often should INR be monitored when starting warfarin?", [W_A, W_G],
     ["obtain daily inr determinations upon initiation", "acceptable intervals for inr determinations"],
     "Obtain daily INR determinations upon initiation until stable, then every 1 to 4 weeks.", "monitoring", "warfarin"),
    ("Are warfarin loading doses recommended?", [W_A, W_G], ["routine use of loading doses is not recommended"],
     "Routine use of loading doses is not recommended.", "dosing", "warfarin"),
    ("What are the contraindications of metformin?", [M_IR, M_ER], ["severe renal impairment"],
     "Severe renal impairment (eGFR below 30), hypersensitivity, acute or chronic metabolic acidosis.",
     "contraindications", "metformin"),
    ("What is the boxed warning for metformin?", [M_IR, M_ER], ["postmarketing cases of metformin-associated lactic acidosis"],
     "Postmarketing cases of metformin-associated lactic acidosis have resulted in death.", "boxed_warning", "metformin"),
    ("Should metformin be stopped before an iodinated contrast imaging procedure?", [M_IR, M_ER],
     ["iodinated contrast imaging procedure"],
     "Discontinue metformin at the time of or before iodinated contrast imaging in at-risk patients.", "procedures",
     "metformin"),
    ("What is the starting dose of metformin extended-release tablets?", [M_ER],
     ["500 mg orally once daily with the evening meal"],
     "500 mg orally once daily with the evening meal.", "dosing", "metformin"),
    ("What is the starting dose of immediate-release metformin tablets?", [M_IR], ["850 mg once a day"],
     "500 mg orally twice a day or 850 mg once a day, with meals.", "dosing", "metformin"),
    ("What is the maximum daily dose of immediate-release metformin tablets?", [M_IR], ["maximum dose of 2,550 mg per day"],
     "Up to 2,550 mg per day in divided doses.", "dosing", "metformin"),
    ("Can metformin be started in patients with an eGFR between 30 and 45?", [M_IR, M_ER],
     ["initiation of metformin hydrochloride"],
     "Initiation is not recommended in patients with eGFR between 30 and 45 mL/min/1.73 m2.", "renal", "metformin"),
    ("What are the most common adverse reactions of atorvastatin?", [ATO], ["nasopharyngitis, arthralgia"],
     "Nasopharyngitis, arthralgia, diarrhea, pain in extremity and urinary tract infection.", "adverse_reactions",
     "atorvastatin"),
    ("What is the recommended starting dosage of atorvastatin in adults?", [ATO], ["10 mg to 20 mg once daily"],
     "10 mg to 20 mg once daily; the dosage range is 10 mg to 80 mg once daily.", "dosing", "atorvastatin"),
    ("Can atorvastatin cause rhabdomyolysis?", [ATO], ["may cause myopathy", "myopathy and rhabdomyolysis atorvastatin"],
     "Atorvastatin may cause myopathy and rhabdomyolysis.", "safety", "atorvastatin"),
    ("What are the contraindications of atorvastatin?", [ATO], ["acute liver failure or decompensated cirrhosis"],
     "Acute liver failure or decompensated cirrhosis; hypersensitivity to atorvastatin.", "contraindications",
     "atorvastatin"),
    ("Is breastfeeding recommended during treatment with atorvastatin?", [ATO],
     ["breastfeeding is not recommended during treatment with atorvastatin", "breastfeeding not recommended"],
     "Breastfeeding is not recommended during treatment with atorvastatin.", "lactation", "atorvastatin"),
    ("What is the atorvastatin dose for pediatric patients with HeFH?", [ATO],
     ["pediatric patients 10 years of age and older with hefh"],
     "10 mg once daily initially in pediatric patients 10 years and older with HeFH; range 10 to 20 mg.", "dosing",
     "atorvastatin"),
    ("Can ciprofloxacin cause tendon rupture?", [C_IR, C_ER], ["tendinitis and tendon rupture", "tendon rupture"],
     "Fluoroquinolones including ciprofloxacin are associated with tendinitis and tendon rupture.", "safety",
     "ciprofloxacin"),
    ("Should ciprofloxacin be avoided in patients with myasthenia gravis?", [C_IR, C_ER],
     ["known history of myasthenia gravis"],
     "Avoid ciprofloxacin in patients with a known history of myasthenia gravis.", "safety", "ciprofloxacin"),
    ("Can ciprofloxacin be given with tizanidine?", [C_IR, C_ER], ["administration with tizanidine is contraindicated", "tizanidine and ciprofloxacin is contraindicated"],
     "Concomitant administration with tizanidine is contraindicated.", "interactions", "ciprofloxacin"),
    ("What happens when ciprofloxacin is given with theophylline?", [C_IR, C_ER],
     ["concomitant theophylline", "with theophylline decreases the clearance", "elevated serum concentrations of theophylline"],
     "Serious and fatal reactions have been reported with concurrent theophylline.", "interactions", "ciprofloxacin"),
    ("Is ciprofloxacin present in human breast milk?", [C_IR], ["ciprofloxacin is present in human milk"],
     "Published literature reports that ciprofloxacin is present in human milk.", "lactation", "ciprofloxacin"),
    ("What is the boxed warning for lisinopril?", [LIS], ["when pregnancy is detected, discontinue lisinopril"],
     "Fetal toxicity: when pregnancy is detected, discontinue lisinopril as soon as possible.", "boxed_warning",
     "lisinopril"),
    ("Can lisinopril cause angioedema?", [LIS], ["angioedema of the face, extremities"],
     "Angioedema of the face, extremities, lips, tongue, glottis and/or larynx has occurred with ACE inhibitors.",
     "safety", "lisinopril"),
    ("What is the recommended initial dose of lisinopril for hypertension?", [LIS], ["initial dose is 10 mg once a day"],
     "10 mg once a day; adjust to blood pressure response.", "dosing", "lisinopril"),
    ("Does lisinopril cause hyperkalemia?", [LIS], ["monior serum potassium periodically", "hyperkalemia: monitor serum potassium"],
     "Monitor serum potassium periodically; hyperkalemia can occur.", "safety", "lisinopril"),
    ("Is dose adjustment of lisinopril needed in renal impairment?", [LIS], ["no dose adjustment of lisinopril"],
     "No dose adjustment is required for creatinine clearance above 30 mL/min.", "renal", "lisinopril"),
    ("What is the amoxicillin regimen for Helicobacter pylori triple therapy?", [A_CAP, A_TAB],
     ["30 mg lansoprazole, all given twice daily"],
     "1 gram amoxicillin, 500 mg clarithromycin and 30 mg lansoprazole twice daily for 14 days.", "dosing",
     "amoxicillin"),
    ("What is the upper dose of amoxicillin for neonates and infants aged 3 months or younger?", [A_CAP, A_TAB],
     ["30 mg/kg/day divided every 12 hours"], "30 mg/kg/day divided every 12 hours.", "dosing", "amoxicillin"),
    ("Can amoxicillin cause serious hypersensitivity reactions?", [A_CAP, A_TAB],
     ["anaphylactic) reactions have been reported", "serious and occasionally fatal hypersensitivity"],
     "Serious and occasionally fatal hypersensitivity (anaphylactic) reactions have been reported.", "safety",
     "amoxicillin"),
    ("What is the maximum daily amount of acetaminophen for adults?", [APAP], ["4,000 mg in 24 hours"],
     "Severe liver damage may occur if an adult takes more than 4,000 mg in 24 hours.", "dosing", "acetaminophen"),
    ("What is the liver warning for acetaminophen?", [APAP], ["severe liver damage may occur"],
     "Severe liver damage may occur with more than the maximum daily amount, other acetaminophen products, or "
     "3 or more alcoholic drinks a day.", "safety", "acetaminophen"),
    ("What is the stomach bleeding warning for ibuprofen?", [IBU], ["stomach bleeding warning"],
     "Ibuprofen is an NSAID which may cause severe stomach bleeding.", "safety", "ibuprofen"),
    ("Does ibuprofen increase the risk of heart attack or stroke?", [IBU], ["risk of heart attack or stroke"],
     "Long term continuous use may increase the risk of heart attack or stroke.", "safety", "ibuprofen"),
    ("Can ibuprofen be used during the last 3 months of pregnancy?", [IBU], ["last 3 months of pregnancy"],
     "It is especially important not to use ibuprofen during the last 3 months of pregnancy unless directed by a "
     "doctor.", "pregnancy", "ibuprofen"),
    ("What is the indication of lisinopril in heart failure?", [LIS], ["adjunct therapy for heart failure", "heart failure"],
     "Adjunct therapy for heart failure.", "indications", "lisinopril"),
    ("How does warfarin work?", [W_A, W_G], ["synthesis of vitamin k-dependent clotting factors"],
     "Warfarin inhibits the synthesis of vitamin K-dependent clotting factors II, VII, IX and X.", "mechanism",
     "warfarin"),
    ("What should patients taking warfarin know about vitamin K in food?", [W_A, W_G],
     ["amount of vitamin k in food may affect therapy"],
     "The amount of vitamin K in food may affect warfarin therapy; eat a normal, balanced diet.", "counseling",
     "warfarin"),
]

UNANSWERABLE = [
    ("What is the recommended dose of apixaban for atrial fibrillation?", "other_product"),
    ("Can rivaroxaban be used during pregnancy?", "other_product"),
    ("What are the drug interactions of sildenafil with nitrates?", "other_product"),
    ("How much weight loss does semaglutide cause?", "other_product"),
    ("What is the half-life of adalimumab?", "other_product"),
    ("What is the starting dose of levothyroxine in elderly patients?", "other_product"),
    ("What color is the 5 mg amlodipine tablet?", "other_product"),
    ("What is the capital of France?", "off_topic"),
    ("How do I renew my medical license in Texas?", "off_topic"),
    ("What will the weather be like in Boston tomorrow?", "off_topic"),
    ("Who won the football world cup in 2018?", "off_topic"),
    ("What is the best recipe for chocolate cake?", "off_topic"),
]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).lower()


def main() -> None:
    from ingest.loaders import load

    manifest = yaml.safe_load((ROOT / "corpus/manifest.yaml").read_text())
    pages: dict[str, list[str]] = {}
    for d in manifest["documents"]:
        if d["path"].endswith(".pdf"):
            [loaded] = load(ROOT / "corpus" / d["path"])
            pages[d["id"]] = [_norm(p.text) for p in loaded.pages]
    out = []
    for i, (q, docs, phrases, ref, qtype, product) in enumerate(ANSWERABLE, 1):
        expected = []
        for doc in docs:
            hits = [n + 1 for n, t in enumerate(pages[doc]) if any(_norm(p) in t for p in phrases)]
            if hits:
                expected.append({"document_id": doc, "pages": hits})
        if not expected:
            raise SystemExit(f"no page found for {q!r}: check the phrase")
        out.append({"id": f"label-{i:03d}", "question": q, "answerable": True, "expected": expected,
                    "reference_answer": ref, "tags": {"product": product, "type": qtype, "set": "labels"}})
    for i, (q, qtype) in enumerate(UNANSWERABLE, 1):
        out.append({"id": f"label-u{i:02d}", "question": q, "answerable": False, "expected": [],
                    "reference_answer": None, "tags": {"product": None, "type": qtype, "set": "labels"}})
    path = Path(__file__).parent / "labels.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out))
    print(f"wrote {len(out)} items to {path}")


if __name__ == "__main__":
    main()
