"""``ragbox mcp``: serve the index to MCP clients over stdio."""

from __future__ import annotations

import click

from ragbox.cli import Context, handle_errors


@click.command("mcp")
@click.pass_obj
@handle_errors
def mcp_command(obj: Context) -> None:
    """Serve the index to MCP clients (LM Studio, Claude Desktop, ...) over stdio.

    Tools: search, ask (answers with citations: path, page, offsets, quote) and list_documents.
    Read-only. Configure the client to run `ragbox --index NAME mcp`.
    """
    import importlib.util

    if importlib.util.find_spec("mcp") is None:
        raise click.ClickException("ragbox mcp needs the mcp package: pip install 'mcp>=2.3,<3'")
    from ragbox.mcp.server import serve  # mcp is imported only here

    serve(obj.engine())


COMMANDS = [mcp_command]
