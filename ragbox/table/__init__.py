"""The review table: documents as rows, questions as columns, each cell from its document alone.

``cells`` (the question a column asks, and what one document's answer shows in its cell),
``service`` (``TableService``: the table asked through the question service's answering),
``export`` (a table written out as CSV, Markdown or JSON, for the CLI and the app alike).
"""
