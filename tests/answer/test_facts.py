"""Facts in one normal form: dates, durations, sums, doses, readings, places."""

import pytest

from ragbox.answer.facts import all_facts, amounts, dates, doses, durations, measures, normal_form, places


@pytest.mark.parametrize("text, value", [
    ("dated June 21, 1999", "1999-06-21"), ("the 21st day of June, 1999", "1999-06-21"),
    ("on 21 June 1999", "1999-06-21"), ("6/21/99", "1999-06-21"), ("1/7/2019", "2019-01-07"),
    ("2020-03-04", "2020-03-04"), ("as of March 2020", "2020-03"), ("Sept. 30, 2001", "2001-09-30"),
    # an ordinal split by a stray space, as filings converted to text write it
    ("the 6t h day of March, 2006", "2006-03-06"), ("as of the 1s t day of June, 2004", "2004-06-01"),
    ("MADE ON THE 19  DAY OF MAY , 2010", "2010-05-19"), ("May 19 , 2010", "2010-05-19"),
    ("effective as of the [·] day of [·], 2019", "2019"), ("dated as of [ ], 2004", "2004"),
])
def test_dates(text, value):
    assert [f.value for f in dates(text)] == [value]


@pytest.mark.parametrize("text, value", [
    ("thirty (30) days", "30 day"), ("30 days", "30 day"), ("one (1) year", "1 year"),
    ("forty-five (45) days", "45 day"), ("a twelve month period", "12 month"), ("five year terms", "5 year"),
    ("ten (10) business days", "10 business day"), ("renews from year to year", "1 year"),
])
def test_durations(text, value):
    assert [f.value for f in durations(text)] == [value]


def test_amounts_doses_readings_and_places():
    assert [f.value for f in amounts("fees of $2,400 and USD 1.5 million")] == ["2400", "1500000"]
    assert [f.value for f in doses("Start Empagliflozin 10 mg daily")] == ["empagliflozin 10 mg"]
    assert [f.value for f in measures("BP 152/94, HbA1c 7.8%")] == ["152/94", "7.8%"]
    assert [f.value for f in places("laws of the State of NEW YORK and of West Virginia")] == ["New York",
                                                                                              "West Virginia"]
    assert places("the jersey was blue") == []  # a place name in lower case is another word


def test_offsets_point_at_the_fact_as_written():
    text = "This Agreement renews for successive one (1) year terms."
    fact = durations(text)[0]
    assert text[fact.start:fact.end] == "one (1) year"
    assert {f.kind for f in all_facts("On June 1, 2020 pay $5 for 30 days in Texas")} >= {
        "date", "amount", "duration", "place", "number"}


def test_normal_form():
    assert normal_form("Thirty (30) days' notice") == "30 days notice"
    assert normal_form("dated June 21, 1999; fee $2,400") == "dated 1999-06-21 fee 2400"
