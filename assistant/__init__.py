"""medinfo's answering side: retrieve, select evidence, generate, verify, serve."""
from ingest import offline  # noqa: F401


def __getattr__(name):
    if name == "Assistant":
        from assistant.answer import Assistant

        return Assistant
    raise AttributeError(name)
