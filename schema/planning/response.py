"""A planned operation's data: each root field's JSON text, spliced into the response.

The text is PostgreSQL's and is sent as it is: no Python object is made of the rows
and nothing is encoded again. Only the HTTP view sees it (the planner runs for HTTP
requests alone), and it writes the envelope around it (`response_body`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class PlannedData(dict[str, str]):
    """Root response keys to their JSON text, in the operation's order."""

    def decoded(self) -> dict[str, Any]:
        """The data as Python values, for a consumer that wants objects, not text."""
        return {key: json.loads(text) for key, text in self.items()}

    def encoded(self) -> str:
        return "{" + ",".join(f"{json.dumps(key)}:{text}" for key, text in self.items()) + "}"


def response_body(envelope: Mapping[str, Any]) -> str | None:
    """The JSON of a response whose `data` is planned, or None when it is not."""
    data = envelope.get("data")
    if not isinstance(data, PlannedData):
        return None
    rest = "".join(
        f",{json.dumps(key)}:{json.dumps(value)}"
        for key, value in envelope.items()
        if key != "data"
    )
    return '{"data":' + data.encoded() + rest + "}"
