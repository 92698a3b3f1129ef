"""Fuzzing the OpenAPI schema with schemathesis against a real server: no request may get a 5xx."""
from __future__ import annotations

import subprocess

import pytest
from helpers import BIN


@pytest.mark.parametrize("role", ["admin", "physician"])
def test_schemathesis_finds_no_server_error(api, role, tmp_path):
    server, keys = api
    proc = subprocess.run(
        [str(BIN / "st"), "run", server.url + "/openapi.json", "--checks", "not_a_server_error",
         "-H", f"Authorization: Bearer {keys[role]}", "--max-examples", "25", "--phases",
         "examples,coverage,fuzzing", "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    summary = proc.stdout.split("Test cases:")[-1]
    assert "generated" in summary and " failed" not in summary and "errored" not in summary, proc.stdout[-3000:]
