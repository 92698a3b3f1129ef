"""Build the held-out golden sets from ../shared/data/dev (development data, never read by the product):

    python eval/golden/build_dev_sets.py [--shared ../shared/data] [--full OUT_DIR]

Sets (each item carries tags.split = dev | test, fixed by a hash of the question text, so a question asked in
two BioASQ years lands on one side only):
- bioasq          BioASQ 7B-10B expert questions; the store holds their gold PubMed snippets (one document per
                  PMID, its snippets in reading order) as literature. Expected: any gold PMID. Licence unclear
                  (BioASQ/NLM terms): internal evaluation only, never shipped in corpus/.
- mediqa          MEDIQA 2019 Task 3 consumer questions; the store holds every graded answer passage (approved,
                  consumer audience) except those flagged overlaps_heldout_text. Expected: passages graded >= 3;
                  questions without one are left out (what would count as right is not known).
- consumer_drugs  K-QA and MEDIQA questions naming exactly one of the 8 bundled drugs (generic or a brand of it,
                  from the shipped lexicon); expected: that drug's labels in corpus/. Asked of the bundled store.

- labels_unseen   questions written by hand on the 17 labels of shared/data/fda_labels_more (eval/golden/
                  labels_unseen/questions.jsonl: physician, consumer and case wording, brand or generic names, a key
                  phrase each); expected: the pages holding the key phrase. Split by document. --full only (the PDFs
                  are not shipped); ingested without a manifest, as a user adding labels would.

Written: eval/golden/<set>.jsonl (the fixed gate sample of the test split: at least 200 items, or the whole test
split when smaller), eval/golden/dev/<set>.jsonl (the dev sample to tune on), eval/golden/docs/ (the documents
the samples need, with manifest.yaml). With --full OUT_DIR the whole dev and test splits and their documents are
written there instead (`make eval-full`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GATE_SAMPLE = 220  # test items per set in `make test` (>= 200 after items that fail to load)
DEV_SAMPLE = 220


def split_of(text: str) -> str:
    key = " ".join(text.lower().split())
    return "test" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 else "dev"


def order_key(item_id: str) -> str:
    """A fixed pseudo-random order, so a sample is the same on every build."""
    return hashlib.sha1(("sample:" + item_id).encode()).hexdigest()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


# --- BioASQ -------------------------------------------------------------------------------------

def bioasq(shared: Path) -> tuple[list[dict], dict[str, list[tuple[str, int, str]]]]:
    items, seen = [], set()
    snippets: dict[str, dict[str, list[tuple[str, int, str]]]] = {}
    for f in sorted((shared / "dev" / "bioasq_7b_10b").glob("*.jsonl")):
        for it in read_jsonl(f):
            q = " ".join(it["question"].split())
            if q.lower() in seen or not it.get("evidence"):
                continue
            seen.add(q.lower())
            pmids = []
            per_q: dict[str, list[tuple[str, int, str]]] = {}
            for ev in it["evidence"]:
                text = " ".join((ev.get("text") or "").split())
                if len(text) < 20:
                    continue
                sec = ev.get("beginSection") or "abstract"
                per_q.setdefault(ev["doc_id"], []).append((sec, int(ev.get("offsetInBeginSection") or 0), text))
                if ev["doc_id"] not in pmids:
                    pmids.append(ev["doc_id"])
            if not pmids:
                continue
            snippets[it["id"]] = per_q
            items.append({"id": it["id"], "question": q, "answerable": True,
                          "expected": [{"document_id": f"bioasq-{p}", "pages": [1]} for p in pmids],
                          "reference_answer": (it.get("ideal_answer") or [it.get("answer")])[0],
                          "tags": {"type": it.get("type") or "bioasq", "split": split_of(q),
                                   "source": "BioASQ 7B-10B (internal evaluation only)"}})
    return items, snippets  # type: ignore[return-value]


def bioasq_docs(items: list[dict], snippets: dict) -> list[dict]:
    by_pmid: dict[str, list[tuple[str, int, str]]] = {}
    for it in items:
        for pmid, snips in snippets[it["id"]].items():
            by_pmid.setdefault(pmid, []).extend(snips)
    docs = []
    for pmid, snips in sorted(by_pmid.items()):
        kept: list[str] = []
        for _sec, _off, text in sorted(set(snips), key=lambda s: (s[0] != "title", s[1], -len(s[2]), s[2])):
            if any(text in k for k in kept):
                continue
            kept = [k for k in kept if k not in text] + [text]
        docs.append({"id": pmid, "title": f"PubMed PMID {pmid} (BioASQ gold snippets)", "text": "\n".join(kept),
                     "source": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"})
    return docs


# --- MEDIQA -------------------------------------------------------------------------------------

def mediqa(shared: Path) -> tuple[list[dict], dict[str, dict], dict[str, list[str]]]:
    """Items, every passage by answer id, and the answer ids graded for each item. MEDIQA numbers its answers
    per file ("1_Answer1" is a flu page in train_alexa and an abetalipoproteinemia page in test: 427 of 1,391
    ids), so an answer id here is the file's name and MEDIQA's: "test-1_Answer1". One page graded for several
    questions (the same text under several ids) is one document, under the id it is first met with: citing it
    for any of those questions is citing the graded page."""
    items: list[dict] = []
    passages: dict[str, dict] = {}
    graded: dict[str, list[str]] = {}
    by_text: dict[str, str] = {}
    for f in sorted((shared / "dev" / "mediqa2019_task3").glob("*.jsonl")):
        for it in read_jsonl(f):
            answers = [a for a in it.get("AnswerList") or [] if not a.get("overlaps_heldout_text")]
            ids = [by_text.setdefault(" ".join(a["AnswerText"].split()), f"{f.stem}-{a['AID']}") for a in answers]
            gold = list(dict.fromkeys(aid for aid, a in zip(ids, answers, strict=True)
                                      if int(a.get("ReferenceScore") or 0) >= 3))
            if not gold:
                continue
            q = " ".join(it["question"].split())
            for aid, a in zip(ids, answers, strict=True):
                passages.setdefault(aid, a)
            graded[it["id"]] = list(dict.fromkeys(ids))
            items.append({"id": it["id"], "question": q, "answerable": True,
                          "expected": [{"document_id": f"mediqa-{aid}", "pages": [1]} for aid in gold],
                          "reference_answer": None,
                          "tags": {"type": "consumer", "split": split_of(q),
                                   "source": "MEDIQA 2019 Task 3 (NLM; passages keep their sites' rights)"}})
    return items, passages, graded


def mediqa_docs(items: list[dict], passages: dict[str, dict], graded: dict[str, list[str]]) -> list[dict]:
    need = sorted({aid for it in items for aid in graded[it["id"]]})
    return [{"id": aid, "title": passages[aid].get("title") or aid, "text": passages[aid]["AnswerText"],
             "source": passages[aid].get("AnswerURL") or ""} for aid in need]


# --- Consumer questions naming a bundled drug ---------------------------------------------------

def consumer_drugs(shared: Path) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from ingest import safe_yaml
    from ingest.identity import brands_of

    manifest = safe_yaml.load((ROOT / "corpus" / "manifest.yaml").read_text())
    docs: dict[str, list[str]] = {}
    for d in manifest["documents"]:
        if d.get("kind") == "approved" and d.get("product"):
            docs.setdefault(d["product"], []).append(d["id"])
    names = {p: p for p in docs}
    for p in docs:
        names.update({b.lower(): p for b in brands_of(p) if len(b) >= 5})
    items, seen = [], set()
    for sub in ("kqa", "mediqa2019_task3"):
        for f in sorted((shared / "dev" / sub).glob("*.jsonl")):
            for it in read_jsonl(f):
                q = " ".join(it["question"].split())
                hits = sorted({p for n, p in names.items() if re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])",
                                                                        q.lower())})
                if len(hits) != 1 or q.lower() in seen:
                    continue
                seen.add(q.lower())
                items.append({"id": it["id"], "question": q, "answerable": True,
                              "expected": [{"document_id": d, "pages": []} for d in docs[hits[0]]],
                              "reference_answer": None,
                              "tags": {"type": "consumer_drug", "product": hits[0], "split": split_of(q),
                                       "source": "K-QA (MIT) / MEDIQA 2019 Task 3"}})
    return items


# --- Unseen labels: questions written by hand on shared/data/fda_labels_more -----------------------------

def _norm(text: str) -> str:
    text = text.replace("\u00ad", "").replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    return " ".join(text.lower().split())


def labels_unseen(shared: Path, out: Path | None) -> list[dict]:
    """eval/golden/labels_unseen/questions.jsonl (written by hand: physician, consumer and case wording, brand or
    generic names) with the expected pages found by each question's key phrase in the PDF. Split by document (the
    same hash of the file name as bench/quality.py): whole labels are unseen by dev. The PDFs are not shipped; with
    `out` they are copied to out/labels_unseen_docs to be ingested without a manifest (`ingest --approve`)."""
    import shutil

    import pypdf

    sys.path.insert(0, str(ROOT))
    from ingest.loaders import sha256_bytes
    from ingest.pipeline import _slug  # the id a label ingested without a manifest gets: name + content hash

    items = []
    for q in read_jsonl(HERE / "labels_unseen" / "questions.jsonl"):
        pdf = shared / "fda_labels_more" / q["file"]
        data = pdf.read_bytes()
        pages = [_norm(p.extract_text() or "") for p in pypdf.PdfReader(str(pdf)).pages]
        found = [n for n, text in enumerate(pages, 1) if _norm(q["key"]) in text]
        if not found:
            print(f"  {q['id']}: key phrase not found in {q['file']}; left out")
            continue
        doc_id = f"{_slug(pdf.stem)}-{sha256_bytes(data)[:8]}"
        split = "test" if int(hashlib.sha1(pdf.name.encode()).hexdigest(), 16) % 2 else "dev"
        items.append({"id": q["id"], "question": q["question"], "answerable": True,
                      "expected": [{"document_id": doc_id, "pages": found}], "reference_answer": q["key"],
                      "tags": {"type": q["style"], "split": split, "file": q["file"],
                               "source": "written for medinfo on shared/data/fda_labels_more"}})
        if out is not None:
            (out / "labels_unseen_docs").mkdir(parents=True, exist_ok=True)
            if not (out / "labels_unseen_docs" / pdf.name).exists():
                shutil.copy(pdf, out / "labels_unseen_docs" / pdf.name)
    return items


# --- Writing ------------------------------------------------------------------------------------

MANIFEST = """# Documents the held-out golden sets need (built by eval/golden/build_dev_sets.py; evaluation only).
defaults:
  expiry: null
  status: approved
