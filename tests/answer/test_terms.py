"""Dates and terms read as a lawyer reads them (ragbox.answer.terms)."""

from datetime import date

import pytest

from ragbox.answer.answering import Answerer, Question
from ragbox.answer.facts import dates, durations
from ragbox.answer.questions import question_kind
from ragbox.answer.terms import add_business_days, add_duration
from ragbox.types import Hit

SEARCHED = {"index": "test", "files": 1, "where": None, "documents": ["c.txt"], "passages": 1}


def answer_from(question: str, *sentences: str, style: str = "extract"):
    hits = [Hit(f"c:{n:05d}", "/d/c.txt", None, 1000 * n, 1000 * n + len(text), text, 0.5 - 0.01 * n)
            for n, text in enumerate(sentences)]
    asked = Question(question, question, question_kind(question), hits, hits, [], SEARCHED)
    return Answerer(style, 3, 256, 0.5).answer(asked, None, lambda: None, "none")


@pytest.mark.parametrize("start, count, end", [
    ("2026-12-04", 10, "2026-12-18"),  # a Friday: ten business days are two weeks
    ("2026-12-02", 3, "2026-12-07"),  # a Wednesday: Thursday, Friday, Monday
    ("2026-12-05", 5, "2026-12-11"),  # a Saturday: Monday to Friday
    ("2026-12-05", 6, "2026-12-14"),
])
def test_business_days_skip_the_weekend(start, count, end):
    assert add_business_days(date.fromisoformat(start), count).isoformat() == end
    assert add_duration(start, f"{count} business day") == end


def test_business_days_are_not_calendar_days():
    assert [d.value for d in durations("payable within ten (10) business days of receipt")] == ["10 business day"]
    assert [d.value for d in durations("payable within ten (10) calendar days of receipt")] == ["10 day"]
    assert add_duration("2026-12-04", "10 day") == "2026-12-14"
    assert add_duration("2026-12-04", "10 business day") == "2026-12-18"


def test_a_payment_term_in_business_days_is_stated_as_business_days():
    answer = answer_from("When are invoices payable?",
                         "Each invoice is payable within ten (10) business days after its receipt by the Customer.")
    assert answer.found and answer.text == "Within ten (10) business days after its receipt by the Customer [1]"


EFFECTIVE = ("This License Agreement (the \"Agreement\") is entered into as of March 1, 2005 (the \"Effective Date\") "
             "by and between Acme Corp. and Globex Inc.")


@pytest.mark.parametrize("term, shown", [
    ("This Agreement shall continue for a period of five (5) years from the Effective Date.",
     "March 1, 2010 (5 years from the Effective Date, March 1, 2005)"),
    ("The term of this Agreement shall be five (5) years from the Effective Date of March 1, 2005.",
     "March 1, 2010 (5 years from March 1, 2005)"),
    ("The Initial Term of this Agreement is one (1) year.", "March 1, 2006 (1 year from the Effective Date, "
                                                            "March 1, 2005)"),
    ("This Agreement shall continue in full force for ten (10) years from the Launch of the Product.",
     "Ten (10) years from the Launch of the Product"),
    ("This Agreement shall commence on the Effective Date and shall continue in perpetuity, unless terminated "
     "earlier in accordance with Section 9.", "Perpetual (no end date: the term runs until it is ended)"),
    ("This Agreement will be in effect from the Effective Date until completion of the Research Program.",
     "No fixed date: until completion of the Research Program"),
    ("This Agreement shall commence on the Effective Date and continue for a term of three (3) years expiring "
     "May 31, 2008.", "May 31, 2008"),
])
def test_the_expiration_date_is_read_from_the_term(term, shown):
    answer = answer_from("What is the expiration date of this contract?", EFFECTIVE,
                         "2. Services. Globex shall provide the services described in Exhibit A.", term)
    assert answer.found and answer.text == f"{shown} [3]"


