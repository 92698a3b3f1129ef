"""What each product's labels say it is ("vitamin K antagonist", "NSAID"), and which of those classes another
product's label speaks of: "Is Advil OK alongside lisinopril?" is answered where lisinopril's label speaks of NSAIDs,
ibuprofen's Drug Facts saying "(NSAID)". Read from the labels of the snapshot, once per product."""
from __future__ import annotations

from assistant.question.products import drug_class


class ProductClasses:
    def __init__(self, snap):
        self.snap = snap  # the Snapshot whose approved passages are read
        self._read: dict[str, tuple[str, str]] = {}

    def of(self, product: str) -> tuple[str, str]:
        """(the class the product's approved labels give it or "", their text in lower case)."""
        if product not in self._read:
            texts = [self.snap.passages[i].text for i in self.snap.approved_rows(product)]
            self._read[product] = (drug_class(texts), " ".join(texts).lower())
        return self._read[product]

    def between(self, products: list[str]) -> list[str]:
        """The classes of the products named that another named product's label speaks of: "ibuprofen with
        lisinopril" -> ["NSAID"] (lisinopril's label: "coadministration of NSAIDs"); lisinopril's "ACE inhibitor"
        is left out, ibuprofen's label not naming it."""
        out = []
        for p in products:
            cls = self.of(p)[0]
            if cls and any(cls.lower() in self.of(q)[1] for q in products if q != p):
                out.append(cls)
        return out
