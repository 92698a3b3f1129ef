"""The label golden questions in Japanese, Chinese and Korean (translations.yaml), each with the English item's
expected documents and pages: eval/golden/multilingual/labels_{ja,zh,ko}.jsonl, plus labels_en.jsonl (the same
English items) so one run compares them. Nothing was tuned on them (the label-word table was written from the
label format); they are test items.

    .venv/bin/python eval/golden/multilingual/build.py
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent


def main() -> None:
    english = {json.loads(line)["id"]: json.loads(line)
               for line in (HERE.parent / "labels.jsonl").read_text().splitlines() if line.strip()}
    translations = yaml.safe_load((HERE / "translations.yaml").read_text(encoding="utf-8"))
    for lang in ("en", "ja", "zh", "ko"):
        out = []
        for item_id, texts in translations.items():
            item = dict(english[item_id])
            item["id"] = f"{item_id}-{lang}"
            if lang != "en":
                item["question"] = texts[lang]
                item["english"] = english[item_id]["question"]
            item["tags"] = dict(item.get("tags") or {}, language=lang, set=f"labels_{lang}")
            out.append(item)
        path = HERE / f"labels_{lang}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in out), encoding="utf-8")
        print(f"{path}: {len(out)} questions")


if __name__ == "__main__":
    main()
