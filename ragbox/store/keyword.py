"""The catalog's keyword side: BM25 rankings from the full-text index, the terms too common to
rank by, and the documents a phrase is found in. A part of ``Catalog`` (``store.catalog``), kept
apart so each module reads as one concern; it uses the catalog's connection and generation."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Sequence

from ragbox.store.schema import BM25_WEIGHTS
from ragbox.store.term_scores import row_lengths, token_of, token_scores, vocabulary
from ragbox.store.term_sums import sum_over_ready, sum_within

# A query of only OR-ed terms found in more passages than this, together, is ranked by adding up
# each term's own scores (``_summed_search``): FTS5 scores every passage that matches any term
# against every term of the query, so a question naming a contract's parties (34 terms, "Inc"
# and "Company" among them) took 200-300 ms at 100k passages; FTS5 stays faster below this.
SUMMED_FROM_POSTINGS = 20000
# Terms' scores kept in memory, at most (16 bytes each: 512 MB). At a million passages a common
# word of questions about contracts ("Inc", "Company") is in 250k passages: 4M kept 16 such words,
# and every later question scored the others again (1.5 s of the slowest 5% of searches).
KEPT_POSTINGS = 48_000_000
# What ``warm_keywords`` reads ahead: the scores of the words in at least this share of the
# passages (and at most half: the others are left out of every query), most common first, up to
# this many postings. The first question using such a word read it then: at a million passages
# "shall" (43% of the passages) took 155 ms, "section" 72, "inc" 48, and each new contract's
# first question paid for several (the slowest 5% of searches).
WARM_FROM_SHARE = 0.01
WARM_POSTINGS = 32_000_000
REWARM_AFTER = 5.0  # seconds a warmed catalog waits after its index changed before reading it again
KEPT_MATCHES = 4096  # phrases whose documents are kept in memory, at most


class KeywordSearch:
    """Mixed into ``Catalog``: needs its ``db``, ``generation()``, ``snapshot()``, ``_lock`` and
    ``_owners``; keeps its memo in ``_keyword_memo``."""

    # What a query FTS5 cannot parse raises (an encrypted catalog's driver has its own class).
    OperationalError: type[Exception] | tuple[type[Exception], ...] = sqlite3.OperationalError

    def lexical_search(self, match: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Chunk ids ranked by BM25 for an FTS5 ``match`` expression (best first): the same ids
        in the same order whichever way it is computed (see ``_summed_search``)."""
        terms = _or_terms(match)
        if terms and k > 0 and (doc_ids is None or doc_ids):
            summed = self._summed_search(terms, k, doc_ids)
            if summed is not None:
                return summed
        return self._ranked(match, k, doc_ids)

    def _summed_search(self, terms: list[str], k: int,
                       doc_ids: Sequence[str] | None) -> list[tuple[str, float]] | None:
        """The best ``k`` for an OR of ``terms``, from each term's own scores (None where FTS5 is
        as fast). FTS5's BM25 score of a passage is the sum, over the query's terms in order, of
        what each term alone scores it (the term's weight is its own, whatever else is asked):
        added in the same order the sums are the same numbers, so the ranking is the same, and
        equal scores keep FTS5's order, by row id. A term's scores are computed once, and kept
        while the catalog is unchanged ("Inc" is in most questions about contracts)."""
        import numpy as np

        if sum(self._term_count(term) for term in terms) < SUMMED_FROM_POSTINGS:
            return None
        scored = [self._term_scores(term) for term in terms]
        if doc_ids is None:
            rowids, found = sum_over_ready(scored, k, self._kept_owners()[4])
        else:
            rowids, found = self._summed_within(scored, doc_ids)
        rowids, found = rowids[found > 0], found[found > 0]
        if len(rowids) > k:  # the k-th best score, and every passage scoring as much (ties)
            least = np.partition(found, len(found) - k)[len(found) - k]
            rowids, found = rowids[found >= least], found[found >= least]
        best = np.lexsort((rowids, -found))[:k]
        names = dict(self.db.execute(
            f"SELECT id, chunk_id FROM chunks WHERE id IN ({','.join('?' * len(best))})", rowids[best].tolist()))
        return [(names[int(rowids[i])], float(found[i])) for i in best]

    def _summed_within(self, scored: list, doc_ids: Sequence[str]):
        """(row ids ascending, summed scores) of the passages of the ready documents among ``doc_ids``."""
        import numpy as np

        _, _, _, _, _, position, held = self._kept_owners()
        wanted = [held[position[d]] for d in set(doc_ids) if d in position]
        return sum_within(scored, np.sort(np.concatenate(wanted)) if wanted else np.zeros(0, dtype=np.int64))

    def _term_scores(self, term: str):
        """(row ids, scores) of the passages holding the FTS5 ``term``: its BM25 score alone."""
        import numpy as np

        stats = self._term_stats()
        token = token_of(term)
        key = ("token", token) if token is not None else ("scores", term)  # "Inc" and "inc": one token
        kept = stats.get(key)
        if kept is not None:
            return kept
        kept = token_scores(self.db, token, stats) if token is not None else None
        if kept is not None:
            return self._keep(stats, key, kept)
        try:
            rows = self.db.execute("SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ? "
                                   f"AND rank MATCH 'bm25({BM25_WEIGHTS})' ORDER BY rowid", (term,)).fetchall()
        except self.OperationalError:
            rows = []
        pairs = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
        return self._keep(stats, key, (pairs[:, 0].astype(np.int64), -pairs[:, 1]))

    @staticmethod
    def _keep(stats: dict, key: tuple, kept):
        if stats.setdefault("postings", 0) + len(kept[0]) <= KEPT_POSTINGS:
            stats["postings"] += len(kept[0])
            stats[key] = kept
        return kept

    def _ranked(self, match: str, k: int, doc_ids: Sequence[str] | None = None,
                within: str | None = None) -> list[tuple[str, float]]:
        """Chunk ids ranked by BM25 for an FTS5 ``match`` expression (best first), of the passages
        matching the expression ``within`` only, when given.

        Unfiltered, FTS5 ranks inside the full-text index and stops at the best ``k`` (its
        ``rank`` column with a LIMIT); the join to the documents then only drops passages of a
        version being replaced. Ranking every match through the join first took 2 to 7 times as
        long on a 100k-passage index, for the same ids in the same order. Filtered to some
        documents, a match not among their passages is dropped inside the full-text query,
        before it is scored or joined: their row ids are looked up once, and each match tested
        against them (a test of each match against each document's row id range took 110 ms at
        100k passages in 132 documents, this one 25 ms; the same ids in the same order)."""
        try:
            if doc_ids is None and within is None:
                rows = self.db.execute(
                    "SELECT c.chunk_id, f.rank FROM (SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ? "
                    f"AND rank MATCH 'bm25({BM25_WEIGHTS})' ORDER BY rank LIMIT ?) f JOIN chunks c ON c.id = f.rowid "
                    "JOIN documents d ON d.doc_id = c.doc_id WHERE d.state = 'ready' ORDER BY f.rank",
                    (match, k)).fetchall()
                if len(rows) == k or not self.db.execute(
                        "SELECT 1 FROM documents WHERE state != 'ready' LIMIT 1").fetchone():
                    return [(row[0], -row[1]) for row in rows]
            if doc_ids is not None and not doc_ids:
                return []
            # "+": tested on each match before it is scored, not handed to FTS5 as row ids to
            # seek (each one a full-text query of its own).
            tests, params = "", [match]
            if within is not None:
                tests += " AND +rowid IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?)"
                params.append(within)
            if doc_ids is not None:
                tests += f" AND +rowid IN (SELECT id FROM chunks WHERE doc_id IN ({','.join('?' * len(doc_ids))}))"
                params.extend(doc_ids)
            sql = (f"SELECT c.chunk_id, f.rank FROM (SELECT rowid, bm25(chunks_fts, {BM25_WEIGHTS}) AS rank "
                   f"FROM chunks_fts WHERE chunks_fts MATCH ?{tests}) f JOIN chunks c ON c.id = f.rowid "
                   "JOIN documents d ON d.doc_id = c.doc_id WHERE d.state = 'ready' ORDER BY f.rank LIMIT ?")
            return [(row[0], -row[1]) for row in self.db.execute(sql, [*params, k])]
        except self.OperationalError:  # a query FTS5 cannot parse matches nothing lexically
            return []

    def warm_keywords(self) -> bool:
        """Read now what the keyword ranking keeps for this version of the index, not in the
        searches that need it (``ragbox serve`` calls it as it starts): each passage's length and
        each row's document (2 s at a million passages, 0.1 s at 100k), how many passages hold
        each word (``term_scores.vocabulary``) and the scores of the words in many passages
        (``WARM_FROM_SHARE``, ``WARM_POSTINGS``); and again after each change (``_rewarm``).
        False where the full-text index keeps no row lengths (nothing more to read)."""
        with self.snapshot():
            self._kept_owners()
            stats = self._term_stats()
            if row_lengths(self.db, stats) is False:
                return False
            if "vocabulary" not in stats:
                stats["vocabulary"] = vocabulary(self.db)
            everything = self._term_count("*")
            common = sorted(((n, t) for t, n in stats["vocabulary"].items()
                             if WARM_FROM_SHARE * everything <= n and 2 * n <= everything), reverse=True)
            for count, token in common:
                if stats.get("postings", 0) + count > WARM_POSTINGS:
                    break
                if ("token", token) not in stats:
                    self._keep(stats, ("token", token), token_scores(self.db, token, stats))
        self._kept_warm = True
        return True

    def common_terms(self, terms: Sequence[str]) -> set[str]:
        """The FTS5 ``terms`` found in more than half of all passages. FTS5's BM25 floors the
        weight of such a term near zero, so a query ranks the same without it."""
        return {term for term in terms if self._term_count(term) * 2 > self._term_count("*")}

    def _term_stats(self) -> dict:
        """The memo of term counts, scores and phrases' documents, shared by the threads (each
        request of ``ragbox serve`` may come in another), dropped when the index changes: kept
        for the catalog's generation (moved by every document change) and the full-text index's
        totals (its rows and tokens, moved by every passage added or removed)."""
        totals = self.db.execute("SELECT block FROM chunks_fts_data WHERE id = 1").fetchone()
        version = (self.generation(), totals[0] if totals else None)
        with self._lock:
            stats = getattr(self, "_keyword_memo", None)
            if stats is None or stats.get("") != version:
                stats = self._keyword_memo = {"": version}
                rewarm = getattr(self, "_kept_warm", False) and not getattr(self, "_rewarming", None)
                if rewarm:
                    self._rewarming = threading.Thread(target=self._rewarm, name="ragbox-keywords", daemon=True)
                    self._rewarming.start()
        return stats

    def _rewarm(self) -> None:
        """``warm_keywords`` again, in the background, until the memo of the index's latest
        version is warm: a server stays warm after an index run (each commit of it drops the
        memo), a few seconds after the last change."""
        try:
            while True:
                time.sleep(REWARM_AFTER)
                if not self._kept_warm or not self.warm_keywords():  # closed meanwhile, or nothing to read
                    break
                with self._lock:
                    if "vocabulary" in self._keyword_memo:  # the latest version's
                        break
        except Exception:  # the catalog closed under it: its questions read their words themselves
            pass
        finally:
            with self._lock:
                self._rewarming = None

    def _term_count(self, term: str) -> int:
        """How many passages hold the FTS5 ``term`` ("*": how many passages there are). A word's
        count is the number of its scores, read at once: a question's words are scored next, and
        counting a common word's matches first cost a third more (at a million passages "Inc"
        took 17-37 ms to count, then 50-100 to score). A word in most passages is left out of
        every query (``common_terms``): its scores are not kept."""
        stats = self._term_stats()
        token = token_of(term) if term not in stats and term != "*" else None
        if token is not None and "vocabulary" in stats:  # read by ``warm_keywords``
            stats[term] = stats["vocabulary"].get(token, 0)
        elif ("token", token) in stats:
            stats[term] = len(stats[("token", token)][0])
        elif token is not None:
            try:
                kept = token_scores(self.db, token, stats)
            except self.OperationalError:
                kept = None
            if kept is not None:
                stats[term] = len(kept[0])
                if stats[term] * 2 <= self._term_count("*"):
                    self._keep(stats, ("token", token), kept)
        if term not in stats:
            sql = ("SELECT count(*) FROM chunks" if term == "*"
                   else "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?")
            try:
                stats[term] = self.db.execute(sql, () if term == "*" else (term,)).fetchone()[0]
            except self.OperationalError:
                stats[term] = 0
        return stats[term]

    def documents_matching(self, match: str, opening: int | None = None) -> set[str]:
        """Ids of ready documents with at least one chunk matching an FTS5 ``match`` expression
        (among their first ``opening`` chunks only, when given: where a document names its parties).

        The matching rows come from the full-text index alone and are mapped to their documents
        in memory (``_row_owners``): joining every match to its chunk row cost three times as
        much where a party's name is in thousands of passages. The answer is kept while the
        catalog is unchanged: the questions about one contract name its parties again and again."""
        if opening is not None:
            return self._opening_matching(match, opening)
        stats = self._term_stats()
        key = ("documents", match)
        if key in stats:
            return set(stats[key])
        found = self._documents_matching(match)
        if stats.setdefault("documents kept", 0) < KEPT_MATCHES:
            stats["documents kept"] += 1
            stats[key] = frozenset(found)
        return found

    def _documents_matching(self, match: str) -> set[str]:
        import numpy as np

        try:  # one string, not a row each: a party's name is in thousands of passages
            found = self.db.execute("SELECT group_concat(rowid) FROM chunks_fts WHERE chunks_fts MATCH ?",
                                    (match,)).fetchone()[0]
        except self.OperationalError:
            return set()
        found = np.fromstring(found or "", dtype=np.int64, sep=",")
        rowids, owners, doc_ids = self._row_owners()
        if not len(found) or not len(rowids):
            return set()
        at = np.minimum(np.searchsorted(rowids, found), len(rowids) - 1)
        return {doc_ids[i] for i in np.unique(owners[at[rowids[at] == found]]).tolist()}

    def _opening_matching(self, match: str, opening: int) -> set[str]:
        sql = ("SELECT DISTINCT c.doc_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d "
               "ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ? AND d.state = 'ready' AND c.seq < ?")
        try:
            return {row[0] for row in self.db.execute(sql, (match, opening))}
        except self.OperationalError:
            return set()

    def _row_owners(self):
        """(sorted chunk row ids, each one's document as an index into the list of document ids,
        that list), of the ready documents; made again whenever the generation moves."""
        return self._kept_owners()[1:4]

    def _kept_owners(self) -> tuple:
        """``_row_owners``'s three after the generation they are of, then each row id's document
        (-1: not a passage of a ready document), an array as long as the last row id, each
        document id's place in the list, and each document's row ids (ascending)."""
        import numpy as np

        if not self.db.in_transaction:  # the generation and the rows read as of one commit
            with self.snapshot():
                return self._kept_owners()
        generation = self.generation()
        with self._lock:
            cached = self._owners
        if cached is None or cached[0] != generation:
            # Each document's row ids in one string: 17 ms at 100k passages, where a row each took 200.
            rows = self.db.execute("SELECT d.doc_id, (SELECT group_concat(c.id) FROM chunks c WHERE c.doc_id = "
                                   "d.doc_id) FROM documents d WHERE d.state = 'ready'").fetchall()
            held = [np.fromstring(r[1] or "", dtype=np.int64, sep=",") for r in rows]
            rowids = np.concatenate(held) if held else np.zeros(0, dtype=np.int64)
            owners = np.repeat(np.arange(len(rows), dtype=np.int64), [len(h) for h in held])
            order = np.argsort(rowids, kind="stable")
            owner_of = np.full(int(rowids.max(initial=-1)) + 1, -1, dtype=np.int32)  # -1: no ready passage
            owner_of[rowids] = owners
            position = {r[0]: i for i, r in enumerate(rows)}  # each document's place in the list
            cached = (generation, rowids[order], owners[order], [r[0] for r in rows], owner_of, position,
                      [np.sort(h) for h in held])  # each document's row ids, ascending
            with self._lock:
                self._owners = cached
        return cached


def _or_terms(match: str) -> list[str] | None:
    """The quoted terms of ``match`` when it is only quoted terms joined by OR (as
    ``search.query.fts_query`` writes a question without quoted phrases), else None."""
    terms = match.split(" OR ")
    if all(len(t) > 2 and t[0] == t[-1] == '"' and '"' not in t[1:-1] for t in terms):
        return terms
    return None