def test_dates_are_told_apart_by_their_role():
    text = ("This Agreement is dated as of the 24th day of March, 2005, shall become effective on April 1, 2005 and "
            "shall expire on the twenty-first day of March, 2010.")
    asked = {question: answer_from(question, text).text for question in (
        "What is the date of this contract?", "What is the effective date of this contract?",
        "What is the expiration date of this contract?")}
    assert asked == {"What is the date of this contract?": "24th day of March, 2005 [1]",
                     "What is the effective date of this contract?": "April 1, 2005 [1]",
                     "What is the expiration date of this contract?": "Twenty-first day of March, 2010 [1]"}



def test_the_end_of_a_license_year_is_not_the_end_of_the_contract():
    # the sentence after the term names a first year's end, with more of the question's words ("end")
    term = ("The term of the license hereby granted shall commence August 1, 1995 and continue until January 30, "
            "2000, unless sooner terminated as provided in the immediately succeeding sentence.")
    early = ("Notwithstanding the foregoing, if Kmart elects not to carry the eyewear prior to the end of the first "
             "license year (January 30, 1997), then either party shall have the right to end this Agreement.")
    answer = answer_from("When does the endorsement agreement end?", term, early)
    assert answer.text == "January 30, 2000 [1]"
    from ragbox.answer.facts import date_role, dates
    assert [date_role(early, d) for d in dates(early)] == ["other"]
    fifth = "This Agreement shall continue until the end of the fifth contract year, December 31, 2010."
    assert [date_role(fifth, d) for d in dates(fifth)] == ["end"]


SUPPLY = ["SUPPLY AGREEMENT. This Supply Agreement is made as of June 1, 2020 between Acme Corp. and Globex Inc.",
          "The initial term of this Agreement is two (2) years from the Effective Date.",
          "Thereafter this Agreement shall automatically renew for successive one (1) year terms unless either party "
          "gives written notice of non-renewal at least ninety (90) days prior to the end of the then-current term."]
LICENSE = ["LICENSE AGREEMENT. This License Agreement is made as of May 5, 2019 between Initech LLC and Umbrella Inc.",
           "The initial term of this Agreement is three (3) years from the Effective Date.",
           "Either party may terminate this Agreement on thirty (30) days' written notice.",
           "Licensee shall pay all invoices within ten (10) business days of receipt."]


def test_a_renewal_is_stated_with_how_it_renews_and_the_notice_that_stops_it():
    answer = answer_from("What is the renewal term of the supply agreement?", *SUPPLY)
    assert answer.found and answer.text == (
        "Successive one (1) year terms (renews automatically; notice of non-renewal at least ninety (90) days prior "
        "to the end of the then-current term) [3]")


def test_a_contract_without_a_renewal_clause_has_no_renewal_term():
    renewal = "What is the renewal term of the license agreement?"
    answer = answer_from(renewal, *LICENSE)
    assert not answer.found and answer.style == "not found"
    assert answer.text == "Not found in the indexed documents. Searched 1 file(s) in index 'test', most closely c.txt."
    # the same question of the supply agreement, which has one, is answered
    assert answer_from(renewal, *SUPPLY).found


def test_a_renewal_not_automatic_says_so():
    answer = answer_from("What is the renewal term?", "This Agreement may be renewed by mutual written agreement of "
                                                       "the parties for one additional term of two (2) years.")
    assert answer.text == "Additional term of two (2) years (not automatic: renewed by option or agreement) [1]"


def test_a_period_in_a_sentence_that_mentions_the_term_on_the_way_is_no_term():
    effective = 'This agreement is entered into as of September 23, 1997 ("Effective Date") by Excite and Sponsor.'
    aside = ("During the term, Excite may make available opportunities on the Excite Site to purchase Music "
             "Products from parties other than Sponsor if such Music Products are not available from Sponsor so long "
             "as Excite notifies Sponsor and gives Sponsor thirty (30) days to make them available.")
    assert not answer_from("When does the agreement expire?", effective, aside).found
    term = "The term of this Agreement shall be two (2) years from the Effective Date."
    assert answer_from("When does the agreement expire?", effective, aside, term).text == (
        "September 23, 1999 (2 years from the Effective Date, September 23, 1997) [3]")
    defined_after = 'This Agreement shall commence on the Effective Date and last for two (2) years (the "Term").'
    expiry = answer_from("When does the agreement expire?", effective, defined_after)
    assert expiry.text.startswith("September 23, 1999")
    for_a_period = ("This Agreement shall be for a period of two (2) years commencing upon the Effective Date hereof "
                    'unless sooner terminated in accordance with this Agreement (the "Initial Term").')
    expiry = answer_from("When does the agreement expire?", effective, for_a_period)
    assert expiry.text.startswith("September 23, 1999")


