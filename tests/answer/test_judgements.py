"""Yes/no questions judging a company from its figures (FinanceBench's "Is 3M a capital-intensive
business based on FY2022 data?", "Are JnJ's FY2022 financials that of a high growth company?"):
the metrics computed from the statements' cells, a rule of thumb stated, never sure."""

from __future__ import annotations

from ten_k import write_10k

from ragbox.answer.judgements import judged, judgement_asked


def test_judgements_asked_name_one_year_and_a_rule_of_thumb():
    capital = judgement_asked("Is 3M a capital-intensive business based on FY2022 data?")
    assert [m.name for m in capital.metrics] == ["capital expenditure as a % of revenue FY2022",
                                                 "return on assets FY2022"]
    assert judged(capital, [5.1, 0.124]) == "No"  # 3M: neither
    assert judged(capital, [0.8, 0.018]) == "Yes"  # CVS Health: a low return on its assets
    assert judged(capital, [12.0, None]) == "Yes"  # a bank prints no capex: judged on what is computed
    growth = judgement_asked("Are JnJ's FY2022 financials that of a high growth company?")
    assert [m.name for m in growth.metrics] == ["growth of revenue from FY2021 to FY2022"]
    assert judged(growth, [1.3]) == "No" and judged(growth, [35.0]) == "Yes"
    assert judgement_asked("Is 3M a capital-intensive business?") is None  # no year: whose figures?
    assert judgement_asked("Which businesses are capital-intensive in FY2022?") is None  # no yes/no


def test_a_judgement_shows_its_metrics_and_rule_and_is_never_sure(make_engine, tmp_path):
    folder = tmp_path / "filings"
    write_10k(folder / "Northwind_2022_10K.pdf", 2022)
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    answer = engine.ask("Is Northwind a capital-intensive business based on FY2022 data?")
    assert answer.found and not answer.sure and answer.unsure_because == ["judgement"]
    assert "Unsure: No: capital expenditure as a % of revenue FY2022: 1,749 / 34,229 = 5.1 %" in answer.text
    assert "capital-intensive when capital expenditure is at least 10 % of revenue" in answer.text
    assert "return on assets" not in answer.text.split("(a rule")[0]  # no balance sheet: not computed, not shown
    growth = engine.ask("Are Northwind's FY2022 financials that of a high growth company?")
    assert "): Unsure: No: growth of revenue from FY2021 to FY2022: (34,229 - 35,355) / 35,355" in growth.text
    hits = engine.search("Is Northwind a capital-intensive business based on FY2022 data?", k=3)
    assert [h.page for h in hits[:2]] == [4, 2]  # the capex row's page, then net sales'


def test_a_search_for_what_drove_a_margin_lists_its_rows_after_the_first_passage(make_engine, tmp_path):
    """"What drove gross margin change as of FY2022?": the drivers are MD&A's words, which the
    search ranks first; the margin's rows of both years come next (American Express's gold page
    is its income statement, 3M's an MD&A page)."""
    from ragbox.answer.statement_pages import may_ask_figure

    folder = tmp_path / "filings"
    write_10k(folder / "Northwind_2022_10K.pdf", 2022)
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    question = "What drove gross margin change as of FY2022 for Northwind?"
    assert may_ask_figure(question) and not may_ask_figure("What drove the change in strategy?")
    hits = engine.search(question, k=3)
    assert hits[0].chunk_id == engine.search(question.replace("What drove", "Why the"), k=1)[0].chunk_id
    assert 2 in [h.page for h in hits[:2]], [(h.page, h.text[:40]) for h in hits]  # the income statement
