"""The parties answered from the document's card (ragbox.answer.parties), quoted where the opening
names them; the engine's path is tested on a real index in tests/test_named_documents.py."""

from ragbox.answer.decision import confidence
from ragbox.answer.extract import NEIGHBOUR_GAP
from ragbox.answer.parties import parties_of
from ragbox.answer.questions import question_kind
from ragbox.document_cards import DocumentCard, Party
from ragbox.types import Hit


def hit(text: str, n: int = 0) -> Hit:
    return Hit(f"d:{n:05d}", "/d/supply.txt", None, 0, len(text), text, 0.5)


CARD = DocumentCard("/d/supply.txt", "SUPPLY AGREEMENT", "supply agreement",
                    (Party("Acme Widgets Corp.", ("Acme",)), Party("Globex Retail LLC", ("Buyer", "Globex"))))
KIND = question_kind("Who are the parties?")


def test_every_party_of_the_card_with_its_short_names_quoted_from_the_opening():
    opening = hit("SUPPLY AGREEMENT\n\nThis agreement is entered into by Acme Widgets\nCorp. (\"Acme\") and Globex "
                  "Retail LLC (the \"Buyer\" or \"Globex\"). Acme shall supply widgets.", 0)
    found = parties_of(CARD, [hit("Table of contents", 0), opening])
    assert found.value == "Acme Widgets Corp. (“Acme”) and Globex Retail LLC (“Buyer”, “Globex”)"
    assert found.hit is opening and found.span_text == ('Acme Widgets\nCorp. ("Acme") and Globex Retail LLC (the '
                                                         '"Buyer" or "Globex")')
    assert confidence(KIND, found.features) >= 0.8  # two sides named: sure


def test_one_party_found_is_a_partial_answer_shown_unsure_and_no_card_no_answer():
    found = parties_of(CARD, [hit("Acme Widgets Corp. (\"Acme\") sells to retailers.")])
    assert found.value == "Acme Widgets Corp. (“Acme”)"
    assert 0.5 <= confidence(KIND, found.features) < 0.8
    assert parties_of(None, [hit("anything")]) is None
    assert parties_of(CARD, [hit("Nothing names them here.")]) is None


def test_parties_are_sure_only_when_the_opening_names_every_party_of_the_card():
    from ragbox.answer.sureness import unsure_because

    three = DocumentCard("/d/supply.txt", "SUPPLY AGREEMENT", "supply agreement",
                         CARD.parties + (Party("Bestev Management, LLC", ("Distributor",)),))
    opening = hit("This agreement is entered into by Acme Widgets Corp. (\"Acme\") and Globex Retail LLC.", 0)
    two_of_three = parties_of(three, [opening])
    assert unsure_because("parties", "parties", 0.95, two_of_three.features, 0.8) == ["some_parties_missing"]
    assert unsure_because("parties", "parties", 0.95, parties_of(CARD, [opening]).features, 0.8) == []
    # a sentence that speaks of "the parties" without naming them is never a sure list of them
    assert unsure_because("parties", "parties", 0.95, {"question": 1.0}, 0.8) == ["parties_not_named"]


def test_the_passage_naming_the_most_parties_answers_not_a_cover_naming_one():
    cover = hit("SUPPLY AGREEMENT between Acme Widgets Corp. and its distributors", 0)
    preamble = hit("This agreement is entered into by Acme Widgets Corp. (\"Acme\") and Globex Retail LLC "
                   "(the \"Buyer\").", 1)
    found = parties_of(CARD, [cover, preamble, hit("Globex Retail LLC shall pay Acme Widgets Corp.", 2)])
    assert found.hit is preamble
    assert found.value == "Acme Widgets Corp. (“Acme”) and Globex Retail LLC (“Buyer”, “Globex”)"
    assert found.features["all_parties"] == 1.0


def test_parties_named_after_a_table_of_contents_are_found_in_the_opening_the_card_was_read_from():
    contents = [hit(f"{n}.0 SECTION {n} .......... {n + 2}", n) for n in range(1, 6)]
    preamble = hit("This Manufacturing Agreement is made by Acme Widgets Corp. (\"Acme\") and Globex Retail LLC "
                   "(the \"Buyer\").", 6)
    found = parties_of(CARD, [hit("MANUFACTURING AGREEMENT between Acme Widgets Corp. and", 0), *contents, preamble])
    assert found.hit is preamble and found.features["all_parties"] == 1.0
    far = hit("Acme Widgets Corp. and Globex Retail LLC agree to meet yearly.", 99)
    padding = [hit("x" * 1000, n) for n in range(7, 16)]  # past the opening: 9,000 more characters
    assert parties_of(CARD, [hit("Nothing named here.", 0), *padding, far]) is None