def test_a_fixed_term_that_may_end_early_is_not_perpetual():
    effective = 'This agreement is entered into as of June 1, 1999 (the "Effective Date") by Acme and Globex.'
    term = ('The term of this Agreement shall begin on the date hereof and shall continue for a period of 12 months '
            'thereafter (the "Period") in full force and effect until it is terminated in accordance with this '
            'Section 3.')
    assert answer_from("When does the agreement expire?", effective, term).text == (
        "June 1, 2000 (12 months from the Effective Date, June 1, 1999) [2]")
    perpetual = "This Agreement shall continue in full force and effect until it is terminated under Section 3."
    assert answer_from("When does the agreement expire?", effective, perpetual).text.startswith("Perpetual")


def test_periods_after_or_inside_the_term_and_a_renewal_s_open_end_are_not_the_term():
    effective = 'This agreement is entered into as of June 30, 2017 (the "Effective Date") by TKCI and SIC.'
    after = ("During the term of this Agreement and for one (1) year thereafter, TKCI will keep in confidence any "
             "information marked Confidential.")
    inside = "During the initial three (3) years of the Term of this Agreement, SIC shall supply alloy without cost."
    renewal = ("Upon the expiration of the Term, the Term shall automatically extend for successive 12-month periods "
               "until one Party terminates the Agreement by providing at least 180 days prior written notice.")
    for sentence in (after, inside, renewal):
        assert not answer_from("When does the agreement expire?", effective, sentence).found, sentence
    term = "The term of this Agreement is twenty-four (24) months."
    assert answer_from("When does the agreement expire?", effective, after, term).text == (
        "June 30, 2019 (24 months from the Effective Date, June 30, 2017) [3]")


def test_a_notice_period_before_a_renewal_is_not_the_renewal_term():
    renewal = ("Upon the expiry of the Initial Term this Agreement shall automatically renew for successive terms "
               "of the same duration, unless either party gives written notice to the other of such party's desire "
               "not to renew not less than ninety (90) days prior to the date of the expiration of the Initial Term.")
    answer = answer_from("What is the renewal term?", renewal)
    assert "ninety" not in answer.text.split("(renews")[0]  # the notice is no term; the term is not written here
    later = answer_from("What is the renewal term?", renewal, "Each renewal term shall be two (2) years.")
    assert later.text.startswith("Two (2) years") and later.text.endswith("[2]")


def test_a_term_from_a_date_the_document_does_not_give_is_stated_as_written_with_its_anchor():
    answer = answer_from("What is the expiration date of this contract?",
                         "2. Services. Globex shall provide the services described in Exhibit A.",
                         "This Agreement shall continue for a period of five (5) years from the Effective Date.")
    assert answer.found and answer.text == "Five (5) years from the Effective Date [2]"


def test_a_range_starts_with_its_first_date_and_ends_with_its_last():
    text = "Terms of the project: 12 weeks from February 8, 2018 to May 3, 2018."
    assert answer_from("What is the expiration date of this contract?", text).text == "May 3, 2018 [1]"
    assert answer_from("What is the effective date of this contract?", text).text == "February 8, 2018 [1]"


def test_a_date_with_its_day_left_blank_keeps_its_month():
    text = "This Marketing Agreement is made and entered into as of September __, 2018 (the \"Effective Date\")."
    assert [d.value for d in dates(text)] == ["2018-09"]
    assert answer_from("What is the date of this contract?", text).text == "September __, 2018 [1]"


