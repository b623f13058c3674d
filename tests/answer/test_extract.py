"""Finding the answering sentence and span in passages (hand-made hits, no models)."""

from ragbox.answer.extract import answer_span, candidates, title_of
from ragbox.answer.facts import dates, durations, places
from ragbox.answer.questions import question_kind
from ragbox.types import Hit


def hit(text: str, chunk_id: str = "d:00000", path: str = "/d/msa.txt", score: float = 0.5) -> Hit:
    return Hit(chunk_id, path, None, 0, len(text), text, score)


def test_the_place_right_after_laws_of_is_the_governing_law():
    kind = question_kind("What is the governing law?")
    sentence = "A New York company and a Texas company agree that the laws of the State of Delaware govern."
    span, value, introduced = answer_span(sentence, places(sentence), kind)
    assert sentence[span[0]:span[1]] == "Delaware" and value == "Delaware" and introduced


def test_both_places_of_a_two_part_governing_law_are_stated():
    kind = question_kind("Which law governs?")
    sentence = "governed by the laws of the Province of British Columbia and the federal laws of Canada."
    span, value, _ = answer_span(sentence, places(sentence), kind)
    assert sentence[span[0]:span[1]] == "British Columbia and the federal laws of Canada"
    assert value == "British Columbia and Canada"


def test_the_law_governing_the_agreement_itself_beats_a_law_for_some_disputes():
    question = "Which state's law governs the agreement?"
    document = [hit("Any dispute involving the Lenders shall be governed by the laws of the State of New York. "
                    "The performance of this Agreement shall be governed in all respects by the laws of Japan.")]
    found = candidates(question, question_kind(question), [], document)
    assert found[0].value == "Japan"  # "which state" asks for a place: "State of New York" is no better for it


def test_where_a_party_is_incorporated_is_not_the_law_that_governs():
    question = "Which state's law governs the manufacturing and supply agreement?"
    document = [hit('This MANUFACTURING AND SUPPLY AGREEMENT is made by and between: Dong-A ST Co., Ltd., a '
                    'corporation duly incorporated under the laws of the Republic of Korea ("Dong-A") and NeuroBo, '
                    'Inc., a Delaware corporation ("NeuroBo"). '
                    'GOVERNING LAW The laws of the State of New York (without giving effect to its conflicts of law '
                    'principles) govern all matters arising out of or relating to this Agreement.')]
    found = candidates(question, question_kind(question), [], document)
    assert [c.value for c in found] == ["New York"] and found[0].features["own"] == 1.0
    # the Delaware General Corporation Law is a law, not a Delaware corporation
    sentence = "This Agreement shall be governed by the Delaware General Corporation Law."
    assert [p.value for p in places(sentence)] == ["Delaware"]
    assert answer_span(sentence, places(sentence), question_kind(question))[1] == "Delaware"


def test_a_short_form_of_a_country_is_read_as_the_country():
    assert [p.value for p in places("governed by the laws of the PRC")] == ["People's Republic of China"]
    assert places("the prc rules") == []  # in lower case, not the country


def test_a_contracts_own_date_beats_the_dates_of_documents_it_names():
    question = "When was the agreement signed?"
    kind = question_kind(question)
    amendment = ('This First Amendment to the Supply Agreement dated April 1, 2017 between Cerus and Porex '
                 '(the "Agreement") is made this 22 day of June 2018.')
    assert candidates(question, kind, [], [hit(amendment)])[0].value == "2018-06-22"
    letter = [hit("CONSULTING AGREEMENT\nJuly 20, 2018\nDear Gianluca: Kiromic offers this Agreement.", "d:00000"),
              hit("It supersedes all other agreements, except for the engagement letter dated May 11, 2006. "
                  "Shares are offered under the Plan of Additional Stock Issuance dated June 21, 2006.", "d:00001")]
    best = candidates(question, kind, [], letter)[0]
    assert best.value == "2018-07-20" and best.span_text == "July 20, 2018"  # the date under its title


def test_a_renewal_keeps_its_count_and_kind():
    kind = question_kind("What is the renewal term?")
    sentence = "You may renew the franchise for two (2) successive terms equal to five (5) years each."
    span, value, _ = answer_span(sentence, durations(sentence), kind)
    assert sentence[span[0]:span[1]] == "two (2) successive terms equal to five (5) years" and value == "5 year"


def test_an_effective_date_is_not_the_date_it_runs_until():
    kind = question_kind("What is the effective date?")
    sentence = "The venture shall commence on March 1, 2003 and shall be effective until February 28, 2004."
    span, value, _ = answer_span(sentence, dates(sentence), kind)
    assert value == "2003-03-01"
    assert answer_span("It is effective until February 28, 2004.", dates("It is effective until February 28, 2004."),
                       kind) is None  # its only date is an end date


def test_candidates_take_the_fact_from_the_sentence_about_it_and_scan_the_document():
    question = "What is the notice period to terminate the renewal?"
    retrieved = [hit("Invoices are payable within 45 days. The parties shall meet yearly.", "d:00003")]
    document = [hit("SUPPLY AGREEMENT\nThis agreement is dated May 1, 2020.", "d:00000"), retrieved[0],
                hit("Either party may prevent renewal by giving sixty (60) days' prior written notice.", "d:00009")]
    found = candidates(question, question_kind(question), retrieved, document)
    best = found[0]
    assert best.span_text == "sixty (60) days" and best.value == "60 day" and best.retrieved_rank is None
    assert best.hit.chunk_id == "d:00009"


def test_a_question_expecting_a_fact_takes_no_sentence_without_one():
    question = "What is the governing law?"
    assert candidates(question, question_kind(question), [hit("This agreement is governed by law.")]) == []


def test_titles():
    doc = [hit("EXHIBIT 10.2\n\nMASTER SERVICES AGREEMENT  between Acme and Bolt\nThis Agreement is made")]
    assert title_of(doc).span_text == "MASTER SERVICES AGREEMENT"
    assert title_of([hit("Exhibit 1\n\nReseller Agreement\n\nThis reseller agreement is made")]).span_text == \
        "Reseller Agreement"
    assert title_of([hit("no title here at all")]) is None


def test_the_term_clause_sets_the_term_before_a_period_mentioned_on_the_way():
    from ragbox.answer.questions import TERM
    question = "When does the agreement end?"
    document = [hit("If either party is unable to perform its obligations under this Agreement for a period in excess "
                    "of ninety (90) days, the other party may terminate this Agreement. Unless terminated earlier, "
                    "this Agreement shall terminate on the date three (3) years from the Effective Date.")]
    found = candidates(question, TERM, [], document)
    assert found[0].value == "3 year" and found[0].features["own"] == 1.0


def test_a_definition_of_another_word_does_not_say_when_the_agreement_ends():
    question = "When does the agreement expire?"
    document = [hit('"Year" means the period commencing with the date of this Agreement and ending on November 7th '
                    '2009. This Agreement shall expire on January 1, 2016.')]
    found = candidates(question, question_kind(question), [], document)
    assert [c.value for c in found] == ["2016-01-01"]


def test_the_words_a_question_holds_besides_its_cue_are_counted():
    ends = "The Services Period shall end on May 31, 2016."
    hits = [Hit("c:00001", "/d/c.txt", None, 0, len(ends), ends, 0.6)]

    def words(question):
        return candidates(question, question_kind(question), hits, naming=["Berkshire"])[0].features["question_words"]

    assert words("When does the Berkshire agreement expire?") == 0.0  # "expire": the end date's cue
    assert words("What is the expiration date of the Berkshire agreement?") == 1.0  # "date"
