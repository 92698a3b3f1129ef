"""Questions in Japanese, Chinese and Korean over English labels (the opt-in multilingual index): the drug
found across scripts, the answer quoting the English label verbatim, the interface text in the question's
language; without the index such a question is refused with the reason."""
from __future__ import annotations

import json

import pytest
import yaml
from helpers import make_corpus

from assistant.answering.assistant import Assistant
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

LABELS = ["fda_acetaminophen_highlights_2025.pdf", "fda_ibuprofen_label_2024.pdf"]
ACETAMINOPHEN = "acetaminophen-325mg-reliable1-2025"
IBUPROFEN = "ibuprofen-200mg-otc-2024"


@pytest.fixture(scope="module")
def stores(tmp_path_factory, embedder):
    root = make_corpus(tmp_path_factory.mktemp("ml-corpus"), LABELS)
    # literature that names a labelled drug and speaks of what its label warns about (written for this test)
    paper = {"id": "pmid-ibu-gi", "title": "Ibuprofen and upper gastrointestinal bleeding in older adults",
             "text": "In this cohort of 4,210 adults aged 65 years or older, ibuprofen use was associated with upper "
                     "gastrointestinal bleeding (hazard ratio 1.8). Stomach bleeding was more frequent with higher "
                     "doses of ibuprofen and with concomitant anticoagulants."}
    (root / "papers.jsonl").write_text(json.dumps(paper) + "\n")
    manifest = yaml.safe_load((root / "manifest.yaml").read_text())
    manifest["documents"].append({"path": "papers.jsonl", "id_prefix": "", "status": "approved", "kind": "literature"})
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    store = Store(tmp_path_factory.mktemp("ml-store"), embedder)
    summary, code = ingest([root], store=store, multilingual=True)
    assert code == 0 and summary["multilingual"]["embedded"] > 10, summary
    return store


def _assistant(store: Store, multilingual: bool = True) -> Assistant:
    return Assistant(store=store, settings=Settings.load(store.data_dir, multilingual=multilingual))


def test_a_japanese_question_is_answered_from_the_english_label(stores):
    a = _assistant(stores).ask("アセトアミノフェンを飲むときのお酒についての注意は？")
    assert a.status == "answered", a.explanation
    assert a.language == "ja" and a.citations[0].document_id == ACETAMINOPHEN
    quote = a.citations[0].quote
    assert stores.catalog.chunk(a.citations[0].chunk_id)["page_text"][a.citations[0].start:a.citations[0].end] \
        == quote and quote.isascii()  # verbatim, in the source's language
    assert any("英語" in n for n in a.notices)  # the interface speaks Japanese


def test_chinese_and_a_korean_brand_name_reach_the_right_label(stores):
    zh = _assistant(stores).ask("布洛芬会引起胃出血吗？")
    assert zh.status == "answered" and zh.citations[0].document_id == IBUPROFEN and zh.language == "zh"
    ko = _assistant(stores).ask("타이레놀을 먹을 때 술을 마셔도 됩니까?")  # Tylenol, transliterated from hangul
    assert ko.language == "ko" and ko.citations and ko.citations[0].document_id == ACETAMINOPHEN
    assert any("검색" in n for n in ko.notices)


def test_a_chinese_brand_name_picks_the_label_when_both_labels_answer_the_topic(stores):
    # Both Drug Facts labels warn about alcohol: only the brand (泰诺林, Tylenol; 芬必得, Fenbid) tells them apart, and
    # a Chinese brand name cannot be transliterated (assistant/question/data/drug_names_cjk.tsv).
    for question, doc in (("服用泰诺林时可以喝酒吗？", ACETAMINOPHEN), ("服用芬必得时可以喝酒吗？", IBUPROFEN)):
        a = _assistant(stores).ask(question)
        assert a.status == "answered" and a.citations, a.explanation
        assert {c.document_id for c in a.citations} == {doc}, [c.document_id for c in a.citations]


