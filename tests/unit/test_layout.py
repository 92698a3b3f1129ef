"""The house rules, checked on the source: imports point down the rooms, no cycles, the environment is
read only by the settings module, and audit records are written only where answers and reviews are made."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from helpers import ROOT

PACKAGES = ("ingest", "assistant", "eval")
# Rooms from the bottom up: a module may import its own room and the rooms below it, never above.
ROOMS = ["ingest", "assistant.contract", "assistant.settings", "assistant.prompts", "assistant.question",
         "assistant.records", "assistant.answering", "assistant.letters", "assistant.insights", "assistant.faq",
         "assistant.server", "assistant.cli",
         "assistant", "eval"]


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if "golden" in parts:
                continue
            out[".".join(parts)] = path
    return out


def _room(module: str) -> int:
    best = -1
    for i, room in enumerate(ROOMS):
        if module == room or module.startswith(room + "."):
            if best < 0 or len(room) > len(ROOMS[best]):
                best = i
    return best


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return [m for m in out if m.split(".")[0] in PACKAGES]


def test_imports_point_down():
    mods = _modules()
    upward = []
    for mod, path in mods.items():
        if mod == "assistant":  # the package's lazy re-export of Assistant
            continue
        for imp in _imports(path):
            if imp not in mods and imp.rsplit(".", 1)[0] in mods:
                imp = imp.rsplit(".", 1)[0]
            if imp in mods and _room(imp) > _room(mod) and not imp.startswith(mod + "."):
                upward.append(f"{mod} imports {imp}")
    assert not upward, upward


def test_no_import_cycles():
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        deps = set()
        for imp in _imports(path):
            if imp not in mods:
                imp = imp.rsplit(".", 1)[0]
            if imp in mods and imp != mod and not mod.startswith(imp + ".") and imp not in PACKAGES:
                deps.add(imp)
        graph[mod] = deps
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in graph.get(m, ()):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d] if d in stack else [m, d])
            elif d not in state:
                visit(d, stack + [d])
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for path in _modules().values():
        text = path.read_text()
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"os\.environ\.get|os\.getenv|environ\[[^\]]+\](?!\s*=)|os\.environ\.setdefault", line):
                readers.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    allowed = [r for r in readers if not r.startswith("assistant/settings.py")]
    assert not allowed, allowed


def test_audit_records_are_written_only_where_answers_and_reviews_are_made():
    writers = []
    for mod, path in _modules().items():
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.(append_audit|record_answer|add_safety_report)\(", line) and \
                    not mod.startswith(("assistant.records", "assistant.answering.assistant")):
                writers.append(f"{mod}:{n}")
    assert not writers, writers


def test_no_module_is_much_over_400_lines():
    long = [f"{m} ({len(p.read_text().splitlines())})" for m, p in _modules().items()
            if len(p.read_text().splitlines()) > 450]
    assert not long, long
