"""`ragbox mcp` end to end: the real command over stdio, questioned with the mcp client library."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from ragbox.ingest.loaders import load

from support import REPO

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture
def anyio_backend():
    return "asyncio"


def server_parameters(store: str):
    from mcp.client.stdio import StdioServerParameters

    env = {"PYTHONPATH": str(REPO), "RAGBOX_STORE__DIR": store, "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    if os.environ.get("RAGBOX_CACHE_DIR"):
        env["RAGBOX_CACHE_DIR"] = os.environ["RAGBOX_CACHE_DIR"]
    return StdioServerParameters(command=sys.executable, args=["-m", "ragbox", "mcp"], env=env, cwd=str(REPO))


def result_data(result) -> dict:
    assert not result.is_error, result.content
    if result.structured_content:
        return result.structured_content
    return json.loads(result.content[0].text)


async def test_search_ask_and_list_documents_over_stdio(sample_index):
    from mcp.client.session import ClientSession
    from mcp.client.stdio import stdio_client

    async with stdio_client(server_parameters(sample_index.settings.store.dir)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert set(tools) == {"search", "ask", "list_documents", "documents"}
            assert all(tool.annotations.read_only_hint for tool in tools.values())  # nothing changes the index

            documents = result_data(await session.call_tool("list_documents", {}))["documents"]
            assert len(documents) == 7 and {d["path"] for d in documents} == {d.path for d in sample_index.documents()}
            cards = result_data(await session.call_tool("documents", {"where": "*mutual_nda*"}))["documents"]
            assert [(Path(c["path"]).name, c["title"]) for c in cards] == [
                ("mutual_nda_northwind_bluefin.pdf", "MUTUAL NON-DISCLOSURE AGREEMENT")]
            assert [p["short_names"] for p in cards[0]["parties"]][:2] == [["Northwind"], ["Bluefin"]]

            hits = result_data(await session.call_tool("search", {"query": "governing law Delaware", "k": 3}))["hits"]
            assert len(hits) == 3 and hits == [h.as_dict() for h in sample_index.search("governing law Delaware", k=3)]

            question = "How many days of written notice are needed to terminate the Northwind Bluefin NDA?"
            answer = result_data(await session.call_tool("ask", {"question": question}))
            assert answer["answer"] and answer["found"] is True and answer["model"] == "gemma-3-270m-q4_k_m.gguf"
            first = answer["citations"][0]
            assert Path(first["path"]).name == "mutual_nda_northwind_bluefin.pdf" and first["page"] == 3
            page = load(Path(first["path"])).pages[first["page"] - 1].text
            assert page[first["char_start"]:first["char_end"]] == first["text"]  # exact offsets
            assert page[first["quote_start"]:first["quote_end"]] == first["quote"]
            assert "thirty (30) days' written notice" in first["quote"]

            nothing = result_data(await session.call_tool("ask", {"question": "Where do penguins nest?",
                                                                 "where": "*.docx"}))
            assert nothing["found"] is False and nothing["citations"] == []


async def test_an_empty_index_is_a_tool_error_not_a_crash(tmp_path):
    from mcp.client.session import ClientSession
    from mcp.client.stdio import stdio_client

    async with stdio_client(server_parameters(str(tmp_path / "store"))) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            result = await session.call_tool("search", {"query": "notice"})
            assert result.is_error
            assert result.content[0].text == ("Error executing tool search: Index 'default' is empty "
                                              f"({tmp_path / 'store' / 'indexes' / 'default'}): run `ragbox index "
                                              "FOLDER` first")
            assert not (await session.call_tool("list_documents", {})).is_error  # still serving
