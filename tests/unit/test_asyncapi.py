"""`gateway asyncapi`: the AsyncAPI 3.0 document of every topic, valid, complete, and true
to what the contracts write and read.

The document is validated by `asyncapi3` (the AsyncAPI 3.0 object model, which refuses
unknown fields and malformed keys) and `jsonschema` (each schema in it is a JSON Schema,
each record is held against its message's schema). Every contract is run on facts built
from its own type hints, once with every optional field set and once with none, and
the records the wire functions make are held against the message schemas closed to
undeclared fields; every seed example (tests/unit/seed_event_examples.json, copied from
seeds 000-003) is held against its message's schema.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import jsonschema
import pytest
import yaml
from asyncapi3 import AsyncAPI3

from domain.events import DomainEvent, PublishedEvent
from gateway.cli import main
from subscriptions.asyncapi import SCHEMAS, document, key
from subscriptions.broker_marker import MARKER_TOPIC
from subscriptions.inbound.dead_letter import Origin, Reason, dead_letter_headers
from subscriptions.inbound.topics import INBOUND, decode_inbound, inbound_topics
from subscriptions.topics import TOPICS
from subscriptions.wire import json as wire_json
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import closed
from subscriptions.wire.quote import QUOTE_APPROVED
from subscriptions.wire.registry import (
    CONTRACTS,
    INBOUND_CONTRACTS,
    ROUTES,
    contract_named,
    decode,
    outgoing,
)

DOCUMENT = document()
MESSAGES = DOCUMENT["components"]["messages"]
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
CORRELATION_ID = "corr-0b6d2f4e-7f7c-4a53-9d5e-3c1f0a2b4c6d"
EXAMPLES = json.loads((Path(__file__).parent / "seed_event_examples.json").read_text())
AT = datetime(2026, 1, 25, 14, 30, 0, 123000, tzinfo=UTC)
FINER = AT.replace(microsecond=123456)
"""An instant finer than the wire's milliseconds, as a clock gives them."""
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT")
MILLISECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def sample(kind: type[Any], *, sparse: bool, at: datetime = AT) -> Any:
    """A `kind` built from its type hints: every optional field set, or (sparse) each
    left at its default and every nullable one None."""
    hints = get_type_hints(kind)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        if not field.init:
            continue
        has_default = (
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING
        )
        if sparse and has_default and field.name != "event_id":
            continue
        values[field.name] = _value(field.name, hints[field.name], sparse, at)
    return kind(**values)


def _value(name: str, hint: Any, sparse: bool, at: datetime) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        held = [arg for arg in get_args(hint) if arg is not type(None)]
        return None if sparse else _value(name, held[0], sparse, at)
    if get_origin(hint) is tuple:
        return (_value(name, get_args(hint)[0], sparse, at),)
    if dataclasses.is_dataclass(hint):
        return sample(hint, sparse=sparse, at=at)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)[-1]
    fixed = {
        "tenant_id": "tenant-001",
        "occurred_at": at,
        "event_id": "evt-1",
        "currency": "USD",
    }
    if name in fixed:
        return fixed[name]
    for kind, value in (
        (bool, True),
        (int, 3),
        (str, f"{name.upper()}-1"),
        (Decimal, Decimal("12.50")),
        (datetime, at),
        (date, date(2026, 1, 31)),
    ):
        if hint is kind:
            return value
    raise TypeError(f"no sample for {name}: {hint!r}")


