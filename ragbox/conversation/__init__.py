"""A conversation: follow-up questions and the turns the app shows and saves.

``followups`` (a follow-up question made standalone for retrieval, deterministically),
``transcript`` (``Conversation``: the questions and cited answers, independent of any user
interface, as the app shows them, saves them as Markdown and copies them).
May import: the shared top-level modules only (it is handed answers, not the store).
"""
