"""Behaviours mixed into the main screen, each a group of its actions and message handlers:
the sidebar and search scope, and the long jobs (re-indexing, switching the LLM).

``sidebar_actions`` (the sidebar: an answer's sources, the indexed documents, the path pattern that
limits search), ``background_jobs`` (re-indexing, watching, switching the LLM).
"""
