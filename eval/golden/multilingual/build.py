"""The label golden questions in Japanese, Chinese and Korean (translations.yaml), each with the English item's
expected documents and pages: eval/golden/multilingual/labels_{ja,zh,ko}.jsonl, plus labels_en.jsonl (the same
English items) so one run compares them, split dev/test by a hash of the English id (bench/multilingual.py).
european.yaml: some of extra_dev.yaml's questions in Spanish, French and German (labels_{es,fr,de}.jsonl, split by
a hash of the id). Then the questions of extra_dev.yaml (written to enlarge the dev split; all dev) and extra_split.yaml (split by id
like the golden items): their expected pages are every page of the product's bundled labels that holds the item's
key phrase, or one of its phrases (pypdf text, spaces and case folded).

    .venv/bin/python eval/golden/multilingual/build.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent


ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from eval.golden.build_dev_sets import _norm  # noqa: E402  (the key-phrase matching of the unseen-label set)


def extra_items(name: str = "extra_dev.yaml", split: str | None = "dev") -> dict[str, dict]:
    """extra_dev.yaml (all dev) or extra_split.yaml (split by a hash of the id: split None) as English items with
    expected pages found by the key phrase in the bundled labels."""
    import pypdf

    manifest = yaml.safe_load((ROOT / "corpus" / "manifest.yaml").read_text(encoding="utf-8"))
    labels = [d for d in manifest["documents"] if d.get("product") and str(d["path"]).endswith(".pdf")]
    pages: dict[str, list[str]] = {}
    items = {}
    for item_id, q in yaml.safe_load((HERE / name).read_text(encoding="utf-8")).items():
        expected = []
        keys = q["key"] if isinstance(q["key"], list) else [q["key"]]
        for doc in labels:
            if doc["product"] != q["product"]:
                continue
            if doc["id"] not in pages:
                reader = pypdf.PdfReader(str(ROOT / "corpus" / doc["path"]))
                pages[doc["id"]] = [_norm(pg.extract_text() or "") for pg in reader.pages]
            found = [n for n, text in enumerate(pages[doc["id"]], 1) if any(_norm(k) in text for k in keys)]
            if found:
                expected.append({"document_id": doc["id"], "pages": found})
        if not expected:
            raise SystemExit(f"{item_id}: key phrase {q['key']!r} not found in the {q['product']} labels")
        items[item_id] = {"id": item_id, "question": q["en"], "answerable": True, "expected": expected,
                          "reference_answer": "; ".join(keys), "split": split,
                          "tags": {"product": q["product"], "type": "crosslingual_dev"},
                          "translations": {lang: q[lang] for lang in ("ja", "zh", "ko")}}
    return items


def main() -> None:
    english = {json.loads(line)["id"]: json.loads(line)
               for line in (HERE.parent / "labels.jsonl").read_text().splitlines() if line.strip()}
    translations = yaml.safe_load((HERE / "translations.yaml").read_text(encoding="utf-8"))
    extra = extra_items() | extra_items("extra_split.yaml", None)
    english.update(extra)
    translations.update({item_id: item.pop("translations") for item_id, item in extra.items()})
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
    european = yaml.safe_load((HERE / "european.yaml").read_text(encoding="utf-8"))
    for lang in ("es", "fr", "de", "pt", "it"):  # split by a hash of the id, not "dev" as their English items of extra_dev.yaml
        out = []
        for item_id, texts in european.items():
            item = dict(english[item_id], id=f"{item_id}-{lang}", question=texts[lang], split=None,
                        english=english[item_id]["question"])
            item["tags"] = dict(item.get("tags") or {}, language=lang, set=f"labels_{lang}")
            out.append(item)
        path = HERE / f"labels_{lang}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in out), encoding="utf-8")
        print(f"{path}: {len(out)} questions")


if __name__ == "__main__":
    main()
