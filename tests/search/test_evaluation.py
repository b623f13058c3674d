"""Retrieval evaluation: the scoring rules on hand-made hits, and `ragbox eval` end to end."""

import json
import stat

import pytest

from ragbox.errors import RagboxError
from ragbox.search.evaluation import (
    Gold,
    Query,
    evaluate,
    first_doc_rank,
    first_rank,
    hit_matches,
    load_queries,
    missing_gold_files,
    percentile,
    retrieve,
    score_query,
    summarize,
    text_matches,
)
from ragbox.text import within_budget
from ragbox.types import Hit

from support import FIXTURES

FIXTURE = FIXTURES / "eval"


def hit(path="/docs/a.txt", start=0, end=None, text=None, page=None, score=0.5) -> Hit:
    """A hit; its text is ``end - start`` characters long unless given."""
    text = text if text is not None else "x" * (end - start if end is not None else 10)
    return Hit("id", path, page, start, start + len(text) if end is None else end, text, score)


# --- span, page and file rules -------------------------------------------------------------------
def test_span_overlap_on_text_files():
    gold = Gold("a.txt", 100, 120, None, "ignored when offsets apply")
    assert hit_matches(hit(start=90, end=101), gold)  # overlaps by one character
    assert hit_matches(hit(start=110, end=115), gold)  # inside
    assert hit_matches(hit(start=0, end=500), gold)  # contains
    assert not hit_matches(hit(start=120, end=200), gold)  # end is exclusive: touching is not overlapping
    assert not hit_matches(hit(start=0, end=100), gold)
    assert not hit_matches(hit(path="/docs/b.txt", start=100, end=120), gold)  # other file


def test_file_is_compared_by_base_name():
    gold = Gold("a.txt", 0, 5)
    assert hit_matches(hit(path="/somewhere/deep/a.txt", start=0, end=10), gold)
    assert not hit_matches(hit(path="/somewhere/a.txt.bak", start=0, end=10), gold)


def test_span_rule_decides_even_when_the_text_is_elsewhere_in_the_hit():
    # The gold words appear in the passage, but at another place of the file: not the evidence.
    gold = Gold("a.txt", 1000, 1013, None, "June 21, 1999")
    assert not hit_matches(hit(start=0, end=200, text="Signed June 21, 1999 by both parties"), gold)


def test_pdf_hits_use_page_not_offsets():
    gold = Gold("c.pdf", 10, 20, 3, None)
    assert hit_matches(hit(path="/d/c.pdf", start=5000, end=6000, page=3), gold)  # offsets ignored
    assert not hit_matches(hit(path="/d/c.pdf", start=10, end=20, page=4), gold)


def test_pdf_hit_and_span_only_gold_cannot_match():
    assert not hit_matches(hit(path="/d/c.pdf", start=10, end=20, page=1), Gold("c.pdf", 10, 20))


def test_file_only_gold_matches_any_passage_of_the_file():
    gold = Gold("note.txt")
    assert hit_matches(hit(path="/m/note.txt", start=3000, end=3500), gold)
    assert hit_matches(hit(path="/m/note.txt", page=2), gold)
    assert not hit_matches(hit(path="/m/other.txt"), gold)


# --- the word 4-gram rule ---------------------------------------------------------------------------
GOLD_CLAUSE = ("This Agreement shall be governed by and construed in accordance with the laws of the "
               "State of Delaware, without regard to its conflict of laws principles.")


def test_text_rule_needs_half_of_the_4grams():
    # 26 words -> 23 distinct 4-grams; the first 15 words hold 12 of them (over half), 14 only 11.
    assert len(GOLD_CLAUSE.split()) == 26
    assert text_matches(GOLD_CLAUSE, "Section 9. " + " ".join(GOLD_CLAUSE.split()[:15]) + " and more.")
    assert not text_matches(GOLD_CLAUSE, " ".join(GOLD_CLAUSE.split()[:14]))
    assert text_matches(GOLD_CLAUSE.upper().replace(",", " ;"), GOLD_CLAUSE)  # case, punctuation


def test_near_miss_of_common_legal_words_does_not_match():
    # Nearly every gold word occurs, but in boilerplate order: few shared 4-grams.
    passage = ("The laws of the State of New York govern this Agreement, and the parties shall be "
               "bound in accordance with the principles of its conflict rules and regard the State "
               "courts as exclusive; this Agreement shall be construed without presumption.")
    gold_words = set(GOLD_CLAUSE.lower().replace(",", "").replace(".", "").split())
    shared = gold_words & set(passage.lower().replace(",", "").replace(";", "").replace(".", "").split())
    assert len(shared) >= len(gold_words) / 2  # half of the *words* would wrongly accept it
    assert not text_matches(GOLD_CLAUSE, passage)
    assert not hit_matches(hit(path="/c/k.txt", text=passage), Gold("k.txt", text=GOLD_CLAUSE))


