"""Behaviours mixed into the main screen, each a group of its actions and message handlers:
the sidebar and search scope, and the long jobs (re-indexing, switching the LLM)."""
