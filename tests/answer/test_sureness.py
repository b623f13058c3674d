"""When an answer is shown as sure, and when not, why (ragbox.answer.sureness): the value written
in the sentence, the date asked for, a clear lead over another value, documents that agree; a
model that disagrees with the evidence; a clause quoted without its page's header."""

import json

from ragbox.answer.answering import Answerer, Question
from ragbox.answer.furniture import running_lines, without_furniture
from ragbox.answer.questions import question_kind
from ragbox.answer.sureness import unsure_because
from ragbox.types import Hit

from support import ScriptedGenerator

SEARCHED = {"index": "test", "files": 2, "where": None, "documents": [], "passages": 2}
CONTRACT = "5. Term. This Agreement shall expire on June 30, 2023."
AMENDMENT = "1. Section 5 of the Agreement is amended to read: This Agreement shall expire on June 30, 2025."


def ask(question, hits, document=(), style="extract", tokens=(), min_confidence=0.5, on_token=None):
    model = ScriptedGenerator(list(tokens))
    asked = Question(question, question, question_kind(question), list(hits), list(document), [], SEARCHED)
    return Answerer(style, 3, 256, min_confidence).answer(asked, None, lambda: model, "none", on_token)


def test_a_contract_and_an_amendment_stating_other_dates_are_both_shown_and_not_sure():
    hits = [Hit("a:00001", "/d/supply.txt", None, 0, len(CONTRACT), CONTRACT, 0.60),
            Hit("b:00001", "/d/amendment.txt", None, 0, len(AMENDMENT), AMENDMENT, 0.58)]
    answer = ask("When does the agreement expire?", hits)
    assert answer.text == "June 30, 2023 [1]; but amendment.txt states June 30, 2025 [2]"
    assert answer.found and not answer.sure and answer.cited == [1, 2]
    assert answer.unsure_because == ["documents_disagree"]
    assert answer.unsure_line().startswith("Unsure: two documents state different values (confidence ")
    assert json.loads(json.dumps(answer.as_dict()))["unsure_because"] == ["documents_disagree"]


def test_one_document_stating_its_date_plainly_is_sure():
    hits = [Hit("a:00001", "/d/supply.txt", None, 0, len(CONTRACT), CONTRACT, 0.60)]
    answer = ask("When does the agreement expire?", hits, hits)
    assert answer.text == "June 30, 2023 [1]" and answer.sure and answer.unsure_because == []
    assert answer.as_dict()["unsure_because"] == []


def test_a_document_stating_two_laws_of_itself_shows_both_and_is_not_sure():
    agreement = "22. Governing Law. This Agreement shall be governed by the laws of the State of Delaware."
    terms = ("18. Governing Law: This agreement shall be governed by and subject to the internal laws of the State "
             "of Illinois.")
    hits = [Hit("a:00001", "/d/distributor.txt", None, 0, len(agreement), agreement, 0.60),
            Hit("a:00002", "/d/distributor.txt", None, 100, 100 + len(terms), terms, 0.50)]
    answer = ask("Which state's law governs the agreement?", hits, hits)
    assert answer.text == "Delaware [1]; but the same document also states Illinois [2]"
    assert not answer.sure and answer.unsure_because == ["document_states_two"] and answer.cited == [1, 2]
    # the same law written with its country is the same law
    again = "This Agreement is governed by the laws of the State of Delaware and the federal laws of the United States."
    hits[1] = Hit("a:00002", "/d/distributor.txt", None, 100, 100 + len(again), again, 0.50)
    assert ask("Which state's law governs the agreement?", hits, hits).sure
    # a dispute's law beside the agreement's own is no second law of the agreement
    disputes = "Any dispute involving the Lenders shall be governed by the laws of the State of New York."
    hits[1] = Hit("a:00002", "/d/distributor.txt", None, 100, 100 + len(disputes), disputes, 0.50)
    answer = ask("Which state's law governs the agreement?", hits, hits)
    assert answer.text == "Delaware [1]" and answer.sure


