"""The evaluation harness: golden sets in, metrics, a gate, JUnit XML and a readable report out.

It drives the assistant as a user would (the Python API or HTTP) and scores citations with its own,
independent support check, so a regression in the assistant's verifier cannot hide itself.
"""
from ingest import offline  # noqa: F401
