"""A keyword query of many OR-ed terms, ranked from each term's own scores, ranks exactly as FTS5 does."""

import random

import pytest

from ragbox.store import keyword, term_scores, term_sums
from ragbox.store.catalog import Catalog

INSERT_CHUNK = ("INSERT INTO chunks(chunk_id, doc_id, seq, page, char_start, char_end, title, section, text) "
                "VALUES (?, ?, ?, NULL, 0, 1, '', '', ?)")
COMMON = ["inc", "company", "party", "agreement", "shall"]
RARE = ["telcostar", "bancorp", "sandler", "valley", "escrow", "royalty", "warrant", "lease", "notice", "term"]
QUERIES = ['"inc" OR "company" OR "telcostar" OR "sandler"', '"party" OR "shall" OR "royalty" OR "notice" OR "term"',
           '"company" OR "inc"', '"valley" OR "l p" OR "inc"', '"nowhere" OR "inc" OR "agreement"', '"nowhere"']


def _catalog(path, documents=12, passages=25):
    """Passages of common and rare words; documents 'copy-*' repeat the first ones word for word
    (equal scores: the order of ties counts), and 'old' is a version being replaced."""
    draw = random.Random(7)
    catalog = Catalog(path)
    texts = {f"doc-{d}": [" ".join(draw.choice(COMMON * 3 + RARE + ["l p"]) for _ in range(draw.randint(3, 40)))
                          for _ in range(passages)] for d in range(documents)}
    texts.update({f"copy-{d}": texts[f"doc-{d}"] for d in range(3)})
    texts["old"] = texts["doc-4"]
    with catalog.transaction() as db:
        for doc_id, passages_of in texts.items():
            db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                       "VALUES (?, ?, 'h', 1, 1, ?, ?, 0)",
                       (doc_id, f"/x/{doc_id}.txt", len(passages_of), "deleting" if doc_id == "old" else "ready"))
            for seq, text in enumerate(passages_of):
                db.execute(INSERT_CHUNK, (f"{doc_id}:{seq}", doc_id, seq, text))
    return catalog


def _both(catalog, monkeypatch, *case):
    """(summed, FTS5's own) results of one keyword search."""
    monkeypatch.setattr(keyword, "SUMMED_FROM_POSTINGS", 0)
    summed = catalog.lexical_search(*case)
    monkeypatch.setattr(keyword, "SUMMED_FROM_POSTINGS", 10**9)
    return summed, catalog.lexical_search(*case)


@pytest.mark.parametrize("kept", [keyword.KEPT_POSTINGS, 0])
def test_summed_term_scores_give_fts5s_ranking_and_scores(tmp_path, monkeypatch, kept):
    monkeypatch.setattr(keyword, "KEPT_POSTINGS", kept)
    catalog = _catalog(tmp_path / "catalog.sqlite3")
    try:
        for match in QUERIES:
            for k in (1, 3, 10, 40, 1000):
                for docs in (None, ["doc-0", "copy-0"], ["doc-1", "doc-5", "copy-2", "old"], ["old"]):
                    summed, ranked = _both(catalog, monkeypatch, match, k, docs)
                    assert summed == ranked, (match, k, docs)  # the same ids, order and float scores
        summed, _ = _both(catalog, monkeypatch, QUERIES[0], 1000, None)
        assert len({score for _, score in summed}) < len(summed)  # the cases hold ties
        assert not any(i.startswith("old:") for i, _ in summed)
    finally:
        catalog.close()


def test_summed_term_scores_follow_a_change_to_the_index(tmp_path, monkeypatch):
    catalog = _catalog(tmp_path / "catalog.sqlite3")
    try:
        before, _ = _both(catalog, monkeypatch, QUERIES[0], 5, None)
        with catalog.transaction() as db:  # a new document, with a passage that the query ranks first
            db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                       "VALUES ('new', '/x/new.txt', 'h', 1, 1, 1, 'ready', 0)")
            db.execute(INSERT_CHUNK, ("new:0", "new", 0, "telcostar sandler telcostar sandler inc"))
        summed, ranked = _both(catalog, monkeypatch, QUERIES[0], 5, None)
        assert summed == ranked and summed[0][0] == "new:0" != before[0][0]
    finally:
        catalog.close()