def test_each_check_that_falls_short_is_named():
    plain = {"written": 1.0, "role": 1.0, "margin": 2.0, "question": 1.0}
    assert unsure_because("end date", "date", 0.9, plain, 0.8, {"end date": (0.8, 1.0, 1.0)}) == []
    assert unsure_because("end date", "date", 0.9, {**plain, "written": 0.0}, 0.8, {}) == ["value_not_written"]
    assert unsure_because("effective date", "date", 0.9, {**plain, "role": 0.0}, 0.8, {}) == ["other_role"]
    assert unsure_because("notice", "duration", 0.9, {**plain, "margin": 0.25}, 0.8,
                          {"notice": (0.8, 0.5, 0.0)}) == ["close_second"]
    assert unsure_because("law", "place", 0.7, plain, 0.8, {}) == ["low_confidence"]
    assert unsure_because("law", "place", 0.9, {**plain, "disagree": 1.0}, 0.8, {}) == ["documents_disagree"]
    # "the date of this contract" may be its effective-as-of date; it must stand in the opening
    assert unsure_because("agreement date", "date", 0.9, {**plain, "role": 0.0, "early": 0.5}, 0.8, {}) == []
    assert unsure_because("agreement date", "date", 0.9, {**plain, "early": 0.05}, 0.8, {}) == ["not_in_opening"]
    assert unsure_because("renewal", "duration", 0.9, {**plain, "question": 0.5}, 0.8,
                          {"renewal": (0.8, 0.0, 1.0)}) == ["few_question_words"]
    # "When does the X agreement expire?" holds no word but its cue: the sentence has none to hold
    bars = {"end date": (0.96, 0.0, 0.5)}
    assert unsure_because("end date", "date", 0.97, {**plain, "question": 0.0, "question_words": 0.0}, 0.8, bars) == []
    assert unsure_because("end date", "date", 0.97, {**plain, "question": 0.0, "question_words": 1.0}, 0.8,
                          bars) == ["few_question_words"]
    # an end date of something else than the agreement: a schedule's "END" column, a service period
    assert unsure_because("end date", "date", 0.97, {**plain, "own": 0.0}, 0.8, {}) == ["not_the_documents_end"]
    assert unsure_because("end date", "date", 0.97, {**plain, "own": 1.0}, 0.8, {}) == []
    # a date the document writes without its day ("September __, 2019") is answered as written
    assert unsure_because("agreement date", "date", 0.9, {**plain, "date_form": 0.5}, 0.8, {}) == []
    # a renewal by option or agreement, or one the sentence does not say how, is read wrong too often
    for automatic, reasons in ((1.0, []), (0.5, ["renewal_not_automatic"]), (0.0, ["renewal_not_automatic"])):
        assert unsure_because("renewal", "duration", 0.9, {**plain, "automatic": automatic}, 0.8,
                              {"renewal": (0.8, 0.0, 0.0)}) == reasons
    assert unsure_because("end date", "date", 0.9, {**plain, "date_form": 0.0}, 0.8, {}) == ["not_a_date"]
    # a topic fitted as never precise enough is never sure
    assert unsure_because("term", "duration", 0.99, plain, 0.8, {"term": (1.01, 0.0, 0.0)}) == ["topic_not_sure"]


def test_a_date_the_sentence_gives_another_document_is_not_this_ones():
    from ragbox.answer.facts import another_documents_date

    assert another_documents_date("This First Amendment to the Supply and Manufacturing Agreement dated ")
    assert another_documents_date("In connection with a Master Transaction Agreement dated ")
    assert not another_documents_date('THE LICENSE AND HOSTING AGREEMENT (the "Agreement") is effective as of ')
    assert not another_documents_date('This Services Agreement (this "Agreement") is entered into as of ')
    assert not another_documents_date("This Agreement is dated ")
    assert not another_documents_date("IN WITNESS WHEREOF, the parties have signed on ")
    amendment = ("This Amendment No. 2 is made on May 2, 2023. It amends the Supply Agreement dated April 1, 2017 "
                 "between the parties.")
    hits = [Hit("c:00001", "/d/c.txt", None, 0, len(amendment), amendment, 0.6)]
    answer = ask("What is the date of the agreement?", hits, hits, min_confidence=0.0)
    assert answer.text == "May 2, 2023 [1]" and "another_documents_date" not in answer.unsure_because
    only_other = "It amends the Supply Agreement dated April 1, 2017 between the parties."
    hits = [Hit("c:00001", "/d/c.txt", None, 0, len(only_other), only_other, 0.6)]
    answer = ask("What is the date of the agreement?", hits, hits, min_confidence=0.0)
    assert answer.text == "April 1, 2017 [1]" and "another_documents_date" in answer.unsure_because
    assert not answer.sure


