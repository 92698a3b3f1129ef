"""Cross-language self-consistency: one question per section type (contraindications, pregnancy, storage ...) for
each bundled drug, in English, Japanese, Chinese and Korean, written from templates (no gold needed); a question in
another language misses when the English question's first cited page is not in its top 5. Dev data: a probe for
gaps in the term tables, not a measure of quality (the English citation is taken as right).

    .venv/bin/python bench/crosslingual_probe.py DATA_DIR   (a store ingested with --multilingual)
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.answering.assistant import Assistant  # noqa: E402
from assistant.question import language  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest import offline  # noqa: E402,F401

DRUGS = {  # Japanese, Chinese, Korean
    "warfarin": ("ワルファリン", "华法林", "와파린"),
    "metformin": ("メトホルミン", "二甲双胍", "메트포르민"),
    "atorvastatin": ("アトルバスタチン", "阿托伐他汀", "아토르바스타틴"),
    "ciprofloxacin": ("シプロフロキサシン", "环丙沙星", "시프로플록사신"),
    "lisinopril": ("リシノプリル", "赖诺普利", "리시노프릴"),
    "amoxicillin": ("アモキシシリン", "阿莫西林", "아목시실린"),
    "acetaminophen": ("アセトアミノフェン", "对乙酰氨基酚", "아세트아미노펜"),
    "ibuprofen": ("イブプロフェン", "布洛芬", "이부프로펜"),
}
SECTIONS = [  # English, Japanese, Chinese, Korean
    ("What are the contraindications of {}?",
     "{}の禁忌は？", "{}的禁忌症是什么？", "{}의 금기는 무엇입니까?"),
    ("What are the most common adverse reactions of {}?",
     "{}で最もよくみられる副作用は？", "{}最常见的不良反应有哪些？", "{}의 가장 흔한 이상반응은 무엇입니까?"),
    ("Can {} be used during pregnancy?",
     "{}は妊娠中に使用できますか？", "孕期可以使用{}吗？", "임신 중 {} 사용이 가능합니까?"),
    ("What happens in an overdose of {}?",
     "{}を過量投与するとどうなりますか？", "{}过量会怎样？", "{} 과량 복용 시 어떻게 됩니까?"),
    ("How should {} be stored?",
     "{}はどのように保管すべきですか？", "{}应如何储存？", "{} 보관 방법은 무엇입니까?"),
    ("What is the mechanism of action of {}?",
     "{}の作用機序は？", "{}的作用机制是什么？", "{}의 작용 기전은 무엇입니까?"),
    ("Does {} need a dose adjustment in renal impairment?",
     "腎機能障害で{}の用量調整は必要ですか？", "肾功能不全时{}需要调整剂量吗？",
     "신장애에서 {} 용량 조절이 필요합니까?"),
    ("What drugs interact with {}?",
     "{}と相互作用する薬は？", "哪些药物与{}有相互作用？", "{}의 약물 상호작용은 무엇입니까?"),
    ("Can {} be used while breastfeeding?",
     "授乳中に{}を使用できますか？", "哺乳期可以使用{}吗？", "수유 중 {} 사용이 가능합니까?"),
    ("Can {} be given to children?",
     "{}は小児に使えますか？", "儿童可以使用{}吗？", "소아에게 {} 사용이 가능합니까?"),
    ("What are the warnings for {}?",
     "{}の警告は？", "{}有哪些警告？", "{}의 경고는 무엇입니까?"),
    ("What is the half-life of {}?",
     "{}の半減期は？", "{}的半衰期是多少？", "{}의 반감기는 얼마입니까?"),
]


def main() -> None:
    a = Assistant(settings=Settings.load(sys.argv[1], multilingual=True))
    snap = a.retriever.snapshot()
    misses = {"ja": 0, "zh": 0, "ko": 0}
    n = 0
    for drug, names in DRUGS.items():
        for section in SECTIONS:
            en = a.ask(section[0].format(drug), channel="bench", top_k=10)
            if not en.citations:
                continue
            ref = (en.citations[0].document_id, en.citations[0].page)
            n += 1
            for lang, template, name in zip(("ja", "zh", "ko"), section[1:], names, strict=True):
                q = template.format(name)
                top = [(x.document_id, x.page) for x in a.ask(q, channel="bench", top_k=10).retrieved[:5]]
                if ref not in top:
                    misses[lang] += 1
                    print(f"{lang} miss: {q} | pivot {language.pivot(q, snap.products)!r} | English cites {ref} | "
                          f"top 5 {[f'{d.split(chr(45))[0]} p{p}' for d, p in top]}")
    print(f"{n} section questions with an English citation; misses: {misses}")


if __name__ == "__main__":
    main()