def _validate(instance: Any, schema: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(instance)


def _record_value(value: bytes) -> dict[str, Any]:
    return wire_json.loads(value)


def _instants(node: Any) -> list[str]:
    """Every string in a record that is an ISO 8601 instant (a date, then `T`)."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in _instants(value)]
    if isinstance(node, list):
        return [text for value in node for text in _instants(value)]
    return [node] if isinstance(node, str) and INSTANT.match(node) else []


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(pointer: str) -> Any:
    assert pointer.startswith("#/"), pointer
    node: Any = DOCUMENT
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_the_document_is_asyncapi_3_0_by_the_object_model() -> None:
    AsyncAPI3.model_validate(DOCUMENT)
    assert DOCUMENT["asyncapi"] == "3.0.0"


def test_a_document_with_a_mistake_is_refused_by_the_validator() -> None:
    broken = json.loads(json.dumps(DOCUMENT))
    broken["channels"]["crm_serviceorders_created"]["partitionz"] = 6
    with pytest.raises(ValueError, match="partitionz"):
        AsyncAPI3.model_validate(broken)


def test_every_reference_resolves_and_operations_send_their_channels_messages() -> None:
    for ref in _refs(DOCUMENT):
        assert _resolve(ref) is not None
    for operation in DOCUMENT["operations"].values():
        channel = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel}/messages/")


def test_every_schema_in_it_is_a_json_schema() -> None:
    for message in MESSAGES.values():
        jsonschema.Draft7Validator.check_schema(message["payload"])
        if "headers" in message:
            jsonschema.Draft7Validator.check_schema(message["headers"])


def test_every_declared_topic_is_a_channel_with_its_partition_count() -> None:
    channels = {channel["address"]: channel for channel in DOCUMENT["channels"].values()}
    assert set(channels) == set(TOPICS) - {MARKER_TOPIC}
    for topic, channel in channels.items():
        assert channel["bindings"]["kafka"]["partitions"] == TOPICS[topic]


def test_the_gateway_sends_what_it_publishes_and_receives_what_it_consumes() -> None:
    operations = DOCUMENT["operations"]
    for event_type, route in ROUTES.items():
        sent = operations[key(f"send.{route.topic}")]
        assert sent["action"] == "send"
        assert {"$ref": f"#/channels/{key(route.topic)}/messages/{key(event_type)}"} in (
            sent["messages"]
        )
    for topic in inbound_topics():
        assert operations[key(f"receive.{topic}")]["action"] == "receive"
        assert operations[key(f"send.{topic}.dlq")]["action"] == "send"


def test_every_contract_declares_its_payload() -> None:
    names = {c.name for c in (*CONTRACTS.values(), *INBOUND_CONTRACTS.values())}
    assert set(SCHEMAS) == names, (
        "declare each contract's payload in its module's SCHEMAS (payload_schema.record) "
        "and list the module in subscriptions/asyncapi.py"
    )


@pytest.mark.parametrize("sparse", [False, True], ids=["full", "sparse"])
@pytest.mark.parametrize("kind", list(CONTRACTS), ids=lambda kind: kind.__name__)
def test_every_published_record_is_its_message_closed_to_undeclared_fields(
    kind: type[DomainEvent], sparse: bool
) -> None:
    fact = sample(kind, sparse=sparse, at=FINER)
    record = outgoing(
        PublishedEvent(
            sequence=7, event=fact, traceparent=TRACEPARENT, correlation_id=CORRELATION_ID
        )
    )
    message = MESSAGES[key(CONTRACTS[kind].name)]
    _validate(_record_value(record.value), closed(message["payload"]))
    headers = {name: value.decode() for name, value in record.headers}
    _validate(headers, closed(message["headers"]))
    for instant in _instants(_record_value(record.value)):
        assert MILLISECONDS.match(instant), instant


INBOUND_WITH_CONTRACTS = [name for name in INBOUND if contract_named(name) is not None]


@pytest.mark.parametrize("sparse", [False, True], ids=["full", "sparse"])
@pytest.mark.parametrize("event_type", INBOUND_WITH_CONTRACTS)
def test_every_consumed_record_is_its_message_and_reads_back_as_the_fact(
    event_type: str, sparse: bool
) -> None:
    contract = contract_named(event_type)
    assert contract is not None
    route = INBOUND[event_type]
    fact = sample(contract.event_class, sparse=sparse)
    wire = WireEvent(
        event_type,
        route.aggregate_type,
        fact.aggregate_id,
        fact.tenant_id,
        contract.document(fact),
        fact.event_id,
        fact.occurred_at,
    )
    value = route.wire.encode(wire)
    received = key(f"{event_type}.received" if event_type in ROUTES else event_type)
    _validate(_record_value(value), closed(MESSAGES[received]["payload"]))
    assert decode_inbound(route.topic, (), value) == fact


def test_a_record_breaking_its_contract_fails_its_message_schema() -> None:
    fact = sample(next(iter(CONTRACTS)), sparse=False)
    record = _record_value(outgoing(PublishedEvent(sequence=1, event=fact)).value)
    schema = MESSAGES[key(CONTRACTS[type(fact)].name)]["payload"]
    body = "payload" if "payload" in record else "data"
    undeclared = {**record, body: {**record[body], "surprise": 1}}
    _validate(undeclared, schema)
    with pytest.raises(jsonschema.ValidationError, match="surprise"):
        _validate(undeclared, closed(schema))
    missing = {**record, body: {k: v for k, v in list(record[body].items())[1:]}}
    with pytest.raises(jsonschema.ValidationError, match="required"):
        _validate(missing, schema)


def test_trakservices_own_quote_record_is_a_received_message_not_a_sent_one() -> None:
    seed = next(e["example"] for e in EXAMPLES if e["eventType"] == QUOTE_APPROVED)
    quote_id = "3f1c2a9e-5b7d-4c1e-9a2f-6d8e0b4c7a15"
    record = {
        "event_name": QUOTE_APPROVED,
        "aggregate_type": "quote",
        "aggregate_id": quote_id,
        "idempotency_key": f"quote:{quote_id}:approved:v1",
        "data": {**seed, "quote_id": quote_id},
    }
    _validate(record, MESSAGES[key(f"{QUOTE_APPROVED}.received")]["payload"])
    with pytest.raises(jsonschema.ValidationError, match="tenant_id"):
        _validate(record, MESSAGES[key(QUOTE_APPROVED)]["payload"])


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e['seed']}-{e['eventType']}" for e in EXAMPLES]
)
def test_every_seed_example_holds_against_its_message(example: dict[str, Any]) -> None:
    event_type = example["eventType"]
    seen = example["example"]
    routes = {**ROUTES, **INBOUND}
    name = key(event_type)
    message = MESSAGES[name]
    if "quote_id" in seen:  # seed 003 shows the quote's `data` alone
        _validate(seen, message["payload"]["properties"]["data"])
        return
    body = "data" if "data" in seen else "payload"
    _validate(seen[body], message["payload"]["properties"][body])
    if set(message["payload"]["required"]) <= set(seen):  # the seed shows the whole record
        _validate(seen, message["payload"])
    assert routes[event_type].topic == next(
        channel["address"]
        for channel in DOCUMENT["channels"].values()
        if name in channel["messages"]
    )


def test_a_dead_lettered_record_has_the_headers_its_message_declares() -> None:
    origin = Origin("finance.period.closed", 2, 41, [("tenant-id", b"tenant-001")])
    headers = dead_letter_headers(
        origin,
        Reason.MALFORMED,
        MalformedEvent("the record value is not JSON"),
        attempts=0,
        consumer="gateway-inbound",
        failed_at=AT,
    )
    dead_letter = MESSAGES["DeadLetteredRecord"]["headers"]
    added = {name: value.decode() for name, value in headers if name.startswith("dlq-")}
    _validate(added, closed(dead_letter))
    assert set(added) == set(dead_letter["properties"])


def _documented() -> list[tuple[str, bool, str]]:
    """docs/event_contracts.md's examples: (section heading, consumed?, JSON text)."""
    text = (Path(__file__).parents[2] / "docs" / "event_contracts.md").read_text()
    published, consumed = text.split("\n## Consumed", 1)
    return [
        (heading, side, example)
        for side, part in ((False, published), (True, consumed))
        for heading, example in re.findall(r"\n### (\S+)\n.*?```json\n(.*?)```", part, re.S)
    ]


DOCUMENTED = _documented()


def test_the_contracts_doc_shows_every_contract_once() -> None:
    published = [name for name, consumed, _ in DOCUMENTED if not consumed]
    consumed = [name for name, consumed, _ in DOCUMENTED if consumed]
    hint = "give each contract a section with an example record in docs/event_contracts.md"
    assert sorted(published) == sorted(c.name for c in CONTRACTS.values()), hint
    assert sorted(consumed) == sorted(
        c.name for c in INBOUND_CONTRACTS.values() if c.name not in ROUTES
    ), hint


@pytest.mark.parametrize(
    ("name", "consumed", "example"), DOCUMENTED, ids=[name for name, _, _ in DOCUMENTED]
)
def test_every_example_of_the_contracts_doc_is_its_message_and_reads_back(
    name: str, consumed: bool, example: str
) -> None:
    value = example.encode()
    _validate(_record_value(value), closed(MESSAGES[key(name)]["payload"]))
    if consumed:
        assert contract_named(name) is not None
        assert decode_inbound(INBOUND[name].topic, (), value).event_type == (
            contract_named(name).event_class.__name__
        )
    else:
        assert type(decode(ROUTES[name].topic, (), value)) is next(
            kind for kind, contract in CONTRACTS.items() if contract.name == name
        )


def test_gateway_asyncapi_prints_the_document_as_yaml_or_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = json.loads(json.dumps(DOCUMENT))
    for flags, load in (([], yaml.safe_load), (["--format", "json"], json.loads)):
        with pytest.raises(SystemExit) as stopped:
            main(["asyncapi", *flags])
        assert stopped.value.code == 0
        printed = capsys.readouterr().out
        assert load(printed) == plain
        assert not re.search(r"[&*]id\d{3}", printed), "a schema printed as a YAML alias"
