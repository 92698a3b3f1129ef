"""Build eval/golden/consumer_written.jsonl: consumer medication questions about the 8 bundled drugs, written by hand
(2026-12-04, fifteenth session) in the way patients type them: brand names (Tylenol, Advil, Motrin, Coumadin,
Jantoven, Glucophage, Lipitor, Cipro, Amoxil, Zestril, Prinivil), misspellings, two drugs in one question, no
capitals or question marks. Every question is one a consumer label section or the prescribing information
answers (alcohol, food, missed doses, pregnancy, interactions, side effects, storage, maximum doses).

    python eval/golden/build_consumer_written.py

Written and split (by a hash of the text, as the other golden sets) before medinfo was run on any of them. Expected:
every bundled label of the product(s) the question is about; for a question naming two drugs, either drug's label.
Scored by `medinfo eval` (false refusals; first citation = the right drug's label).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from eval.golden.build_dev_sets import split_of  # noqa: E402

QUESTIONS = [
    ("Can I drink a glass of wine while taking Tylenol?", ["acetaminophen"]),
    ("how many regular strength tylenol can i take in a day", ["acetaminophen"]),
    ("how much tylenol can my 10 year old take", ["acetaminophen"]),
    ("is it ok to take advil on an empty stomach", ["ibuprofen"]),
    ("can i take ibuprofin while pregnant", ["ibuprofen"]),
    ("Does Motrin raise your blood pressure?", ["ibuprofen"]),
    ("how long can I take advil for pain before seeing a doctor", ["ibuprofen"]),
    ("I'm on coumadin, can I eat spinach and salad?", ["warfarin"]),
    ("what happens if i miss a dose of warfrin", ["warfarin"]),
    ("can I take aspirin with jantoven", ["warfarin"]),
    ("why do I need blood tests when taking coumadin", ["warfarin"]),
    ("is it safe to drink alcohol on metformin", ["metformin"]),
    ("Should I stop metformin before a CT scan with dye?", ["metformin"]),
    ("metfromin upset stomach how to avoid", ["metformin"]),
    ("what are the symptoms of lactic acidosis from glucophage", ["metformin"]),
    ("Can I take lipitor in the morning or does it have to be at night?", ["atorvastatin"]),
    ("lipiter and grapefruit juice ok?", ["atorvastatin"]),
    ("muscle pain on atorvastatin should I worry", ["atorvastatin"]),
    ("Can cipro cause tendon problems?", ["ciprofloxacin"]),
    ("can i take cipro with milk or yogurt", ["ciprofloxacin"]),
    ("Is ciprofloxin safe for kids?", ["ciprofloxacin"]),
    ("should i take my cipro with antacids like tums", ["ciprofloxacin"]),
    ("can I take amoxicilin if I'm allergic to penicillin", ["amoxicillin"]),
    ("amoxil with or without food?", ["amoxicillin"]),
    ("how many times a day do I take amoxicillin for strep throat", ["amoxicillin"]),
    ("Can amoxicillin cause diarrhea?", ["amoxicillin"]),
    ("what is lisinopril used for", ["lisinopril"]),
    ("dry cough from zestril is that normal", ["lisinopril"]),
    ("can i take lisinopril while pregnant", ["lisinopril"]),
    ("is it ok to use salt substitutes with prinivil", ["lisinopril"]),
    ("Can I take Advil and Tylenol together?", ["ibuprofen", "acetaminophen"]),
    ("can i take motrin with my lisinopril", ["ibuprofen", "lisinopril"]),
    ("is tylenol safer than advil if I'm on warfarin", ["warfarin", "acetaminophen", "ibuprofen"]),
    ("does cipro interact with coumadin", ["ciprofloxacin", "warfarin"]),
    ("Can I give Tylenol to my toddler for a fever?", ["acetaminophen"]),
    ("what's the max dose of acetominophen per day", ["acetaminophen"]),
    ("signs of liver damage from tylenol", ["acetaminophen"]),
    ("Does ibuprofen affect the kidneys?", ["ibuprofen"]),
    ("metformin and kidney problems, is it safe?", ["metformin"]),
    ("how should I store my amoxicillin liquid", ["amoxicillin"]),
    ("can atorvastatin be taken while breastfeeding", ["atorvastatin"]),
    ("Is it bad to take warfarin with ibuprofen for back pain?", ["warfarin", "ibuprofen"]),
    ("what time of day should I take coumadin", ["warfarin"]),
    ("will lisinopril make me dizzy", ["lisinopril"]),
    ("Can metformin cause low blood sugar?", ["metformin"]),
    ("what are the side effects of lipitor", ["atorvastatin"]),
    ("Is cipro ok for a urinary tract infection?", ["ciprofloxacin"]),
    ("I'm allergic to aspirin, can I take advil?", ["ibuprofen"]),
]


def build() -> list[dict]:
    from ingest import safe_yaml

    manifest = safe_yaml.load((ROOT / "corpus" / "manifest.yaml").read_text())
    docs: dict[str, list[str]] = {}
    for d in manifest["documents"]:
        if d.get("kind") == "approved" and d.get("product"):
            docs.setdefault(d["product"], []).append(d["id"])
    out = []
    for i, (q, products) in enumerate(QUESTIONS, 1):
        out.append({"id": f"consumer-written:{i}", "question": q, "answerable": True,
                    "expected": [{"document_id": d, "pages": []} for p in products for d in docs[p]],
                    "reference_answer": None,
                    "tags": {"type": "consumer_drug", "product": products[0], "products": products,
                             "split": split_of(q),
                             "source": "written for medinfo (2026-12-04)"}})
    return out


def main() -> None:
    items = build()
    path = HERE / "consumer_written.jsonl"
    path.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items), encoding="utf-8")
    dev = sum(it["tags"]["split"] == "dev" for it in items)
    print(f"{path}: {len(items)} questions ({dev} dev, {len(items) - dev} test)")


if __name__ == "__main__":
    main()
