"""The wire format: results rebuilt from their type hints, errors rebuilt as the same class."""

import dataclasses
import json

import pytest

from ragbox.errors import ConfigError, ModelError, RagboxError
from ragbox.serving import protocol
from ragbox.types import Answer, Hit


def hit(n: int) -> Hit:
    return Hit(f"doc:{n:05d}", f"/d/file{n}.pdf", n, 10 * n, 10 * n + 5, f"text {n}", 0.5 + n / 10, "Section")


def test_an_answer_crosses_the_socket_unchanged():
    answer = Answer("q?", "It renews [1].", [hit(1), hit(2)], "model.gguf", cited=[1], citation_method="model",
                    timings={"first_token_s": 0.4}, quotes=[(0, 4), (1, 3)], evidence=None)
    wire = protocol.encode(answer)
    assert wire["sources"] == [h.as_dict() for h in answer.sources]  # the one shape of a hit
    assert {k: v for k, v in wire.items() if k not in ("sources", "quotes")} == {
        k: v for k, v in dataclasses.asdict(answer).items() if k not in ("sources", "quotes")}
    back = protocol.decode(Answer, json.loads(json.dumps(wire)))
    assert back == answer
    assert isinstance(back.sources[0], Hit) and isinstance(back.quotes[0], tuple)


def test_hits_cross_as_a_list():
    hits = [hit(1), hit(3)]
    assert protocol.decode(list[Hit], protocol.encode(hits)) == hits


def test_a_field_the_client_does_not_know_is_ignored():
    data = dataclasses.asdict(hit(1)) | {"added_by_a_newer_server": 1}
    assert protocol.decode(Hit, data) == hit(1)


@pytest.mark.parametrize("error", [ConfigError("Bad value for 'retrieval.k'", "expected a number"),
                                   ModelError("LLM model file not found", "check --model", "/m.gguf")])
def test_errors_are_rebuilt_as_the_same_class(error):
    with pytest.raises(type(error)) as raised:
        protocol.raise_error(protocol.error_event(error))
    assert raised.value.one_line() == error.one_line()


def test_an_unknown_error_class_is_a_ragbox_error():
    with pytest.raises(RagboxError, match="boom"):
        protocol.raise_error({"event": "error", "kind": "SystemExit", "what": "boom"})
