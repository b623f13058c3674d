"""The cells a metric's arithmetic takes: a cost printed as a deduction is the cost."""

from __future__ import annotations

from ragbox.answer.metrics import computed, metric_asked
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
