"""Figures of filings answered from the cell of their statement (issue 25, item 3): real 10-K-shaped
PDFs indexed into a real store, asked through the engine as a user would."""

from __future__ import annotations

import pytest
from ten_k import write_10k

from ragbox.answer.figures import asked_item, figure_question, label_match
from ragbox.answer.metrics import metric_asked


@pytest.fixture
def filings(tmp_path):
    folder = tmp_path / "filings"
    write_10k(folder / "Northwind_2022_10K.pdf", 2022)
    write_10k(folder / "Northwind_2023_10K.pdf", 2023, scale=2)
    write_10k(folder / "3M_2022_10K.pdf", 2022, scale=3, company="3M Company")
    write_10k(folder / "Contoso_2022_10K.pdf", 2022, scale=4, company="Contoso Ltd.")
    return folder


def test_questions_asking_one_figure_name_its_line_item_and_year():
    assert asked_item("3M capex 2018").name == "capital expenditure"
    assert asked_item("What did Adobe spend on PP&E in FY2019?").name == "capital expenditure"
    assert asked_item("What was the cost of sales?").name == "cost of sales"  # not revenue ("sales")
    assert figure_question("Amazon net sales 2017", "10-k")[1] == "2017"
    assert figure_question("Amazon net sales 2017", "") is None  # a contract's "net sales" is no filing's
    assert figure_question("What is Amazon's FY2017 gross margin?", "10-k") is None  # computed, not a cell
    item = asked_item("capex")
    assert label_match("Purchases of property, plant and equipment (PP&E)", item) == 2
    assert label_match("Capital expenditures, net of construction payable", item) == 2
    assert label_match("Proceeds from sale of property, plant and equipment", item) == 0


def test_a_figure_is_the_cell_of_its_row_and_year_with_unit_sign_and_page(make_engine, filings):
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([filings])
    answer = engine.ask("Northwind capex FY2022")
    assert answer.found and answer.sure, answer.text
    assert answer.text.endswith("$1,749 million (Purchases of property, plant and equipment (PP&E), FY2022, "
                                "cash-flow statement, page 4; printed (1,749): cash paid out) [1]")
    source = answer.sources[answer.evidence.source - 1]
    assert source.path.endswith("Northwind_2022_10K.pdf") and source.page == 4  # the statement's second page
    assert source.text[slice(*answer.evidence.span)] == "(1,749)"
    later = engine.ask("What did Northwind spend on PP&E in FY2023?")  # the other year's filing
    assert later.sure and "$2,749 million" in later.text and "FY2023" in later.text
    assert later.sources[0].path.endswith("Northwind_2023_10K.pdf")
    typed = engine.ask("3M capex 2022")  # named by its file name only, as a user types it
    assert typed.sure and "$3,749 million" in typed.text and typed.sources[0].path.endswith("3M_2022_10K.pdf")
    earlier = engine.ask("Northwind net sales 2021")  # the prior-year column of the 2022 filing
    assert earlier.sure and "$35,355 million (Net sales, FY2021, income statement, page 2) [1]" in earlier.text


def test_a_figure_the_filing_does_not_print_is_not_found(make_engine, filings):
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([filings])
    answer = engine.ask("What were Northwind's inventories at the end of FY2022?")
    assert not answer.found and not answer.sure
    assert "no statement row of inventories" in answer.text and "FY2022" in answer.text
    older = engine.ask("Northwind capex FY2019")  # no filing has that year's column
    assert not older.found


