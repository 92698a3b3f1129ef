"""The English pivot of a question in Japanese, Chinese or Korean: the drug and the label and clinical words it
uses (a condition asked about must reach the English search, or only the drug does)."""
from __future__ import annotations

from assistant.question.language import detect, pivot


def test_a_condition_asked_about_reaches_the_english_search():
    zh = pivot("阿托伐他汀会引起横纹肌溶解吗？")
    assert detect("阿托伐他汀会引起横纹肌溶解吗？") == "zh"
    assert "atorvastatin" in zh.split() and "rhabdomyolysis" in zh.split()
    ko = pivot("중증 근무력증 환자에서 시프로플록사신을 피해야 합니까?")
    assert "ciprofloxacin" in ko.split() and {"myasthenia", "gravis"} <= set(ko.split())
    ja = pivot("ワルファリン服用中に消化管出血が起きたら？")
    assert {"warfarin", "gastrointestinal", "bleeding"} <= set(ja.split())


def test_the_longest_term_wins_and_a_drug_name_is_not_read_as_a_condition():
    # myasthenia gravis, not "muscle weakness" (a shorter term inside it)
    assert "weakness" not in pivot("重症肌无力患者可以用环丙沙星吗？").split()
    assert "hepatitis" in pivot("B型肝炎の患者にアセトアミノフェンは使えますか？").split()
    words = set(pivot("암로디핀의 권장 용량은?").split())  # amlodipine: no condition in it
    assert words <= {"amlodipine", "recommended", "dose", "dosage"}, words


def test_a_drug_named_beside_the_product_reaches_the_english_search():
    # The interaction partner, not only the product: else the English search knows nothing of the interaction.
    ja = set(pivot("クラリスロマイシン併用時のアトルバスタチンの最大用量は？").split())
    assert {"clarithromycin", "atorvastatin"} <= ja
    zh = set(pivot("赖诺普利可以与锂剂合用吗？").split())
    assert {"lithium", "lisinopril"} <= zh
    ko = set(pivot("메트포르민을 인슐린과 병용하면 저혈당이 생깁니까?").split())
    assert {"insulin", "metformin", "hypoglycemia"} <= ko
    # any drug two bundled labels name, in Chinese too (no transliteration there)
    assert {"warfarin", "metronidazole"} <= set(pivot("华法林与甲硝唑合用安全吗？").split())
    assert {"warfarin", "fluoxetine"} <= set(pivot("와파린과 플루옥세틴을 함께 복용해도 됩니까?").split())
    # a condition word that holds a drug name stays a condition: heparin, then thrombocytopenia
    hit = set(pivot("ヘパリン起因性血小板減少症の患者にワルファリンは安全ですか？").split())
    assert {"heparin", "thrombocytopenia", "warfarin"} <= hit


def test_brand_names_as_written_in_each_script_reach_the_generic():
    # Chinese brand names cannot be transliterated (立普妥 is Lipitor); a brand that starts another drug's name
    # (シプロ, 시프로: cyproheptadine) must not become ciprofloxacin.
    assert "atorvastatin" in pivot("立普妥的常用剂量是多少？").split()
    assert "acetaminophen" in pivot("必理通可以和咖啡一起吃吗？").split()
    assert "ibuprofen" in pivot("芬必得的副作用有哪些？").split()
    assert "metformin" in pivot("グルコファージの最大用量は？").split()
    words = set(pivot("시프로헵타딘의 권장 용량은?").split())
    assert "cyproheptadine" in words and "ciprofloxacin" not in words
    assert "ciprofloxacin" in pivot("시프로를 우유와 함께 먹어도 됩니까?").split()


def test_administration_and_pharmacokinetic_words_reach_the_english_search():
    # The words of Dosage and Administration, Clinical Pharmacology and How Supplied, not only conditions.
    assert {"lisinopril", "half-life"} <= set(pivot("赖诺普利的半衰期是多少？").split())
    assert {"warfarin", "hemodialysis"} <= set(pivot("ワルファリンは血液透析で除去されますか？").split())
    assert {"amoxicillin", "food"} <= set(pivot("아목시실린은 음식과 상관없이 복용할 수 있습니까?").split())
    swallow = pivot("アトルバスタチンはそのまま飲み込む必要がありますか？")
    assert {"atorvastatin", "swallowed", "whole"} <= set(swallow.split())


def test_the_words_of_the_labels_section_headings_reach_the_english_search():
    # Headings of the bundled labels (12.x Microbiology, 13.1 Carcinogenesis..., 1.x Pyelonephritis): one question
    # per script, written for this test.
    cases = {"シプロフロキサシンは腎盂腎炎に使えますか？": "pyelonephritis",
             "阿托伐他汀有致癌性研究吗？": "carcinogenesis",
             "아목시실린에 대한 세균 내성은 어떻습니까?": "resistance"}
    for question, word in cases.items():
        assert word in pivot(question).split(), (question, pivot(question))


def test_chinese_in_traditional_characters_reads_as_simplified():
    # Taiwan and Hong Kong write 華法林 / 劑量 / 腎功能 / 二甲雙胍: the same search as the simplified question
    assert pivot("華法林的起始劑量是多少？") == pivot("华法林的起始剂量是多少？")
    assert set(pivot("腎功能不全患者可以使用二甲雙胍嗎？").split()) >= {"metformin", "renal", "impairment"}
    assert "acetaminophen" in pivot("乙醯胺酚每天最多可以吃多少？").split()  # Taiwan's name


def test_full_width_latin_and_half_width_katakana_read_as_usual():
    # as typed on a Japanese keyboard: the pivot was empty
    assert set(pivot("ＩＮＲが４を超えた場合のﾜﾙﾌｧﾘﾝの対応は？").split()) >= {"warfarin", "INR"}


def test_a_question_in_traditional_characters_gets_its_interface_in_traditional_characters():
    from assistant.question.language import interface, variant

    assert variant("華法林的起始劑量是多少？", "zh") == "zh-Hant"
    assert variant("华法林的起始剂量是多少？", "zh") == "zh" and variant("ワルファリンの用量は？", "ja") == "ja"
    assert interface("zh-Hant", "references") == "參考文獻" and interface("zh", "references") == "参考文献"
    assert interface("zh-Hant", "no_evidence") == "現有資料無法回答此問題。"
