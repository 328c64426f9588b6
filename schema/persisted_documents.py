"""Persisted documents: Apollo's automatic persisted queries, and trusted documents.

A client may send `extensions.persistedQuery {version: 1, sha256Hash}` instead of the
document. The gateway answers PERSISTED_QUERY_NOT_FOUND for a hash it has not seen (the
message Apollo clients look for), the client sends the document with its hash once, and
from then on the hash alone does (a bounded per-replica memory, like the parser cache). A
document whose hash does not match is refused.

With a trusted-documents manifest (`TRUSTED_DOCUMENTS`: a JSON object of sha256 hash to
document, built from the front ends' code), only those documents run, by hash or by text:
a deployment then executes nothing its own clients did not ship.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import GraphQLError

REMEMBERED = 1000


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class PersistedDocuments:
    def __init__(self, trusted: Mapping[str, str] | None = None, remembered: int = REMEMBERED):
        self._trusted = dict(trusted) if trusted is not None else None
        self._known: OrderedDict[str, str] = OrderedDict()
        self._remembered = remembered

    @classmethod
    def from_manifest(cls, path: Path | None) -> PersistedDocuments:
        """Automatic persisted queries; with a manifest, only its documents."""
        if path is None:
            return cls()
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in manifest.items()
        ):
            raise ValueError(
                f"{path}: a trusted-documents manifest maps sha256 hashes to documents"
            )
        for digest, document in manifest.items():
            if sha256_of(document) != digest:
                raise ValueError(f"{path}: the document under {digest} does not have that hash")
        return cls(manifest)

    def document(
        self, query: str | None, extensions: Mapping[str, Any] | None
    ) -> tuple[str | None, GraphQLError | None]:
        """The document to run, or why the request is refused."""
        persisted = (extensions or {}).get("persistedQuery")
        digest = persisted.get("sha256Hash") if isinstance(persisted, Mapping) else None
        if persisted is not None and not isinstance(digest, str):
            return None, _error(
                "extensions.persistedQuery needs version 1 and a sha256Hash.", "BAD_REQUEST"
            )
        if digest is not None and query is not None and sha256_of(query) != digest:
            return None, _error("The provided sha256Hash does not match the query.", "BAD_REQUEST")
        if self._trusted is not None:
            found = self._trusted.get(digest or sha256_of(query or ""))
            if found is None:
                return None, _error(
                    "This gateway runs only its trusted documents; this one is not among them.",
                    "PERSISTED_QUERY_NOT_TRUSTED",
                )
            return found, None
        if digest is None:
            return query, None
        if query is None:
            known = self._known.get(digest)
            if known is None:
                return None, _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            self._known.move_to_end(digest)
            return known, None
        self._known[digest] = query
        if len(self._known) > self._remembered:
            self._known.popitem(last=False)
        return query, None