def test_metrics_asked_are_the_small_documented_set():
    growth = metric_asked("What is Amazon's year-over-year change in revenue from FY2016 to FY2017 (in percents)?")
    assert growth.name == "growth of revenue from FY2016 to FY2017" and growth.years == ("2017", "2016")
    assert growth.compute([177866, 135987]) == pytest.approx(30.796, abs=1e-3)
    cagr = metric_asked("What is Lockheed Martin's 2 year total revenue CAGR from FY2020 to FY2022?")
    assert cagr.compute([121, 100]) == pytest.approx(10.0)
    assert metric_asked("Block's FY2016 working capital ratio?").name == "current ratio"
    assert metric_asked("Lockheed Martin's FY2021 net working capital?").name == "working capital"
    assert metric_asked("What is 3M's FY2022 operating margin?").items[0].name == "operating income"
    assert metric_asked("Does AMCOR have an improving gross margin profile as of FY2023?") is None
    assert metric_asked("What is the FY2023 return on equity for Nike?").items[1].name == "shareholders' equity"
    assert metric_asked("What is Nike's FY2023 return on equity?").compute([5070, 14004, 15281]) == pytest.approx(
        0.3463, abs=1e-4)  # net income / average equity of FY2023 and FY2022
    assert metric_asked("AMCOR quick ratio FY2023").compute([5853, 2199, 5451]) == pytest.approx(0.6703, abs=1e-4)
    assert metric_asked("What is the FY2023 price-to-earnings ratio for Nike?") is None  # not in the set
    # a fallback the question allows ("if it is not meaningful, explain why") asks nothing more
    assert metric_asked("Compute Acme's FY2022 inventory turnover ratio; if inventory turnover is not meaningful "
                        "for a company like this, then say so and explain why.").name == "inventory turnover FY2022"
    from ragbox.answer.trends import trend_asked

    trend = trend_asked("Has Acme's quick ratio improved or declined between FY2023 and FY2022?")
    assert (trend.old.name, trend.new.name, trend.direction) == ("quick ratio FY2022", "quick ratio FY2023", "")
    assert trend_asked("Does Acme have an improving gross margin profile as of FY2023?").old.years == ("2022",) * 2
    assert trend_asked("Has Acme's DPO improved in FY2023?") is None  # more days payable: better for whom?
    assert trend_asked("Has Acme's cost of sales improved in FY2023?") is None  # an amount: no judgement
    assert trend_asked("Did Acme's net margin increase in Q2 of FY2023?") is None  # a quarter, not a year
    assert trend_asked("Is Acme a high growth company in FY2023?") is None  # no figure named
    assert metric_asked("What drove Acme's operating margin in FY2022? If operating margin is not a useful "
                        "metric here, explain why.") is None  # "what drove" asks more than the figure
    turnover = metric_asked("What is Nike's FY2021 inventory turnover ratio?")
    assert [(i.name, y) for i, y in zip(turnover.items, turnover.years)] == [
        ("cost of sales", "2021"), ("inventories", "2021"), ("inventories", "2020")]
    assert turnover.compute([24576, 6854, 7367]) == pytest.approx(3.456, abs=1e-3)
    dpo = metric_asked("What is Amazon's FY2017 days payable outstanding (DPO)? DPO is defined as: 365 * (average "
                       "accounts payable between FY2016 and FY2017) / (FY2017 COGS + change in inventory)")
    assert dpo.compute([34616, 25309, 111934, 16047, 11461]) == pytest.approx(93.858, abs=1e-3)
    average = metric_asked("FY2018 - FY2020 3 year average of capex as a % of revenue for MGM")
    assert average.name == "average of capital expenditure as a % of revenue over FY2018-FY2020"
    assert average.years == ("2018", "2018", "2019", "2019", "2020", "2020")
    assert average.compute([-10, 100, -20, 100, -30, 100]) == pytest.approx(20.0)  # capex's share: |capex|


def test_a_metric_is_computed_from_cited_cells_with_its_arithmetic(make_engine, filings):
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([filings])
    growth = engine.ask("What was Northwind's revenue growth from FY2021 to FY2022?")
    assert growth.sure, growth.text
    assert growth.text.endswith("-3.2 % (growth of revenue from FY2021 to FY2022: (34,229 - 35,355) / 35,355 "
                                "= -3.2 %; Net sales FY2022 34,229 [1], Net sales FY2021 35,355 [1])")
    margin = engine.ask("Northwind operating margin FY2022")  # two rows of the income statement
    assert margin.sure and "19.1 % (operating margin: 6,539 / 34,229 = 19.1 %;" in margin.text
    cash = engine.ask("What was Northwind's free cash flow in FY2022?")  # two pages of one statement
    assert cash.sure and cash.text.endswith("$3,842 million (free cash flow FY2022: 5,591 - 1,749 = $3,842 million; "
                                            "Net cash provided by operating activities FY2022 5,591 [1], Purchases "
                                            "of property, plant and equipment (PP&E) FY2022 (1,749) [2])"), cash.text
    assert [s.page for s in cash.sources[:2]] == [3, 4]
    missing = engine.ask("Northwind current ratio FY2022")  # no balance sheet in these filings
    assert not missing.found and "no statement row of total current assets FY2022" in missing.text