def test_summed_search_leaves_out_a_replaced_version_written_before_the_ready_passages(tmp_path, monkeypatch):
    """The version being replaced holds the lowest row ids, among the ready ones: each match is
    tested against the map of row ids to ready documents, not only against the last ready row id."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        with catalog.transaction() as db:
            for doc_id, state in (("old", "deleting"), ("new", "ready"), ("gone", "deleting"), ("other", "ready")):
                db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                           "VALUES (?, ?, 'h', 1, 1, 2, ?, 0)", (doc_id, f"/x/{doc_id}.txt", state))
                for seq, text in enumerate(["inc escrow escrow", "company inc notice"]):
                    db.execute(INSERT_CHUNK, (f"{doc_id}:{seq}", doc_id, seq, text))
        for docs in (None, ["new"], ["old", "other"], ["old"]):
            summed, ranked = _both(catalog, monkeypatch, '"inc" OR "escrow" OR "notice"', 10, docs)
            assert summed == ranked, docs
            assert {i.split(":")[0] for i, _ in summed} <= {"new", "other"}
        assert len(summed) == 0 and len(_both(catalog, monkeypatch, '"inc" OR "escrow"', 10, None)[0]) == 4
    finally:
        catalog.close()


def test_warming_the_keyword_side_reads_what_a_search_would_and_ranks_the_same(tmp_path, monkeypatch):
    catalog = _catalog(tmp_path / "catalog.sqlite3")
    cold = _both(catalog, monkeypatch, QUERIES[0], 10, ["doc-1", "copy-2"])
    catalog.close()
    catalog = _catalog(tmp_path / "again.sqlite3")
    try:
        catalog.warm_keywords()
        assert catalog._keyword_memo["row lengths"] and catalog._owners is not None
        assert _both(catalog, monkeypatch, QUERIES[0], 10, ["doc-1", "copy-2"]) == cold
    finally:
        catalog.close()


def test_a_words_count_is_read_with_its_scores_and_a_word_in_most_passages_keeps_none(tmp_path):
    catalog = _catalog(tmp_path / "catalog.sqlite3")
    try:
        for term in ['"inc"', '"telcostar"', '"l p"', '"nowhere"', '"company"']:
            matches = catalog.db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (term,)).fetchone()
            assert catalog._term_count(term) == matches[0], term
        with catalog.transaction() as db:  # a word in one passage
            db.execute(INSERT_CHUNK, ("doc-0:99", "doc-0", 99, "zephyr inc"))
        assert catalog._term_count('"zephyr"') == 1
        memo, everything = catalog._keyword_memo, catalog._term_count("*")
        assert ("token", "zephyr") in memo and ("scores", '"l p"') not in memo  # a phrase: counted by FTS5
        common = [t for t in ('"inc"', '"company"', '"shall"') if catalog._term_count(t) * 2 > everything]
        assert common and not any(("token", term_scores.token_of(t)) in memo for t in common)
        assert catalog.common_terms(['"inc"', '"zephyr"']) == set(common) & {'"inc"'}
    finally:
        catalog.close()


def test_the_best_of_all_rows_being_a_replaced_version_still_ranks_the_ready_ones(tmp_path, monkeypatch):
    """The k best scores of all rows are looked at first: where they are mostly a version being
    replaced, the ready passages below them are still found, in FTS5's order."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        with catalog.transaction() as db:
            for doc_id, state, text in (("old", "deleting", "escrow escrow escrow inc"), ("new", "ready", "escrow inc"),
                                        ("other", "ready", "inc company notice")):
                db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                           "VALUES (?, ?, 'h', 1, 1, 3, ?, 0)", (doc_id, f"/x/{doc_id}.txt", state))
                for seq in range(3):
                    db.execute(INSERT_CHUNK, (f"{doc_id}:{seq}", doc_id, seq, text))
        for k in (1, 2, 3, 4, 6, 9):
            summed, ranked = _both(catalog, monkeypatch, '"escrow" OR "inc"', k, None)
            assert summed == ranked and len(summed) == min(k, 6), k
            assert [i.split(":")[0] for i, _ in summed] == ["new", "new", "new", "other", "other", "other"][:k]
    finally:
        catalog.close()


@pytest.mark.parametrize("looked_up", [term_sums.LOOKED_UP_ROWS, 0])  # by bisection, through a map of rows
def test_a_search_within_documents_sums_only_their_passages_as_fts5_ranks_them(tmp_path, monkeypatch, looked_up):
    monkeypatch.setattr(term_sums, "LOOKED_UP_ROWS", looked_up)
    catalog = _catalog(tmp_path / "catalog.sqlite3", documents=30)
    try:
        for docs in (["doc-7"], ["doc-2", "copy-2", "doc-29"], ["nowhere", "doc-3"], ["old", "doc-4"]):
            for k in (1, 5, 50):
                summed, ranked = _both(catalog, monkeypatch, QUERIES[1], k, docs)
                assert summed == ranked and summed, (docs, k)
                assert {i.split(":")[0] for i, _ in summed} <= set(docs) - {"old"}
    finally:
        catalog.close()
