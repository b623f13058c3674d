"""The widgets of the ragbox app, one module each.

``bars`` (the scope and re-index progress bars above the input), ``chat`` (questions and streamed
answers with linked citations), ``documents`` (the indexed documents and skipped files, filtered by
typing), ``sources`` (the latest answer's sources), ``status_bar`` (index, contents, models in use).
"""
