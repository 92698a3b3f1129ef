"""What a label says its product is, read from the label's own words (assistant/question/products.drug_class)."""
from assistant.question.products import drug_class


def test_the_class_a_label_gives_its_product():
    highlights = ("HIGHLIGHTS ... Lisinopril tablets are an angiotensin converting enzyme (ACE) inhibitor indicated "
                  "for the treatment of hypertension")
    assert drug_class([highlights]) == "angiotensin converting enzyme (ACE) inhibitor"
    assert drug_class(["Active ingredient (in each tablet) Naproxen sodium 220 mg (NSAID)* Purpose Pain reliever"]) \
        == "NSAID"
    assert drug_class(["Store at room temperature.", "Tofacitinib is a Janus kinase (JAK) inhibitor indicated for "
                       "the treatment of adults with rheumatoid arthritis"]) == "Janus kinase (JAK) inhibitor"


def test_no_statement_no_class():
    assert drug_class(["Take one tablet every 4 hours while symptoms last.", "Do not use with other drugs."]) == ""