def test_statement_rows_take_their_periods_unit_and_statement_from_above():
    from ragbox.answer.statement_rows import rows_of
    from ragbox.types import Hit

    quarter = Hit("q:1", "q.pdf", 3, 0, 0, "Net sales  100  90  210  180", 0.5,
                  context="Condensed Consolidated Statements of Operations\n(in millions)\n"
                          "Three Months Ended | Six Months Ended\n2023 | 2022 | 2023 | 2022")
    row = rows_of(quarter)[0][0]
    assert not row.aligned and (row.unit, row.statement) == ("millions", "income statement")  # 2023 twice: a guess
    # A title printed a word a line and years one a line (as some filings' PDFs read), then a
    # passage of the same page without them: it goes on with what the page printed above it.
    head = Hit("b:1", "b.pdf", 10, 0, 0, "CONSOLIDATED\nBALANCE\nSHEETS\n(In thousands)\nDecember\n31,\n2018\n\n2017\n"
                                         "Inventories  110,831  102,292", 0.5)
    rows, state = rows_of(head)
    assert [(r.label, r.cells["2018"].text, r.aligned, r.unit, r.statement) for r in rows] == [
        ("Inventories", "110,831", True, "thousands", "balance sheet")]
    later = Hit("b:2", "b.pdf", 10, 0, 0, "Accounts payable  $  302,578  $  255,028", 0.5)
    assert rows_of(later, state)[0][0].cells["2018"].text == "302,578"
    assert rows_of(later)[0] == []  # alone, it has no header: no periods, no row



def test_summaries_that_repeat_a_statements_rows_are_not_the_statement():
    """A five-year "Selected Financial Data" row and MD&A's table of "our cash flows" print the same
    figures as the statements and rank above them; the figure is the statement's row."""
    from ragbox.answer.figures import find_figure
    from ragbox.types import Hit

    selected = Hit("s:1", "a.pdf", 18, 0, 0, "Net sales  $  74,452  $  88,988  $  107,006  $  135,987  $  177,866",
                   0.9, context="Selected Consolidated Financial Data\nStatements of Operations:\n(in millions)\n"
                                "2013 | 2014 | 2015 | 2016 | 2017")
    mdna = Hit("m:1", "a.pdf", 30, 0, 0, "Net cash provided by operating activities  $  18,365  $  16,443", 0.8,
               context="The following table summarizes our cash flows (in millions):\n2017 | 2016")
    statement = [Hit(f"i:{n}", "a.pdf", 38 + n, 0, 0, text, 0.1, context=context) for n, (text, context) in enumerate((
        ("Total net sales  135,987  177,866", "CONSOLIDATED STATEMENTS OF OPERATIONS\n(in millions)\n2016 | 2017"),
        ("Net cash provided by (used in) operating activities  16,443  18,365",
         "CONSOLIDATED STATEMENTS OF CASH FLOWS\n(in millions)\n2016 | 2017")))]
    ranked = [selected, mdna, *statement]
    sales, _ = find_figure(asked_item("net sales"), "2017", [*statement, selected, mdna], ranked)
    assert sales.sure and sales.row.hit.page == 38, sales
    cash, _ = find_figure(asked_item("operating cash flow"), "2017", [*statement, selected, mdna], ranked)
    assert cash.sure and cash.row.hit.page == 39, cash
    alone, _ = find_figure(asked_item("net sales"), "2017", [selected], [selected])
    assert not alone.sure and alone.reason == "other_statement"