def test_across_languages_a_named_drug_is_searched_in_its_labelling_not_in_papers_that_mention_it(stores):
    # the multilingual model cannot weigh the drug's name: a paper on ibuprofen and stomach bleeding ranked above
    # the label's own warning for "布洛芬会引起胃出血吗？" (bench/multilingual.py, fifth batch)
    from assistant.answering.crosslingual import CrossLingual
    from assistant.answering.snapshot import Filters

    a = _assistant(stores)
    snap = a.retriever.snapshot()
    assert any(p.doc_id == "pmid-ibu-gi" for p in snap.passages), sorted({p.doc_id for p in snap.passages})
    found = CrossLingual(stores).search("布洛芬会引起胃出血吗？", snap, Filters(products=["ibuprofen"]), 8)
    assert found and {h.passage.doc_id for h in found} == {IBUPROFEN}, [h.passage.doc_id for h in found]
    # a question that names no drug still searches the papers
    found = CrossLingual(stores).search("老年人胃肠道出血的风险", snap, Filters(), 8)
    assert "pmid-ibu-gi" in {h.passage.doc_id for h in found}


def test_without_the_multilingual_index_the_question_is_refused_with_the_reason(stores):
    a = _assistant(stores, multilingual=False).ask("アセトアミノフェンの用量は？")
    assert a.status != "answered" and "MEDINFO_MULTILINGUAL" in (a.explanation or "")
    assert a.answer == "利用可能な資料ではこの質問に回答できません。"


def test_spanish_french_and_german_are_answered_from_the_english_label_with_or_without_the_index(stores):
    # their medical words are cognates of the label's ("alcohol", "hemorragia estomacal" -> stomach bleeding): the
    # English search words are enough, so the multilingual index is not required
    for multilingual in (True, False):
        es = _assistant(stores, multilingual).ask("¿Puedo beber alcohol mientras tomo paracetamol?")
        assert es.status == "answered" and es.language == "es", es.explanation
        assert es.citations[0].document_id == ACETAMINOPHEN and es.citations[0].quote.isascii()
        assert any(n.startswith("Se buscó en las fuentes en inglés") for n in es.notices)
        fr = _assistant(stores, multilingual).ask("L'ibuprofène peut-il provoquer un saignement de l'estomac ?")
        assert fr.status == "answered" and fr.language == "fr" and fr.citations[0].document_id == IBUPROFEN
        de = _assistant(stores, multilingual).ask("Darf man während der Einnahme von Ibuprofen Alkohol trinken?")
        assert de.status == "answered" and de.language == "de" and de.citations[0].document_id == IBUPROFEN


def test_a_follow_up_in_another_language_keeps_the_product_of_the_earlier_turn(stores):
    # Both labels warn about alcohol: only the earlier turn tells which product "and with alcohol?" is about (it was
    # answered from whichever label ranked first: the follow-up was resolved on the raw text, in English rules).
    # "お酒" (alcohol) had no English word: the acetaminophen follow-up was refused in the bundled store.
    for earlier, follow_up, doc in (
            ("アセトアミノフェンの1日最大量は？", "お酒を飲んでもいいですか？", ACETAMINOPHEN),
            ("イブプロフェンの1日最大量は？", "お酒を飲んでもいいですか？", IBUPROFEN),
            ("¿Cuál es la dosis máxima diaria de paracetamol?", "¿Y con alcohol?", ACETAMINOPHEN),
            ("¿Cuál es la dosis máxima diaria de ibuprofeno?", "¿Y con alcohol?", IBUPROFEN)):
        a = _assistant(stores).ask(follow_up, history=[earlier])
        assert a.status == "answered" and a.resolved_question, a.explanation
        assert {c.document_id for c in a.citations} == {doc}, (follow_up, earlier, a.resolved_question)


def test_a_report_in_japanese_or_korean_is_flagged_with_its_notice_in_that_language(stores):
    """Safety signals read a question as written in its own language (the cross-language classifiers); a plain
    question in that language is no report. Messages written for this test, in no labelled set."""
    ja = _assistant(stores).ask("イブプロフェンを3日飲んだら、娘の顔じゅうにじんましんが出て救急外来に行きました。")
    assert ja.flags.adverse_event and ja.flags.details["adverse_event"]["drug"] == "ibuprofen"
    assert any("有害事象" in n for n in ja.notices)
    ko = _assistant(stores).ask("어머니가 타이레놀을 드신 뒤로 눈이 노랗게 변했어요.")
    assert ko.flags.adverse_event and any("이상사례" in n for n in ko.notices)
    plain = _assistant(stores).ask("アセトアミノフェンの1日最大量は？")
    assert not plain.flags.adverse_event and not plain.flags.product_complaint
