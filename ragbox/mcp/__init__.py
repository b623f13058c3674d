"""The MCP interface, beside the CLI and the app: ``server`` (the index as a Model Context
Protocol server over stdio, the only module that imports the ``mcp`` library; ``ragbox mcp``)."""