def test_a_search_asking_a_figure_lists_its_statement_row_first(make_engine, tmp_path):
    """A note repeating the question's words outranks the statement row ("Purchases of property,
    plant and equipment (PP&E) | (1,749)") in the retriever's ranking; the search lists first the
    row the figure is read from, and each input of a metric."""
    notes = ("Liquidity and capital resources. Purchases of property, plant and equipment (capital expenditures, "
             "or capex) were $1.7 billion in 2022 and $1.6 billion in 2021. We expect capex for 2023 of about "
             "$1.8 billion. Gross profit in 2022 grew with gross profit per unit. ") * 3  # as MD&A writes it
    write_10k(tmp_path / "filings" / "Northwind_2022_10K.pdf", 2022, notes=notes)
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([tmp_path / "filings"])
    query = "Northwind capex FY2022"
    assert engine.retriever.search(query, 5)[0].page == 5  # the note: what the search showed before
    hits = engine.search(query, k=5)
    assert hits[0].page == 4 and "(1,749)" in hits[0].text
    assert len({h.chunk_id for h in hits}) == len(hits) == 5
    gross = "Northwind gross profit FY2022"  # the income statement prints no such row: the statement itself
    assert engine.retriever.search(gross, 5)[0].page == 5
    assert engine.search(gross, k=5)[0].page == 2
    cash = engine.search("What was Northwind's free cash flow in FY2022?", k=5)
    assert [h.page for h in cash[:2]] == [3, 4]  # operating cash flow, then capex
    assert [h.chunk_id for h in engine.search("What does Northwind sell?", k=5)] == [
        h.chunk_id for h in engine.retriever.search("What does Northwind sell?", 5)]  # no figure asked


def test_a_trend_is_answered_yes_or_no_from_the_cells_of_both_years(make_engine, filings):
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([filings])
    margin = engine.ask("Does Northwind have an improving operating margin profile as of FY2022? If operating margin "
                        "is not a useful metric for a company like this, then state that and explain why.")
    assert margin.sure, margin.text
    assert margin.text.endswith("No: operating margin fell from 20.8 % in FY2021 to 19.1 % in FY2022 (FY2021: "
                                "7,369 / 35,355 = 20.8 %; FY2022: 6,539 / 34,229 = 19.1 %; Operating income FY2021 "
                                "7,369 [1], Net sales FY2021 35,355 [1], Operating income FY2022 6,539 [1], Net sales "
                                "FY2022 34,229 [1])"), margin.text
    sales = engine.ask("Has Northwind's revenue increased or decreased between FY2021 and FY2022?")
    assert sales.sure and "Decreased: revenue fell from $35,355 million in FY2021 to $34,229 million" in sales.text
    missing = engine.ask("Has Northwind's quick ratio improved or declined between FY2021 and FY2022?")
    assert not missing.found and "no statement row of total current assets" in missing.text  # no balance sheet
    hits = engine.search("Did Northwind's net income rise in FY2022?", k=3)
    assert hits[0].page == 2 and "5,777" in hits[0].text  # the income statement's row, found for both years


def test_a_statement_row_named_longer_beats_another_tables_exact_label():
    """The D&A of an EBITDA is the cash-flow statement's "Depreciation and amortization of property,
    equipment and intangibles", not a note's "Depreciation and amortization" row (Netflix 2015):
    the statement the item belongs to comes before the label's exactness, and the answer says
    the label is not exact."""
    from ragbox.answer.figures import find_figure
    from ragbox.types import Hit

    note = Hit("n:1", "a.pdf", 70, 0, 0, "Depreciation and amortization  (43,204)  (39,530)", 0.9,
               context="Segment information\n(in thousands)\n2015 | 2014")
    statement = Hit("c:1", "a.pdf", 40, 0, 0, "Depreciation and amortization of property, equipment and intangibles"
                    "  62,283  54,028", 0.1,
                    context="CONSOLIDATED STATEMENTS OF CASH FLOWS\n(in thousands)\n2015 | 2014")
    found, closest = find_figure(asked_item("d&a"), "2015", [statement, note], [note, statement])
    assert found.row.hit.page == 40 and found.row.cells["2015"].value == 62283
    assert not found.sure and found.reason == "row_not_exact"
    assert [r.hit.page for r in closest] == [40, 70]
    rate = Hit("r:1", "a.pdf", 41, 0, 0, "Gross margin  38.5%  37.9%", 0.5,
               context="CONSOLIDATED STATEMENTS OF OPERATIONS\n(in millions)\n2015 | 2014")
    assert find_figure(asked_item("gross profit"), "2015", [rate], [rate])[0] is None  # a rate is no amount


