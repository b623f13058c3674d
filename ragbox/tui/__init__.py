"""The interactive terminal app (Textual). Import ``ragbox.tui.app.RagboxApp`` to run it.

``app`` (the app), ``screens``, ``widgets`` (by screen area) and ``behaviours``; ``formatting`` (plain-text
formatting shared by the widgets, no Textual import), ``llm_loader`` (loading and switching the LLM
off the UI thread), ``messages`` (typed messages carrying work results from thread workers to the UI).
"""
