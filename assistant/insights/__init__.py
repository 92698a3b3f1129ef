"""Insights over the audit log: what is asked, what the content cannot answer, what reviewers reject, and whether
safety reports reached pharmacovigilance in time (`medinfo insights`, GET /v1/insights, the /insights page).

`build()` returns one dict (the JSON format); `render.py` turns it into Markdown, CSV, or HTML with SVG charts.
"""
from __future__ import annotations

from assistant.insights.build import build

__all__ = ["build"]
