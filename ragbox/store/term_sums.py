"""A keyword query's BM25 sums from its terms' own scores (``keyword._summed_search``): over the
ready passages of the whole index, or over those of the documents a question names.

Each passage's sum is made in the query's order of terms, starting from 0.0, as FTS5 adds a
passage's score term by term: the same float operations, so the same numbers."""

from __future__ import annotations

# Up to this many passages of named documents, each term's rows are looked up among them by
# bisection; more (a common name), through a map of row ids: bisecting 200k rows in each of a
# question's 24 words took 70 ms at a million passages.
LOOKED_UP_ROWS = 20000


def sum_over_ready(scored: list, k: int, owner_of):
    """(row ids ascending, summed scores) of the ready passages holding a term (``owner_of``: each
    row id's document, -1 for none ready), or of enough of them to hold the best ``k`` with their
    ties: the rows scoring at least the ``k``-th best score of all rows, where ``k`` of them are
    ready (nearly always: the others are a version being replaced). Testing every passage holding
    a term against the map of ready rows took 30-45 ms a search at a million passages; the ``k``
    best of all rows are found in 5-10."""
    import numpy as np

    size = max([int(rows[-1]) + 1 for rows, _ in scored if len(rows)], default=0)
    total = np.zeros(size)
    for rows, scores in scored:
        total[rows] += scores
    if 0 < k < size:
        least = np.partition(total, size - k)[size - k]
        if least > 0:
            rowids = _ready(np.flatnonzero(total >= least), owner_of)
            if len(rowids) >= k:  # the k-th best ready score is at least ``least``
                return rowids, total[rowids]
    rowids = _ready(np.flatnonzero(total), owner_of)
    return rowids, total[rowids]


def _ready(rowids, owner_of):
    """Those of ``rowids`` that are passages of a ready document."""
    rowids = rowids[rowids < len(owner_of)]
    return rowids[owner_of[rowids] >= 0]


def sum_within(scored: list, rowids):
    """(``rowids``, summed scores) for the ascending ``rowids`` (the passages of the documents a
    question names): each term's scores looked up at those rows only. Adding every term's scores
    over all rows first took 40-50 ms a search at a million passages, where a question names its
    contract's 26 copies (4,000 rows)."""
    import numpy as np

    total = np.zeros(len(rowids))
    if len(rowids) > LOOKED_UP_ROWS:  # "Provider" names 1,320 documents: each term's rows mapped
        place = np.full(int(rowids[-1]) + 1, -1, dtype=np.int64)
        place[rowids] = np.arange(len(rowids))
    for rows, scores in scored:
        if not len(rows) or not len(rowids):
            continue
        if len(rowids) > LOOKED_UP_ROWS:
            at = place[rows[rows < len(place)]]
            hit = at >= 0
            total[at[hit]] += scores[: len(at)][hit]
        else:
            at = np.minimum(np.searchsorted(rows, rowids), len(rows) - 1)
            hit = rows[at] == rowids
            total[hit] += scores[at[hit]]
    return rowids, total