documents:
  - path: bioasq_snippets.jsonl
    id_prefix: bioasq-
    kind: literature
    source: BioASQ 7B-10B gold snippets (PubMed abstracts); internal evaluation only
  - path: mediqa_passages.jsonl
    id_prefix: mediqa-
    kind: approved
    status: approved
    audience: consumer
    source: MEDIQA 2019 Task 3 answer passages (MedlinePlus, NIH, Mayo Clinic pages); internal evaluation only
"""


def sample(items: list[dict], split: str, n: int | None) -> list[dict]:
    rows = sorted((i for i in items if i["tags"]["split"] == split), key=lambda i: order_key(i["id"]))
    return rows if n is None else rows[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--full", help="write the whole dev and test splits here instead of the samples")
    args = ap.parse_args()
    shared = Path(args.shared)
    full = Path(args.full) if args.full else None
    out = full or HERE
    n_test, n_dev = (None, None) if full else (GATE_SAMPLE, DEV_SAMPLE)

    bq, snips = bioasq(shared)
    mq, passages, graded = mediqa(shared)
    cd = consumer_drugs(shared)
    chosen = {}
    for name, items in (("bioasq", bq), ("mediqa", mq), ("consumer_drugs", cd)):
        test, dev = sample(items, "test", n_test), sample(items, "dev", n_dev)
        chosen[name] = test + dev
        write_jsonl(out / f"{name}.jsonl", test)
        write_jsonl(out / "dev" / f"{name}.jsonl", dev)
        print(f"{name}: {len(items)} items ({sum(i['tags']['split'] == 'test' for i in items)} test); "
              f"written test {len(test)}, dev {len(dev)}")
    write_jsonl(out / "docs" / "bioasq_snippets.jsonl", bioasq_docs(chosen["bioasq"], snips))
    write_jsonl(out / "docs" / "mediqa_passages.jsonl", mediqa_docs(chosen["mediqa"], passages, graded))
    (out / "docs" / "manifest.yaml").write_text(MANIFEST)
    print(f"documents: {out / 'docs'}")
    if full is not None:  # the labels cannot be shipped: this set exists only where ../shared does
        lu = labels_unseen(shared, full)
        write_jsonl(full / "labels_unseen.jsonl", [i for i in lu if i["tags"]["split"] == "test"])
        write_jsonl(full / "dev" / "labels_unseen.jsonl", [i for i in lu if i["tags"]["split"] == "dev"])
        print(f"labels_unseen: {len(lu)} items ({sum(i['tags']['split'] == 'test' for i in lu)} test); "
              f"PDFs in {full / 'labels_unseen_docs'}")


if __name__ == "__main__":
    main()
