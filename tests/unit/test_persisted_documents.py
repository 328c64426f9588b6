"""A trusted-documents manifest is checked when it is read: every hash must be its document's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schema.persisted_documents import PersistedDocuments, sha256_of


def test_a_manifest_whose_hash_is_not_its_documents_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({sha256_of("{ a }"): "{ a }"}))
    assert PersistedDocuments.from_manifest(good).document("{ a }", None) == ("{ a }", None)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({sha256_of("{ a }"): "{ b }"}))
    with pytest.raises(ValueError, match="does not have that hash"):
        PersistedDocuments.from_manifest(bad)


def test_remembered_hashes_are_bounded() -> None:
    documents = PersistedDocuments(remembered=2)
    for text in ("{ a }", "{ b }", "{ c }"):
        documents.document(text, {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(text)}})
    oldest = {"persistedQuery": {"version": 1, "sha256Hash": sha256_of("{ a }")}}
    newest = {"persistedQuery": {"version": 1, "sha256Hash": sha256_of("{ c }")}}
    assert documents.document(None, oldest)[1] is not None
    assert documents.document(None, newest) == ("{ c }", None)
