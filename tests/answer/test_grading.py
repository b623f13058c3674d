"""How `ragbox eval --answers` decides that an answer states the labelled value."""

import pytest

from ragbox.answer.grading import is_right, label_date


@pytest.mark.parametrize("answer, label", [
    ("June 21, 1999 [1]", "6/21/99"), ("the 21st day of June, 1999", "6/21/99"),
    ("effective in the year 2004", "[]/[]/2004"), ("December 1, 2004", "[]/[]/2004"),
    ("Successive one (1) year renewal terms", "Successive 1 year"), ("renews from year to year", "successive 1 year"),
    ("two (2) successive ten (10) year periods", "2 successive 10 years"), ("sixty (60) days", "60 days; 180 days"),
    ("the State of California", "California"), ("MASTER SERVICES AGREEMENT", "Master Services Agreement"),
    ("PRC [1]", "People's Republic of China"), ("the laws of the U.K.", "the United Kingdom"),
    ("Ontario [2]", "Ontario, Canada"), ("British Columbia", "British Columbia,Canada"), ("Texas", "Texas, USA"),
    ("Successive 12-month periods (renews automatically)", "succesive 1 year"), ("two (2) years", "24 months"),
    ("At least six (6) months prior to the expiration", "180 days / 6 months"),
])
def test_right(answer, label):
    assert is_right(answer, label)


@pytest.mark.parametrize("answer, label", [
    ("June 22, 1999", "6/21/99"), ("December 1, 2005", "[]/[]/2004"), ("thirty (30) days", "60 days"),
    ("one (1) year", "2 successive 10 years"), ("ten (10) years", "2 successive 10 years"),
    ("New York", "California"), ("SERVICES AGREEMENT", "MASTER SERVICES AGREEMENT"), ("", "California"),
    ("PRC", "Hong Kong, PRC"), ("Delaware", "Delaware, Illinois"), ("USA", "United States Patent Office"),
    ("Canada", "Ontario, Canada"), ("Ontario", "Ontario, United States"), ("Texas", "Texas, Canada"),
    ("eighteen (18) months", "1 year"), ("12 days", "1 year"),
])
def test_wrong(answer, label):
    assert not is_right(answer, label)


def test_label_dates():
    assert label_date("6/21/99") == "1999-06-21" and label_date("11/[]/2006") == "2006-11"
    assert label_date("[]/[]/2004") == "2004" and label_date("[]/[]/19[]") is None and label_date("Texas") is None
    assert label_date("31/01/2025") == "2025-01-31"  # its first part cannot be a month: day first
    assert label_date("01/02/2025") == "2025-01-02"  # either way: read as the US labels are, month first
    assert is_right("January 31, 2025 [1]", "31/01/2025")
