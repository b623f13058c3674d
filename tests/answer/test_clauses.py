"""The clause table: which clause a yes/no question asks about, and which sentences state it."""

import pytest

from ragbox.answer.clauses import clause_asked, expresses, yes_or_no

# (question, a sentence that is the clause, a sentence with the clause's words that is not it)
CASES = [
    ("Does the Giggles agreement have a non-compete?",
     "During the Term, Distributor shall not sell any product that competes with the Products.",
     "The courts of competent jurisdiction may grant relief; the information would cause competitive harm."),
    ("Is the Giggles agreement exclusive?",
     "Supplier hereby appoints Distributor as its exclusive distributor in the Territory.",
     "The courts of New York shall have exclusive jurisdiction; this appointment is non-exclusive."),
    ("Is liability capped in the Giggles agreement?",
     "In no event shall either party's aggregate liability exceed the fees paid in the prior twelve months.",
     "Claims include, but are not limited to, any liability arising from the Products."),
    ("Does the Giggles agreement give audit rights?",
     "Licensor may, upon thirty days' notice, inspect Licensee's books and records relating to royalties.",
     "The Company's auditors have reported on its financial statements."),
    ("Can the Giggles agreement be assigned without consent?",
     "Neither party may assign this Agreement without the prior written consent of the other party.",
     "Capitalized terms have the meanings assigned to them in the Purchase Agreement."),
    ("Does the Giggles agreement require insurance?",
     "Distributor shall maintain product liability insurance with limits of at least $1,000,000.",
     "Nothing herein shall be construed as an insurer's guarantee."),
    ("Is there a change of control clause in the Giggles agreement?",
     "Either party may terminate this Agreement upon notice if the other party is acquired by or merges with a "
     "competitor.",
     "Either party may assign this Agreement without consent to a successor by merger."),
    ("Can the Giggles agreement be terminated for convenience?",
     "Either party may terminate this Agreement upon ninety (90) days' prior written notice to the other party.",
     "Either party may terminate this Agreement upon notice if the other party materially breaches it."),
]


@pytest.mark.parametrize("question, clause_sentence, other_sentence", CASES)
def test_a_clause_is_stated_by_its_own_words_not_by_the_same_words_in_another_sense(question, clause_sentence,
                                                                                    other_sentence):
    clause = clause_asked(question)
    assert clause is not None
    assert expresses(clause, clause_sentence)
    assert not expresses(clause, other_sentence)


def test_each_question_finds_its_own_clause_and_one_not_in_the_table_finds_none():
    names = [clause_asked(question).name for question, _, _ in CASES]
    assert names == ["non-compete", "exclusivity", "cap on liability", "audit rights", "anti-assignment", "insurance",
                     "change of control", "termination for convenience"]
    assert clause_asked("Is there a most favored nation clause?") is None
    assert clause_asked("Are dogs allowed?") is None


def test_the_words_naming_the_document_do_not_choose_the_clause():
    question = "Does the Insurance Agency Agreement give audit rights?"
    assert clause_asked(question, ["Insurance Agency Agreement"]).name == "audit rights"


def test_the_clause_answers_yes_except_where_it_forbids_what_is_asked():
    cap = "In no event shall either party's liability exceed the fees paid."
    assert yes_or_no("Is liability capped in the X agreement?", cap) == "Yes"  # not "No" for its "no event"
    assignment = "Neither party may assign this Agreement without the prior written consent of the other."
    assert yes_or_no("Can the X agreement be assigned without consent?", assignment) == "No"
    assert yes_or_no("Are dogs allowed?", "No dogs are allowed.") == "No"  # not a clause: as before