def test_questions_as_users_type_them_and_figures_adjusted_from_the_statements():
    assert asked_item("How much cash did Corning have at the end of 2020?").name == "cash and cash equivalents"
    assert asked_item("Corning cash flow from operations 2020").name == "operating cash flow"  # not "cash"
    assert asked_item("What was Corning's cash flow in 2020?") is None  # which one: not the cash balance
    assert asked_item("How much did Lockheed Martin pay in dividends in 2021?").name == "dividends paid"
    assert figure_question("How much cash did Corning have at the end of 2020?", "10-k")[1] == "2020"
    # "excluding FX", "organic", "adjusted", "non-GAAP": no cell or formula of the statements is that figure
    assert figure_question("What was Acme's revenue in FY2023 excluding the impact of FX?", "10-k") is None
    assert metric_asked("How much was the real change in sales for Acme in FY 2023 vs FY 2022, if we exclude the "
                        "impact of FX movement?") is None
    assert metric_asked("What was Acme's organic revenue growth in FY2023?") is None
    assert metric_asked("What is Adobe's change in unadjusted operating income from FY2015 to FY2016?") is not None
    from ragbox.answer.trends import trend_asked

    assert trend_asked("Did Acme's adjusted EBITDA increase in FY2023?") is None


def test_dividends_and_a_filings_sentence_as_users_ask_them(make_engine, tmp_path):
    """"How much did Northwind pay in dividends in 2022?" is the cash-flow statement's cell, sure;
    an answer read from a sentence of the filing instead of a statement's cell is never sure."""
    notes = ("Employees. At December 31, 2022 the Company employed approximately 4,200 people in 12 countries, "
             "of whom about 1,100 worked in manufacturing. ") * 2
    write_10k(tmp_path / "filings" / "Northwind_2022_10K.pdf", 2022, notes=notes)
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([tmp_path / "filings"])
    paid = engine.ask("How much did Northwind pay in dividends in 2022?")
    assert paid.sure and "$3,369 million (Dividends paid, FY2022, cash-flow statement, page 4" in paid.text, paid.text
    staff = engine.ask("How many people did Northwind employ at the end of 2022?")
    assert staff.found and "4,200" in staff.text, staff.text
    assert not staff.sure and "not_from_statement" in staff.unsure_because


def test_labels_statements_word_otherwise_and_labels_wrapped_over_two_lines():
    """Capex, operating cash flow, equity and dividends as the development filings print them
    (Best Buy, Nike, Kraft Heinz, Block, 3M, J&J); a printed name before a pattern's."""
    from ragbox.answer.statement_rows import rows_of
    from ragbox.types import Hit

    capex, cash = asked_item("capex"), asked_item("operating cash flow")
    for label in ("Additions to property, plant and equipment", "Payments for property and equipment"):
        assert label_match(label, capex) == 2, label
    assert label_match("Purchase of property, plant, and equipment, and other intangible assets", capex) == 1
    assert label_match("Purchases of short-term investments", capex) == 0
    for label in ("Net cash (used in) provided by operating activities", "Net cash provided by/(used for) operating "
                  "activities", "Net cash flows from operating activities", "Net cash from operations"):
        assert label_match(label, cash) == 2, label
    assert label_match("Net cash used in investing activities", cash) == 0
    equity = asked_item("shareholders equity")
    assert label_match("Total 3M Company shareholders’ equity", equity) == 2
    assert label_match("Total liabilities and shareholders’ equity", equity) == 0
    assert label_match("Dividends to shareholders", asked_item("dividends paid")) == 2
    assert label_match("Inventories (Notes 1 and 3)", asked_item("inventories")) == 2
    wrapped = Hit("w:1", "b.pdf", 55, 0, 0, "Investing activities\nAdditions\u00a0to\u00a0property\u00a0and"
                  "\u00a0equipment,\u00a0net\u00a0of\u00a0$53\u00a0of\u00a0non-cash\u00a0capital\n"
                  "expenditures  (819)  (688)\n"
                  "Purchases of investments  \u2014  (4,325)", 0.1,
                  context="Consolidated Statements of Cash Flows\n$ in millions\nFiscal Years Ended | "
                          "February 2, 2019 | February 3, 2018")
    rows = rows_of(wrapped)[0]
    assert [r.label for r in rows] == ["Additions to property and equipment, net of $53 of non-cash capital "
                                       "expenditures", "Purchases of investments"]
    assert label_match(rows[0].label, capex) == 2 and rows[0].cells["2019"].text == "(819)"
    apart = Hit("m:1", "m.pdf", 61, 0, 0, "Common stock cash dividends paid  (19,800  )  (18,135)", 0.1,
                context="CASH FLOWS STATEMENTS\n(In millions)\nYear Ended June 30, | 2023 | 2022")
    paid = rows_of(apart)[0][0]  # Microsoft prints the closing bracket after a gap
    assert paid.cells["2023"].value == -19800 and paid.cells["2022"].text == "(18,135)"
    assert apart.text[slice(*paid.cells["2023"].span)] == "(19,800  )"
    assert label_match(paid.label, asked_item("dividends paid")) == 2