def test_short_gold_needs_all_words_in_order_and_contiguous():
    assert text_matches("June 21, 1999", "dated as of june 21 1999 between")
    assert not text_matches("June 21, 1999", "June 21 and in 1999")  # not contiguous
    assert not text_matches("June 21, 1999", "1999 June 21")  # out of order
    assert text_matches("HCoV", "species HCoV-OC43 was")  # "hcov" is a word of "hcov-oc43"
    assert not text_matches("OC43", "HCoV OC4")
    assert not text_matches("...", "anything")  # no words: nothing to find


def test_text_rule_applies_when_no_offsets_and_no_pages():
    gold = Gold("p.pdf", text="June 21, 1999")
    assert hit_matches(hit(path="/x/p.pdf", page=1, text="made on June 21, 1999"), gold)
    assert not hit_matches(hit(path="/x/p.pdf", page=1, text="made on June 22, 1999"), gold)


# --- ranks, budget and aggregate metrics -------------------------------------------------------------
def test_first_rank_and_doc_rank():
    gold = (Gold("a.txt", 500, 520),)
    hits = [hit("/b.txt", 0, 100), hit("/a.txt", 0, 100), hit("/a.txt", 490, 600)]
    assert first_rank(hits, gold) == 3
    assert first_doc_rank(hits, gold) == 2
    assert first_rank(hits[:2], gold) is None
    assert first_rank(hits, (Gold("z.txt"), Gold("b.txt"))) == 1  # any of several gold items


def test_budget_takes_hits_while_the_text_before_them_is_under_the_budget():
    hits = [hit(text="a" * 1500), hit(text="b" * 1500), hit(text="c" * 1500), hit(text="d" * 10)]
    assert len(within_budget(hits, 4000)) == 3  # the third starts at 3000 < 4000: counts whole
    assert len(within_budget(hits, 3000)) == 2  # the third would start at 3000: out
    assert len(within_budget(hits, 1)) == 1
    assert within_budget(hits, 0) == []


def test_budget_metric_does_not_reward_deep_ranks():
    query = Query("q", "?", (Gold("a.txt", 5000, 5010),))
    hits = [hit("/b.txt", 0, text="x" * 2000)] * 2 + [hit("/a.txt", 4990, text="y" * 100)]
    result = score_query(query, hits, budget=4000)
    assert result.rank == 3 and not result.in_budget and result.budget_hits == 2
    assert score_query(query, hits, budget=4001).in_budget


def test_summary_recall_mrr_doc_recall_and_unanswerable():
    gold = (Gold("a.txt", 0, 10),)
    queries = [Query("q1", "?", gold), Query("q2", "?", gold), Query("q3", "?", gold), Query("u", "?", ())]
    right, wrong_part, other = hit("/a.txt", 0, 50), hit("/a.txt", 100, 150), hit("/b.txt", 0, 50)
    rankings = {
        "q1": [right, other],  # rank 1
        "q2": [other, wrong_part, other, right],  # rank 4, its file at rank 2
        "q3": [other] * 12 + [right],  # rank 13: outside MRR@10
        "u": [right],
    }
    results = [score_query(q, rankings[q.id], budget=120, latency_s=t)
               for q, t in zip(queries, (0.01, 0.02, 0.03, 0.04))]
    s = summarize(results, ks=(1, 5, 10), budget=120)
    assert (s["queries"], s["scored"], s["unanswerable_skipped"]) == (4, 3, 1)
    assert s["recall"] == {"1": round(1 / 3, 4), "5": round(2 / 3, 4), "10": round(2 / 3, 4)}
    assert s["mrr@10"] == round((1 + 1 / 4 + 0) / 3, 4)
    assert s["doc_recall"] == {"1": round(1 / 3, 4), "5": round(2 / 3, 4), "10": round(2 / 3, 4)}
    assert s["budget_recall"] == round(1 / 3, 4)  # 50-char hits, 120 chars: ranks 1-3 only
    assert s["latency_ms"] == {"p50": 25.0, "p95": 38.5}


def test_summary_with_nothing_answerable():
    s = summarize([score_query(Query("u", "?", ()), [hit()], 4000)])
    assert s["scored"] == 0 and s["recall"]["1"] is None and s["mrr@10"] is None


def test_percentile_interpolates():
    assert percentile([3, 1, 2], 0.5) == 2
    assert percentile([0, 10], 0.95) == 9.5
    assert percentile([], 0.5) == 0.0


def test_retrieve_asks_for_more_until_the_budget_is_full():
    asked = []

    def search(query, k):
        asked.append(k)
        return [hit(text="x" * 10)] * k

    assert len(retrieve(search, "q", (1, 5, 10), budget=4000)) == 800  # 50 and 200 hits are too short
    assert asked == [50, 200, 800]
    asked.clear()
    assert len(retrieve(lambda q, k: [hit(text="x" * 10)] * 3, "q", (1, 5, 10), 4000)) == 3  # all there is


