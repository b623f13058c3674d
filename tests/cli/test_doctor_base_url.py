"""``ragbox doctor`` with ``llm.base_url`` set: it proves the client asking the server reaches only
that address, or says the protection is missing and why. A real server on loopback
(tests/openai_stand_in.py) and the real sealed client."""

from __future__ import annotations

import json

import pytest

from openai_stand_in import StandInServer

pytestmark = pytest.mark.slow


def test_doctor_json_lists_the_base_url_protection_and_the_text_says_when_it_is_missing(run, monkeypatch):
    with StandInServer() as server:
        monkeypatch.setenv("RAGBOX_LLM__BASE_URL", server.url)
        report = json.loads(run("doctor", "--quick", "--json").output)
        monkeypatch.setenv("RAGBOX_LLM__CONFINE_SERVER", "false")
        result = run("doctor", "--quick")
    only = report["protections"]["base_url_only"]
    assert report["llm"]["status"] == "ok"  # the check asked the server through the client
    address = server.url.removeprefix("http://").removesuffix("/v1")
    if only["active"]:
        assert f"reaches only {address} (llm.base_url)" in only["detail"]
    else:  # no namespaces and no seccomp here
        assert only["detail"].startswith("the LLM client could not be sealed here (")
    assert ("base_url_only: MISSING - turned off by llm.confine_server = false, so ragbox's own process asks "
            "llm.base_url and can reach any address") in result.output
