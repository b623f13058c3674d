"""``ragbox mcp``: the index as a Model Context Protocol server over stdio (the only module that
imports ``mcp``). Any MCP client (LM Studio, Claude Desktop, an agent) can search the documents,
list them and ask questions answered with citations, while the documents stay on this machine.

Read-only: there is no tool that indexes, forgets or changes anything. An interface like the CLI
and the app: it talks to the engine only. Engine calls block, so each runs in a worker thread.
"""

from __future__ import annotations

import time

from ragbox.errors import RagboxError

INSTRUCTIONS = (
    "ragbox answers questions from the user's own indexed documents (contracts, clinical notes, "
    "papers) with exact citations. Use `search` to find passages, `ask` for an answer written by "
    "the local model with its sources, `list_documents` to see what is indexed, and `documents` for "
    "each document's title, parties and dates. Quote the "
    "`quote` of a citation with its path and page when you rely on it."
)


def answer_payload(answer) -> dict:
    """An ``Answer`` for the client, as ``ask --json`` gives it: the evidence and every quoted
    sentence with its exact offsets in the page (or file) text."""
    return answer.as_dict()


async def run(call, *args, **kwargs):
    """``call(*args, **kwargs)`` in a worker thread (engine calls block); a ragbox error becomes
    the tool error the client reads, in one line."""
    from anyio import to_thread
    from mcp.server.mcpserver.exceptions import ToolError

    try:
        return await to_thread.run_sync(lambda: call(*args, **kwargs))
    except RagboxError as exc:
        raise ToolError(exc.one_line()) from None


def build_server(engine):
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    server = MCPServer("ragbox", instructions=INSTRUCTIONS, version=_version())
    read_only = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)

    @server.tool(annotations=read_only)
    async def search(query: str, k: int = 10, where: str | None = None) -> dict:
        """Find the passages of the indexed documents that best match QUERY (hybrid keyword and
        embedding search). Each hit has path, page (1-based, PDFs), char_start/char_end (exact
        offsets into the page or file text), score and text. WHERE is an optional path glob such
        as 'contracts/**' or '*.md'; words in "double quotes" must appear exactly."""
        started = time.perf_counter()
        hits = await run(engine.search, query, k=max(1, min(k, 50)), where=where or None)
        return {"query": query, "hits": [h.as_dict() for h in hits],
                "latency_ms": round((time.perf_counter() - started) * 1000, 1)}

    @server.tool(annotations=read_only)
    async def ask(question: str, k: int | None = None, where: str | None = None) -> dict:
        """Answer QUESTION from the indexed documents with the local model, citing its sources.
        Returns the answer, whether anything relevant was found, and every source the model was
        given as a citation (path, page, offsets, the quoted sentence with its exact offsets,
        cited = whether the answer relies on it)."""
        answer = await run(engine.ask, question, k=k, where=where or None)
        return answer_payload(answer)

    @server.tool(annotations=read_only)
    async def list_documents() -> dict:
        """The indexed documents: path, pages, passages (chunks), size in bytes, when indexed."""
        documents = await run(engine.documents)
        return {"index": engine.index_name,
                "documents": [{"path": d.path, "pages": d.pages, "chunks": d.chunks, "size": d.size,
                               "indexed_at": d.indexed_at} for d in documents]}

    @server.tool(annotations=read_only)
    async def documents(where: str | None = None) -> dict:
        """What each indexed document is: path, title, kind, parties with their defined short
        names, the dates of its preamble, its file name's words. Name a document by any of these
        in `ask` ("the Giggles agreement") and the answer comes from it alone. WHERE: a path glob."""
        cards = await run(engine.cards, where or None)
        return {"index": engine.index_name, "documents": [c.as_dict() for c in cards]}

    return server


def serve(engine) -> None:
    """Serve ``engine`` over stdio until the client closes the connection."""
    build_server(engine).run("stdio")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ragbox")
    except PackageNotFoundError:
        return "0"