def test_total_debt_is_both_parts_of_the_balance_sheets_debt_and_never_sure():
    from ragbox.answer.trends import trend_asked

    debt = trend_asked("Has Microsoft increased its debt on balance sheet between FY2023 and the FY2022 period?")
    assert debt.new.name == "total debt FY2023" and not debt.new.exact
    assert [i.name for i in debt.new.items] == ["current portion of long-term debt", "long-term debt"]
    assert debt.new.compute([5247, 41990]) == 47237
    assert metric_asked("What was Microsoft's long-term debt in FY2023?") is None  # one cell, not the sum
    assert figure_question("What was Microsoft's long-term debt in FY2023?", "10-k")[0].name == "long-term debt"
    assert metric_asked("Which debt securities are registered in FY2022?") is None


def test_an_effective_tax_rate_and_how_much_it_changed():
    from ragbox.answer.trends import trend_asked, verdict

    rate = metric_asked("What was Walmart's effective tax rate in fiscal 2020?")
    assert [i.name for i in rate.items] == ["income tax expense", "pretax income"] and rate.years == ("2020",) * 2
    assert rate.compute([4915, 20116]) == pytest.approx(24.43, abs=0.01)
    assert label_match("Income tax provision", rate.items[0]) == 2 and label_match("Pretax income", rate.items[1]) == 2
    changed = trend_asked("How much has the effective tax rate of American Express changed between FY2021 and FY2022?")
    assert (changed.old.name, changed.new.name, changed.direction) == (
        "effective tax rate FY2021", "effective tax rate FY2022", "")
    assert verdict(changed, 24.6, 21.6) == "Decreased"
    # "change in revenue" is its growth in percent, not a trend
    assert trend_asked("What is Amazon's year-over-year change in revenue from FY2016 to FY2017?") is None


def test_a_filing_named_by_its_file_alone_is_read_when_no_passage_matched(make_engine, tmp_path):
    """"Contoso capex 2022" over filings that all name Contoso (a customer of the others): no
    passage scores as relevant (a bar no passage reaches here) and the name fits several
    documents' text, yet the file name names one filing, whose statements hold the figure."""
    folder = tmp_path / "filings"
    for company, scale in (("Northwind", 1), ("Fabrikam", 2)):
        write_10k(folder / f"{company}_2022_10K.pdf", 2022, scale=scale, company=f"{company} Inc.",
                  notes="Customers. Contoso Ltd. is our largest customer; sales to Contoso grew in 2022. " * 3)
    write_10k(folder / "Contoso_2022_10K.pdf", 2022, scale=4, company="Contoso Ltd.")
    engine = make_engine(**{"answer.style": "extract", "retrieval.min_score": 0.999})
    engine.index([folder])
    answer = engine.ask("Contoso capex 2022")
    assert answer.sure and "$4,749 million (Purchases of property, plant and equipment (PP&E), FY2022" in answer.text
    assert answer.sources[0].path.endswith("Contoso_2022_10K.pdf")
    assert not engine.ask("Contoso headquarters address").found  # no figure asked: nothing is read


