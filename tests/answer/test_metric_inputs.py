"""The cells a metric's arithmetic takes: a cost printed as a deduction is the cost."""

from __future__ import annotations

from ragbox.answer.metrics import computed, metric_asked, with_parts
from ragbox.types import Hit

_HEAD = "CONSOLIDATED STATEMENTS OF EARNINGS\n(in millions)\n2022 | 2021"


def _statement(chunk_id: str, text: str) -> Hit:
    return Hit(chunk_id, "lmt.pdf", 63, 0, 0, text, 0.1, context=_HEAD)


def test_a_tax_expense_printed_in_brackets_is_an_expense_and_a_benefit_stays_one():
    """Lockheed Martin prints "Income tax expense (948)": its 2022 rate is 14.2 %, not -14.2 %;
    a row labelled "(benefit)" keeps its sign: a benefit lowers the rate."""
    rate = metric_asked("What was the effective tax rate in FY2022?")
    printed = _statement("t:1", "Earnings from continuing operations before income taxes  6,680  7,766\n"
                         "Income tax expense  (948)  (1,235)")
    inputs, value = computed(rate, [printed], [printed])
    assert round(value, 1) == 14.2 and all(found.sure for found in inputs)
    benefit = _statement("t:2", "Income before income taxes  6,680  7,766\nIncome tax expense (benefit)  (948)  1,235")
    assert round(computed(rate, [benefit], [benefit])[1], 1) == -14.2


def test_a_gross_margin_without_a_gross_profit_row_is_computed_from_its_parts(make_engine, tmp_path):
    """Walmart, Amazon and 3M print no "Gross profit": the margin is (revenue - cost of sales) /
    revenue, the arithmetic shown, each cell cited once; a filing printing the row reads it."""
    from ten_k import write_10k

    folder = tmp_path / "filings"
    write_10k(folder / "Northwind_2022_10K.pdf", 2022)  # net sales and cost of sales, no gross profit row
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    margin = engine.ask("What was Northwind's gross margin in FY2022?")
    assert margin.found and margin.sure, margin.text
    assert "43.8 % (gross margin: (34,229 - 19,232) / 34,229 = 43.8 %; Net sales FY2022 34,229 [1], Cost of sales " \
           "FY2022 19,232 [1])" in margin.text
    profit = engine.ask("Northwind gross profit 2022")  # the amount itself, asked as a cell
    assert profit.sure and "$14,997 million (gross profit FY2022: (34,229 - 19,232) = $14,997 million" in profit.text
    trend = engine.ask("Did Northwind's gross margin improve in FY2022?")
    assert "): No: gross margin fell from 46.8 % in FY2021 to 43.8 % in FY2022" in trend.text
    printed = _statement("g:1", "Net sales  34,229  35,355\nCost of sales  19,232  18,795\n"
                                "Gross profit  14,997  16,560")
    asked = metric_asked("What was the gross margin in FY2022?")
    assert with_parts(asked, [printed], [printed]) is asked  # the printed row, as before


def test_an_item_printed_as_a_heading_over_its_parts_is_their_sum_never_sure():
    """Amcor's balance sheet prints "Inventories, net" over two parts and no total; a note's
    condensed balance sheet pages later has an "Inventories" row of something else. The item is
    the parts' sum (not sure); where the statement prints "Total inventories", that row."""
    from ragbox.answer.figures import find_figure
    from ragbox.answer.metrics import metric_asked as asked

    head = "Consolidated Balance Sheets\n($ in millions)\nAs of June 30, | 2023 | 2022"
    sheet = Hit("inv:amcor", "amcor.pdf", 52, 0, 0, "Cash and cash equivalents  $  689  $  775\nInventories, net\n"
                "Raw materials and supplies  992  1,114\nWork in process and finished goods  1,221  1,325\n"
                "Prepaid expenses and other current assets  531  512\nTotal current assets  5,308  5,853\n"
                "Total current liabilities  4,476  5,103", 0.1, context=head)
    note = Hit("inv:note", "amcor.pdf", 107, 0, 0, "Inventories  60  71", 0.1, context=head)
    found, closest = find_figure(asked("inventory turnover FY2023").items[1], "2023", [sheet, note], [])
    assert not found.sure and found.reason == "sum_of_parts" and found.row.cells["2023"].value == 2213
    assert found.row.label == ("Inventories, net (sum of Raw materials and supplies, Work in process and finished "
                               "goods)") and found.row.hit.page == 52
    _, value = computed(asked("What is the quick ratio in FY2022?"), [sheet, note], [])
    assert round(value, 2) == 0.67  # (5,853 - 2,439) / 5,103
    total = Hit("inv:3m", "3m.pdf", 50, 0, 0, "Inventories\nFinished goods  2,497  2,196\n"
                "Work in process  1,606  1,577\nTotal inventories  5,372  4,985", 0.1, context=head)
    printed, _ = find_figure(asked("inventory turnover FY2023").items[1], "2023", [total], [])
    assert printed.row.label == "Total inventories" and printed.sure
