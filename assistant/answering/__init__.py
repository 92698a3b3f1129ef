"""Answering: the Assistant (assistant.py) scopes a question (scope.py), retrieves (retrieval.py), selects
evidence sentences (evidence.py), drafts with a generator (extractive.py, llm.py), verifies every claim
(claims.py, verify.py) and refuses when the evidence is weak (refusal.py)."""