def test_a_line_naming_a_year_beside_a_count_is_no_header():
    """3M's balance sheet prints "Shares outstanding - December 31, 2021: 571,845,478" between its
    rows: it is not a header naming one year, so the equity rows below keep both years' columns;
    and with "Total equity" (non-controlling interests included) beside the shareholders' own
    total, the equity asked is not sure."""
    from ragbox.answer.figures import find_figure
    from ragbox.answer.statement_rows import rows_of
    from ragbox.types import Hit

    sheet = Hit("e:1", "3m.pdf", 50, 0, 0, "3M Company shareholders’ equity:\n"
                "Common stock par value, $.01 par value; 944,033,056 shares issued  9  9\n"
                "Shares outstanding - December 31, 2022: 549,245,105\n"
                "Shares outstanding - December 31, 2021: 571,845,478\n"
                "Accumulated other comprehensive income (loss)  (6,673)  (6,750)\n"
                "Total 3M Company shareholders’ equity  14,722  15,046\n"
                "Noncontrolling interest  48  71\n"
                "Total equity  14,770  15,117", 0.1,
                context="3M Company and Subsidiaries\nConsolidated Balance Sheet\nAt December 31\n"
                        "(Dollars in millions, except per share amount) | 2022 | 2021")
    rows = rows_of(sheet)[0]
    assert [(r.label[:28], r.cells["2021"].text, r.statement) for r in rows[-3:]] == [
        ("Total 3M Company shareholder", "15,046", "balance sheet"), ("Noncontrolling interest", "71", "balance sheet"),
        ("Total equity", "15,117", "balance sheet")]
    found, closest = find_figure(asked_item("shareholders equity"), "2022", [sheet], [sheet])
    assert not found.sure and found.reason == "close_second"
    assert {r.cells["2022"].text for r in closest} >= {"14,722", "14,770"}
    alone = Hit("e:2", "n.pdf", 43, 0, 0, "Noncontrolling interest  48  71\nTotal equity  14,770  15,117", 0.1,
                context=sheet.context)
    assert find_figure(asked_item("shareholders equity"), "2022", [alone], [alone])[0].sure  # the only total


def test_more_labels_as_the_development_filings_print_them():
    """Pretax income, dividends and capex worded as the dev 10-Ks word them (Lockheed Martin, Best
    Buy, Block, Nike, Amazon, American Express); a label naming more than the item ("... of
    property and intangibles", "... to noncontrolling interests") is not the item exactly."""
    pretax, dna = asked_item("pretax income"), asked_item("d&a")
    for label in ("Earnings from continuing operations before income taxes", "Loss before income tax",
                  "Earnings from continuing operations before income tax expense"):
        assert label_match(label, pretax) == 2, label
    assert label_match("Income tax expense", pretax) == 0
    # D&A "of property, equipment and intangibles" stays not exact (Netflix amortizes content apart)
    assert label_match("Depreciation and amortization of property and intangibles", dna) == 1
    dividends, capex = asked_item("dividends paid"), asked_item("capex")
    assert label_match("Dividends — common and preferred", dividends) == 2
    assert label_match("Dividends paid to noncontrolling interests", dividends) == 1
    for label in ("Purchases of property and equipment, including internal-use software and website development",
                  "Purchase of premises and equipment, net of sales: 2022, $1; 2021, $88; and 2020, $1"):
        assert label_match(label, capex) == 2, label
    assert label_match("Purchases of intangible assets", capex) == 0


def test_a_bracket_closed_after_a_space_is_the_cell():
    """Coca-Cola's cash-flow statement prints "(2,491 )": the row is read (it was skipped, and
    capex came from MD&A's table), and a cell is looked for in its own line only."""
    from ragbox.answer.figures import find_figure
    from ragbox.answer.statement_rows import rows_of
    from ragbox.types import Hit

    flows = Hit("c:1", "ko.pdf", 77, 0, 0, "Mexican peso  (2 )  (14 )  (16)\n"
                "Purchases of property, plant and equipment  (1,675)  (2,262)  (2,553 )\n"
                "Dividends  (6,320)  (6,043)  (5,741)", 0.1,
                context="THE COCA-COLA COMPANY AND SUBSIDIARIES\nCONSOLIDATED STATEMENTS OF CASH FLOWS\n"
                        "Year Ended December 31, | 2017 | 2016 | 2015\n(In millions)")
    rows = rows_of(flows)[0]
    assert [(r.label, r.cells["2015"].text) for r in rows] == [
        ("Mexican peso", "(16)"), ("Purchases of property, plant and equipment", "(2,553)"), ("Dividends", "(5,741)")]
    assert flows.text[slice(*rows[0].cells["2017"].span)] == "(2 )"
    assert flows.text[slice(*rows[1].cells["2015"].span)] == "(2,553 )"
    found = find_figure(asked_item("capex"), "2015", [flows], [flows])[0]
    assert found.sure and found.row.cells["2015"].value == -2553
    odd = Hit("c:2", "ko.pdf", 77, 0, 0, "Other  (1,234$)  5\nDividends  (6,320)  (6,043)", 0.1, context=flows.context)
    assert [r.label for r in rows_of(odd)[0]] == ["Dividends"]  # a cell not found as read is no row, no error