def test_a_term_counted_from_a_date_is_not_sure_however_confident():
    text = ("This Agreement is effective as of March 1, 2005. This Agreement shall continue for a period of five (5) "
            "years from the Effective Date.")
    hits = [Hit("c:00001", "/d/c.txt", None, 0, len(text), text, 0.6)]
    answer = ask("When does the agreement expire?", hits, hits)
    assert answer.text.startswith("March 1, 2010 (5 years from the Effective Date")
    assert "value_not_written" in answer.unsure_because and not answer.sure


def test_an_effective_date_question_answered_by_the_signing_date_says_so():
    text = "This Agreement is dated January 5, 2020 by and between Acme Corp and Globex LLC."
    hits = [Hit("c:00001", "/d/c.txt", None, 0, len(text), text, 0.6)]
    answer = ask("What is the effective date of the agreement?", hits, hits, min_confidence=0.0)
    assert answer.found and answer.text == "January 5, 2020 [1]"
    assert "other_role" in answer.unsure_because and not answer.sure


def test_a_model_value_other_than_the_evidence_is_shown_with_it_and_not_sure():
    text = "This Agreement is dated January 5, 2020 and shall expire on June 30, 2023."
    hits = [Hit("c:00001", "/d/c.txt", None, 0, len(text), text, 0.6)]
    shown = []
    answer = ask("When does the agreement expire?", hits, hits, "generate",
                 ["The agreement expires on January 5, 2020 [1]."], on_token=shown.append)
    assert answer.style == "generated" and not answer.unsupported  # the check passes: the date is in [1]
    assert answer.text == "The agreement expires on January 5, 2020 [1]. The evidence states June 30, 2023 [1]."
    assert "".join(shown) == "The agreement expires on January 5, 2020 [1]. The evidence states June 30, 2023 [1]."
    assert answer.unsure_because[0] == "model_differs" and not answer.sure
    agreeing = ask("When does the agreement expire?", hits, hits, "generate",
                   ["The agreement expires on June 30, 2023 [1]."])
    assert agreeing.text == "The agreement expires on June 30, 2023 [1]."
    assert "model_differs" not in agreeing.unsure_because


HEADER = "Source: ACME CORP, 8-K, 3/10/2006"
CLAUSE = ("8. Non-Competition. During the Term, Distributor shall not sell any product that competes\n"
          f"{HEADER}\nwith the Products in the Territory.")  # a PDF's page break: lines, no blank line


def test_a_clause_quoted_across_a_page_break_leaves_out_the_page_header():
    hits = [Hit("d:00003", "/d/dist.txt", None, 0, len(CLAUSE), CLAUSE, 0.55)]
    answer = ask("Is there a non-compete clause?", hits, hits)
    assert answer.text == ("Yes: “During the Term, Distributor shall not sell any product that competes with the "
                           "Products in the Territory.” [1]")


def test_a_running_line_is_one_the_document_repeats_on_its_pages():
    pages = [Hit(f"d:{n:05d}", "/d/dist.txt", None, 1000 * n, 1000 * n + 60,
                 f"Clause {n} text here.\nMcDATA Standard Terms of Reseller Agreement June 2004\nClause {n}b.", 0.5)
             for n in range(3)]
    running = running_lines(pages)
    assert running == {"McDATA Standard Terms of Reseller Agreement June 2004"}
    assert without_furniture("shall not\nMcDATA Standard Terms of Reseller Agreement June 2004\ncompete",
                             running) == "shall not\ncompete"
    assert running_lines(pages[:2]) == frozenset()  # twice is not yet a running line
    assert without_furniture("the fee\n- 7 -\nis due\nPage 3 of 9") == "the fee\nis due"


def test_the_agreement_an_amendment_amends_between_its_parties_is_another_documents_date():
    from ragbox.answer.facts import another_documents_date

    assert another_documents_date("and amends that certain Manufacturing Agreement between Heritage and Premier dated ")
    assert not another_documents_date("This Agreement between Acme and Bolt is made ")