class Clock:
    """The evaluation's ``time``: a clock that moves only when told to, or by ``step`` per reading."""

    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step = 100.0, step

    def perf_counter(self) -> float:
        self.now += self.step
        return self.now


def test_evaluate_reports_hits_to_the_callback_and_times_the_search_alone(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("ragbox.search.evaluation.time", clock)

    def search(query, k):
        clock.now += 0.25
        return [hit("/a.txt")]

    def on_hits(query, hits):
        clock.now += 7.0  # the caller's time is not the search's
        seen.append((query.id, len(hits)))

    seen = []
    queries = [Query("q1", "lease", (Gold("a.txt"),))]
    results = evaluate(queries, search, on_hits=on_hits)
    assert seen == [("q1", 1)] and results[0].rank == 1 and results[0].latency_s == 0.25


# --- reading the query file ------------------------------------------------------------------------
def test_load_queries_schema_and_limit(tmp_path):
    queries = load_queries(FIXTURE / "queries.jsonl")
    assert [q.id for q in queries][:2] == ["lease-law", "lease-pets"]
    assert queries[0].gold[0] == Gold("lease_harbor.txt", 469, 500, None, "the laws of the State of Oregon")
    assert queries[-1].gold == ()
    assert len(load_queries(FIXTURE / "queries.jsonl", limit=2)) == 2
    own = tmp_path / "own.jsonl"
    own.write_text('{"query": "q", "gold": [{"file": "sub/dir/x.md"}]}\n\n')
    assert load_queries(own) == [Query("line-1", "q", (Gold("x.md"),))]


@pytest.mark.parametrize("line", ['{"gold": []}', '{"query": "q", "gold": [{"start": 1}]}',
                                  '{"query": "q", "gold": [{"file": "a", "start": 1}]}',
                                  '{"query": "q", "gold": [{"file": "a", "page": "2"}]}', "not json"])
def test_load_queries_rejects_bad_lines(tmp_path, line):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "fine", "gold": []}\n' + line + "\n")
    with pytest.raises(RagboxError, match="line 2"):
        load_queries(bad)


def test_missing_gold_files():
    queries = [Query("1", "?", (Gold("a.txt"), Gold("b.txt"))), Query("2", "?", ())]
    assert missing_gold_files(queries, {"a.txt"}) == {"b.txt"}


# --- end to end --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_eval_command_end_to_end(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ragbox.cli import main

    monkeypatch.setenv("RAGBOX_STORE__DIR", str(tmp_path / "store"))
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    runner = CliRunner()
    indexed = runner.invoke(main, ["--index", "evalfix", "index", str(FIXTURE / "docs")], catch_exceptions=False)
    assert indexed.exit_code == 0, indexed.output

    hits_file = tmp_path / "hits.jsonl"
    monkeypatch.setattr("ragbox.search.evaluation.time", Clock(step=0.004))  # each search: 4 ms
    result = runner.invoke(main, ["eval", str(FIXTURE / "queries.jsonl"), "--index", "evalfix", "--json",
                                  "--k", "1,3", "--hits", str(hits_file)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["queries"], summary["scored"], summary["unanswerable_skipped"]) == (5, 4, 1)
    assert summary["index"] == "evalfix" and summary["gold_files_not_indexed"] == 0
    assert summary["recall"] == {"1": 1.0, "3": 1.0} and summary["doc_recall"]["1"] == 1.0
    assert summary["mrr@10"] == 1.0 and summary["budget_recall"] == 1.0
    assert summary["latency_ms"] == {"p50": 4.0, "p95": 4.0}

    rows = [json.loads(line) for line in hits_file.read_text().splitlines()]
    assert [r["id"] for r in rows][0] == "lease-law" and len(rows) == 5
    assert stat.S_IMODE(hits_file.stat().st_mode) == 0o600  # the passages of the index, like the index
    assert 3 <= len(rows[0]["hits"]) < 50  # every chunk of the three short files: fewer than asked for
    assert set(rows[0]["hits"][0]) == {"chunk_id", "path", "page", "char_start", "char_end", "score", "text", "section",
                                       "context"}

    table = runner.invoke(main, ["--index", "evalfix", "eval", str(FIXTURE / "queries.jsonl"), "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert "2 queries on index 'evalfix'" in table.output and ": 2 scored, 0 without gold skipped" in table.output
    assert "evidence in budget" in table.output and "p95" in table.output

    wrong = runner.invoke(main, ["eval", str(FIXTURE / "queries.jsonl"), "--index", "nothing-here"])
    assert wrong.exit_code == 1 and "Index 'nothing-here' is empty" in wrong.output
    bad_k = runner.invoke(main, ["eval", str(FIXTURE / "queries.jsonl"), "--k", "0,5"])
    assert bad_k.exit_code == 2