def test_a_preamble_cut_between_two_passages_is_quoted_from_both_joined_as_the_page_has_them():
    three = DocumentCard("/d/supply.txt", "SUPPLY AGREEMENT", "supply agreement",
                         CARD.parties + (Party("Bestev Management, LLC", ("Distributor",)),))
    page = ('SUPPLY AGREEMENT\n\nThis agreement is entered into by Acme Widgets Corp. ("Acme"), Globex Retail LLC '
            '("Buyer") and Bestev Management, LLC ("Distributor"). Acme shall supply widgets.')
    cut = page.index("Globex") + 3  # the chunker cut inside the preamble, the second passage overlapping the first
    first = Hit("d:00000", "/d/supply.txt", 1, 0, cut, page[:cut], 0.5)
    second = Hit("d:00001", "/d/supply.txt", 1, cut - 10, len(page), page[cut - 10:], 0.5)
    found = parties_of(three, [first, second])
    assert found.features["all_parties"] == 1.0 and found.hit.text == page
    assert (found.hit.chunk_id, found.hit.char_start, found.hit.char_end) == ("d:00000", 0, len(page))
    # passages of two pages, or further apart than the whitespace between two paragraphs, are never
    # joined: the page would not read so
    other_page = Hit("d:00001", "/d/supply.txt", 2, cut - 10, len(page), page[cut - 10:], 0.5)
    far = cut + NEIGHBOUR_GAP + 1
    gap = Hit("d:00001", "/d/supply.txt", 1, far, len(page), page[far:], 0.5)
    assert parties_of(three, [first, other_page]).features["all_parties"] == 0.0
    assert parties_of(three, [first, gap]).features["all_parties"] == 0.0


def test_the_answer_s_source_is_the_joined_passage_even_when_search_found_its_first_half():
    from ragbox.answer.answering import Answerer, Question

    three = DocumentCard("/d/supply.txt", "SUPPLY AGREEMENT", "supply agreement",
                         CARD.parties + (Party("Bestev Management, LLC", ("Distributor",)),))
    page = ('This agreement is entered into by Acme Widgets Corp. ("Acme"), Globex Retail LLC ("Buyer") and Bestev '
            'Management, LLC ("Distributor").')
    first = Hit("d:00000", "/d/supply.txt", 1, 0, 70, page[:70], 0.7)
    second = Hit("d:00001", "/d/supply.txt", 1, 60, len(page), page[60:], 0.6)
    question = "Who are the parties to the supply agreement?"
    searched = {"index": "test", "files": 1, "where": None, "documents": ["supply.txt"], "passages": 2}
    asked = Question(question, question, question_kind(question), [first, second], [first, second], [], searched,
                     three)
    answer = Answerer("extract", 3, 256, 0.5).answer(asked, None, lambda: None, "none")
    assert answer.text == ("Acme Widgets Corp. (“Acme”), Globex Retail LLC (“Buyer”, “Globex”) and Bestev Management, "
                           "LLC (“Distributor”) [1]")
    assert answer.sources[0].text == page and answer.sources[0].score == 0.7


def test_a_preamble_split_at_sentences_over_three_passages_is_joined_across_the_dropped_space():
    # as a chunker splitting at sentence ends cuts a long preamble: the space between two passages
    # belongs to neither ('... corporation no. 52-0036872 ...')
    page = ('This Agreement is entered into by and between Acme Widgets Corp., a corporation no. 52-003 having its '
            'place of business in Haifa, ("Acme") and Globex Retail LLC, a corporation no. 51-293 having its place '
            'of business in Migdal, (the "Buyer"). Acme and Buyer are the Parties.')
    cuts = [page.index("52-003"), page.index("51-293")]
    spans = [(0, cuts[0] - 1), (cuts[0], cuts[1] - 1), (cuts[1], len(page))]
    passages = [Hit(f"d:{n:05d}", "/d/supply.txt", 1, start, end, page[start:end], 0.5)
                for n, (start, end) in enumerate(spans)]
    found = parties_of(CARD, passages)
    assert found.features["all_parties"] == 1.0 and found.hit.text == page
    assert found.value == "Acme Widgets Corp. (“Acme”) and Globex Retail LLC (“Buyer”, “Globex”)"
    # the two passages naming both parties are enough: the shortest run naming most parties is quoted
    assert parties_of(CARD, passages[:2] + [Hit("d:00009", "/d/supply.txt", 2, 0, 5, "Other", 0.5)]).hit.text == \
        page[:cuts[1] - 1]


def test_a_party_the_cover_writes_in_capitals_is_found_in_the_preamble_written_otherwise():
    card = DocumentCard("/d/supply.txt", "DISTRIBUTOR AGREEMENT", "distributor agreement",
                        (Party("PEREGRINE/BRIDGE TRANSFER CORPORATION", ()),
                         Party("Neon Systems, Inc.", ("Licensee",))))
    cover = hit("DISTRIBUTOR AGREEMENT by and between PEREGRINE/BRIDGE TRANSFER CORPORATION and NEON SYSTEMS, INC.", 0)
    preamble = hit('DISTRIBUTOR AGREEMENT (the "Agreement") is made by and between Peregrine/Bridge Transfer '
                   'Corporation, a Delaware corporation (the "Licensor"), and Neon Systems, Inc., a Delaware '
                   'corporation (the "Licensee").', 1)
    found = parties_of(card, [cover, preamble])
    assert found.hit is preamble and found.features["all_parties"] == 1.0
    assert found.value == "PEREGRINE/BRIDGE TRANSFER CORPORATION and Neon Systems, Inc. (“Licensee”)"

