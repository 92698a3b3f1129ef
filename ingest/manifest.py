"""The corpus manifest: per-document metadata (YAML or JSON), paths relative to the manifest.

    defaults: {audience: hcp, status: approved}
    documents:
      - path: fda_labels/fda_warfarin_label_2025.pdf
        id: warfarin-gsms-2025
        title: Warfarin Sodium Tablets (Golden State Medical Supply)
        kind: approved            # approved | literature
        product: warfarin
        aliases: [coumadin]
        version: "2022-08"
        effective: 2022-08-01
        expiry: 2030-12-31
        status: approved          # approved | unreviewed | draft | withdrawn (default: unreviewed)
        source: https://dailymed.nlm.nih.gov/...
        owner: Medical Information (J. Doe)   # standard responses: who answers for it
        approval_date: 2025-01-15
        review_date: 2026-01-15   # `medinfo docs --due 30d` lists content due for review or past expiry
        replaces: old-id          # this file may take over an id another source holds
      - path: literature/pubmedqa_dev.json   # a collection: one document per record
        id_prefix: pmid-
        kind: literature
        records: {"21645374": {status: withdrawn}}   # per-record overrides

An entry with an error is reported and skipped; the other entries still count. Approval is explicit: a
document is approved only when its entry (or the defaults) says `status: approved`; files without an
entry are ingested as `unreviewed`. An entry whose file is gone may still withdraw its id:
`{path: old.pdf, id: old-id, status: withdrawn}`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest import safe_yaml
from ingest.types import DocumentMeta, MetadataError

META_KEYS = {"id", "title", "kind", "product", "aliases", "audience", "version", "effective", "expiry", "status",
             "source", "replaces", "owner", "approval_date", "review_date"}
FOUND_KEYS = (META_KEYS - {"status", "replaces"}) | {"attributes"}  # what a file may say about itself
ENTRY_KEYS = META_KEYS | {"path", "id_prefix", "records"}


class ManifestError(Exception):
    """The manifest file as a whole cannot be read."""


@dataclass
class Entry:
    path: Path
    fields: dict[str, Any]
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    id_prefix: str | None = None

    def fingerprint(self) -> str:
        blob = json.dumps([self.fields, self.records, self.id_prefix], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def meta(self, record_key: str | None, found: dict[str, Any], fallback_id: str, title: str) -> DocumentMeta:
        """Metadata of one document: manifest fields over what the file says over defaults."""
        values: dict[str, Any] = {k: v for k, v in found.items() if k in FOUND_KEYS}
        derived = values.get("product")
        values.update({k: v for k, v in self.fields.items() if k in META_KEYS})
        if derived and values.get("product") in (None, derived):  # the manifest refines what the file says
            values["aliases"] = sorted(set(found.get("aliases") or []) | set(self.fields.get("aliases") or []))
        values["origin"] = "manifest" if "id" in self.fields else "record" if "id" in values else "file"
        if record_key is not None:
            values["id"] = (self.id_prefix if self.id_prefix is not None else f"{self.path.stem}-") + record_key
            values["title"] = title
            values["origin"] = "record"
            values.update({k: v for k, v in self.records.get(record_key, {}).items() if k in META_KEYS})
        values.setdefault("id", fallback_id)
        values.setdefault("title", title)
        for k in ("effective", "expiry", "version", "approval_date", "review_date"):
            if values.get(k) is not None:
                values[k] = str(values[k])
        return DocumentMeta(**values).validate()


@dataclass
class Manifest:
    path: Path | None
    entries: dict[Path, Entry]
    errors: list[tuple[str, str]]  # (file or entry, reason)
    withdrawals: list[tuple[str, str]] = field(default_factory=list)  # (id, entry) of entries whose file is gone

    def entry(self, file: Path) -> Entry | None:
        return self.entries.get(file.resolve())

    def covers(self, file: Path) -> bool:
        return self.path is not None and file.resolve().is_relative_to(self.path.parent.resolve())


def load_manifest(path: Path | None) -> Manifest:
    if path is None:
        return Manifest(None, {}, [])
    path = Path(path)
    try:
        raw = safe_yaml.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"{path}: unreadable: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: invalid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
        raise ManifestError(f"{path}: expected a mapping with a 'documents' list")
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ManifestError(f"{path}: 'defaults' must be a mapping")
    base = path.parent.resolve()
    entries: dict[Path, Entry] = {}
    errors: list[tuple[str, str]] = []
    withdrawals: list[tuple[str, str]] = []
    seen_ids: dict[str, int] = {}
    for i, item in enumerate(raw["documents"]):
        where = f"{path}: documents[{i}]"
        if not isinstance(item, dict) or not item.get("path"):
            errors.append((where, "entry must be a mapping with a 'path'"))
            continue
        where = f"{path}: {item['path']}"
        unknown = set(item) - ENTRY_KEYS
        if unknown:
            errors.append((where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(ENTRY_KEYS)}"))
            continue
        file = (base / str(item["path"])).resolve()
        if not file.exists():
            status = (defaults | item).get("status")
            if status == "withdrawn" and item.get("id"):
                withdrawals.append((str(item["id"]), where))  # the file is gone; its id is still withdrawn
            else:
                errors.append((where, "file listed in the manifest does not exist"))
            continue
        fields = {k: v for k, v in (defaults | item).items() if k in META_KEYS}
        entry = Entry(file, fields, item.get("records") or {}, item.get("id_prefix"))
        if "id" in fields:
            if fields["id"] in seen_ids:
                errors.append((where, f"duplicate id {fields['id']!r} (also documents[{seen_ids[fields['id']]}])"))
                continue
            seen_ids[fields["id"]] = i
        try:  # validate what can be validated without the file
            probe = {k: v for k, v in fields.items() if k != "id"}
            DocumentMeta(**(probe | {"id": fields.get("id", "probe"), "title": fields.get("title", "probe")})
                         ).validate()
        except (MetadataError, TypeError) as exc:
            errors.append((where, str(exc)))
            continue
        entries[file] = entry
    return Manifest(path, entries, errors, withdrawals)
