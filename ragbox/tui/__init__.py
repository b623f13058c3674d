"""The interactive terminal app (Textual). Import ``ragbox.tui.app.RagboxApp`` to run it."""
