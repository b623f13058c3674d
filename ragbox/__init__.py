"""ragbox: private document Q&A over your own files, fully offline."""

__version__ = "0.1.0"
