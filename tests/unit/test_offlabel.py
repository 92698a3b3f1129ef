"""The off-label signal with more than one product named: the use belongs to whichever product's labelling covers
it; only when none does is it off-label, reported for the product named last before the use."""
from assistant.question.offlabel import check

INDICATIONS = {
    "warfarin": "Warfarin is indicated for the prophylaxis and treatment of venous thrombosis and pulmonary embolism.",
    "ibuprofen": "Uses: temporarily relieves minor aches and pains due to headache, toothache, backache, "
                 "muscular aches.",
    "metformin": "Metformin is indicated as an adjunct to diet and exercise to improve glycemic control in type 2 "
                 "diabetes mellitus.",
}


def positions(question: str, names: dict[str, str]) -> dict[str, int]:
    low = question.lower()
    return {p: low.find(n) for n, p in names.items() if n in low}


def test_a_use_one_of_two_products_is_labelled_for_is_not_off_label():
    q = "Is it bad to take warfarin with Advil for back pain?"
    where = positions(q, {"warfarin": "warfarin", "advil": "ibuprofen"})
    assert check(q, ["warfarin", "ibuprofen"], INDICATIONS.get, where) is None


def test_a_use_no_named_product_covers_is_reported_for_the_product_named_last_before_it():
    q = "My patient on ibuprofen asks whether metformin can be used for weight loss."
    where = positions(q, {"ibuprofen": "ibuprofen", "metformin": "metformin"})
    out = check(q, ["ibuprofen", "metformin"], INDICATIONS.get, where)
    assert out and out["product"] == "metformin" and out["use"] == "weight loss"


def test_one_product_as_before():
    assert check("Can metformin be used for weight loss?", ["metformin"], INDICATIONS.get)["use"] == "weight loss"
    assert check("Is warfarin used for venous thrombosis?", ["warfarin"], INDICATIONS.get) is None


def test_a_product_whose_indications_are_unknown_is_not_called_off_label():
    q = "Can I take Advil with warfarin for a sprained ankle?"
    where = positions(q, {"advil": "ibuprofen", "warfarin": "warfarin"})
    known = {"warfarin": INDICATIONS["warfarin"], "ibuprofen": ""}
    assert check(q, ["ibuprofen", "warfarin"], known.get, where) is None


def test_a_lay_use_is_on_label_when_the_indications_name_it_by_its_medical_compound():
    # "high cholesterol" is what atorvastatin's label calls hypercholesterolemia: it had been called off-label and
    # the question answered from literature only
    statin = {"atorvastatin": "As an adjunct to diet to reduce LDL-C in adults with heterozygous familial "
                              "hypercholesterolemia (HeFH)."}
    assert check("Is Lipitor good for high cholesterol?", ["atorvastatin"], statin.get) is None
    # a short word is not looked for inside longer ones: "weight" is not "overweight"
    fat = {"metformin": INDICATIONS["metformin"] + " Overweight adults."}
    assert check("Can metformin be used for weight loss?", ["metformin"], fat.get)["use"] == "weight loss"


def test_a_use_is_on_label_when_the_indications_say_it_in_other_words():
    # "UTI" is what the label calls infections of the (genito)urinary tract (question/data/synonyms.txt)
    keflex = {"cephalexin": "Cephalexin is indicated for genitourinary tract infections caused by E. coli."}
    assert check("Would Keflex work for a UTI?", ["cephalexin"], keflex.get) is None


def test_for_someone_or_a_drug_to_do_something_is_no_use():
    # "for metformin to start working" had been read as a use its indications do not cover, and the question
    # answered from literature only under an off-label notice (read 2026-12-05 on lisinopril)
    for question, product in (("How long does it take for metformin to start working?", "metformin"),
                              ("Is it safe for her to take warfarin with a cold?", "warfarin"),
                              ("Is it okay for my son to take ibuprofen?", "ibuprofen")):
        assert check(question, [product], INDICATIONS.get) is None, question
    # a use after "for" stays one
    assert check("Can metformin be used for weight loss?", ["metformin"], INDICATIONS.get)["use"] == "weight loss"


def test_a_drug_after_for_is_no_use():
    # "the boxed warning for Coumadin" had been read as the use "Coumadin", which warfarin's indications do not
    # name: the question was answered from literature only under an off-label notice (follow-ups dev, 2026-12-05)
    for question in ("What is the boxed warning for Coumadin?", "What is the maximum dose for Tylenol?"):
        product = "warfarin" if "Coumadin" in question else "acetaminophen"
        assert check(question, [product], (INDICATIONS | {"acetaminophen": "Uses: reduces fever"}).get) is None
    assert check("Is warfarin used for weight loss?", ["warfarin"], INDICATIONS.get)["use"] == "weight loss"
