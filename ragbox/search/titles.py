"""Documents a question names by their file name: "the governing law of the services agreement"
is about ``services_agreement_acme_globex.pdf``.

People name documents by what their files are called. The passages of a document rarely repeat
its file name, so neither ranking sees it: on a folder of two contracts, the other contract's
"Governing Law" heading outranked the services agreement's "governed by the laws of New York".
A question word found in the names of only a few files points the focus stage at those files;
a word in many names ("agreement", "report") points nowhere.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from pathlib import PurePath

from ragbox.search.query import question_terms
from ragbox.store.catalog import Catalog
from ragbox.text import PASSAGE_STOPWORDS, stems

MAX_NAMED = 3  # a word in more file names than this names none of them
_SEPARATORS = re.compile(r"[_\-.]+")


class FileNames:
    """Which documents' file names hold which word stems, rebuilt when the index changes."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._generation: str | None = None
        self._by_stem: dict[str, set[str]] = {}
        self._lock = threading.Lock()  # the app searches from worker threads

    def named_in(self, question: str) -> set[str]:
        """Ids of the documents whose file names hold a word of ``question`` that at most
        ``MAX_NAMED`` file names hold (and not every one of them)."""
        by_stem, documents = self._index()
        limit = min(MAX_NAMED, documents - 1)
        named: set[str] = set()
        for term in set(question_terms(question, PASSAGE_STOPWORDS)):
            held = by_stem.get(term, set())
            if 0 < len(held) <= limit:
                named |= held
        return named if len(named) <= MAX_NAMED else set()

    def _index(self) -> tuple[dict[str, set[str]], int]:
        generation = self.catalog.generation()
        with self._lock:
            if generation != self._generation:
                by_stem: dict[str, set[str]] = defaultdict(set)
                documents = self.catalog.documents()
                for doc in documents:
                    name = _SEPARATORS.sub(" ", PurePath(doc.path).stem)
                    for term in stems(name, PASSAGE_STOPWORDS):
                        by_stem[term].add(doc.doc_id)
                self._by_stem, self._count, self._generation = dict(by_stem), len(documents), generation
            return self._by_stem, self._count
