"""The screens of the ragbox app: the main screen and its modal dialogs.

``main`` and ``dialogs``; ``passage`` (a cited passage in its page, the span highlighted), ``review``
(the review table: the same questions of every file in scope, one row per file).
"""