def test_a_period_after_the_term_ends_is_not_the_term():
    answer = answer_from("What is the expiration date of this contract?", EFFECTIVE,
                         "The confidentiality obligations of this Agreement survive for two (2) years after the "
                         "termination of this Agreement.")
    assert not answer.found


def test_a_deadline_is_not_the_contract_s_end():
    answer = answer_from("What is the expiration date of this contract?",
                         "The Company shall hold its 2020 Annual Meeting no later than July 8, 2020.")
    assert not answer.found


@pytest.mark.parametrize("sentence", [
    "Either party may terminate this Agreement prior to expiration of the Term upon thirty (30) days prior written "
    "notice.",
    "Thirty (30) days before the lapse of the Term, the Contractor shall notify the Customer.",
    "During the Term, Supplier will notify Customer no later than fifteen (15) days following a Change of Control.",
    "No more frequently than once every year during the term of this Agreement, Licensor may audit the books.",
])
def test_a_notice_a_deadline_or_a_frequency_is_not_the_term(sentence):
    assert not answer_from("What is the expiration date of this contract?", EFFECTIVE, sentence).found


def test_a_term_from_the_date_of_the_effective_date_is_computed_and_until_earlier_terminated_has_no_end():
    assert answer_from("What is the expiration date of this contract?", EFFECTIVE,
                       "The initial term of this Agreement expires in five (5) years from the date of Effective "
                       "Date.").text == "March 1, 2010 (5 years from the date of Effective Date, March 1, 2005) [2]"
    assert answer_from("What is the expiration date of this contract?", EFFECTIVE,
                       "This Agreement shall continue until full performance by both parties, or until earlier "
                       "terminated by one party.").text == ("Perpetual (no end date: the term runs until it is "
                                                            "ended) [2]")



@pytest.mark.parametrize("term, said", [
    ("The initial term of this Agreement shall be for a period of five (5) years from the date first set forth above "
     "and shall thereafter automatically renew.", "the date first set forth above"),
    ("This Agreement shall remain in force for five (5) years from the date first written above.",
     "the date first written above")])
def test_a_term_from_the_date_first_set_forth_above_runs_from_the_preamble_s_date(term, said):
    dated = ("THIS AGREEMENT, dated as of October 24, 2005 is between Johnson Matthey Catalog Company, Inc. "
             "(\"ALFA AESAR\") and Nanophase Technologies Corporation (\"NTC\").")
    assert answer_from("When does the agreement expire?", dated, term).text == \
        f"October 24, 2010 (5 years from {said}, October 24, 2005) [2]"


@pytest.mark.parametrize("term, shown", [
    ("The term of this Agreement will begin on the Effective Date and will end on the second (2nd) anniversary of the "
     "Commencement Date.", "March 1, 2007 (2 years from the Commencement Date, March 1, 2005)"),
    ("This Agreement shall expire on the fifth anniversary of the Effective Date.",
     "March 1, 2010 (5 years from the Effective Date, March 1, 2005)"),
    ("This Agreement shall remain in effect until the third anniversary of the first commercial sale.",
     "Third anniversary of the first commercial sale"),
    # an ordinal split by a stray space, as text converted from a filing writes it
    ("The initial term of this Agreement shall continue until the fifth (5t h) anniversary of the Effective Date.",
     "March 1, 2010 (5 years from the Effective Date, March 1, 2005)"),
    ("This Agreement will end on the 2n d anniversary of the Effective Date.",
     "March 1, 2007 (2 years from the Effective Date, March 1, 2005)")])
def test_a_term_ending_on_an_anniversary_is_that_many_years_from_its_start(term, shown):
    answer = answer_from("When does this contract expire?", EFFECTIVE, term)
    assert answer.text == f"{shown} [2]"
    # an anniversary that is a deadline, not the end of the term, is no end date
    assert "2006" not in answer_from("When does this contract expire?", EFFECTIVE, "The term of this Agreement is "
                                     "perpetual. Licensee shall pay the fee by the first anniversary of the Effective "
                                     "Date.").text
