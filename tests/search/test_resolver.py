"""The resolver: which documents a question names, by cards made by hand (the extractor has its
own tests in tests/ingest/test_cards.py; tests/test_named_documents.py runs both on real indexes)."""

from ragbox.document_cards import DocumentCard, Party
from ragbox.search.resolver import CardIndex


def card(path, title="", kind="", parties=(), file_words=None):
    words = file_words if file_words is not None else tuple(path.rsplit(".", 1)[0].lower().replace("_", " ").split())
    return DocumentCard(path, title, kind, tuple(Party(n, tuple(s)) for n, s in parties), (), words)


CONTRACTS = [
    card("giggles_alliance.txt", "STRATEGIC ALLIANCE AGREEMENT", "strategic alliance agreement",
         [("Giggles N' Hugs, Inc.", ["Giggles"]), ("Excite Inc.", ["Company"])]),
    card("acme_supply.txt", "SUPPLY AGREEMENT", "supply agreement",
         [("Acme Widgets Corp.", ["Acme"]), ("Globex LLC", ["Buyer"])]),
    card("acme_license.txt", "LICENSE AGREEMENT", "license agreement",
         [("Acme Widgets Corp.", ["Licensor"]), ("Initech Inc.", ["Licensee"])]),
    card("hooli_services.txt", "MASTER SERVICES AGREEMENT", "master services agreement",
         [("Hooli Inc.", ["Company"]), ("Pied Piper LLC", ["Provider"])]),
    card("vandelay_distribution.txt", "DISTRIBUTION AGREEMENT", "distribution agreement",
         [("Vandelay Industries", ["Distributor"]), ("Kramerica Inc.", ["Company"])]),
]
# How many documents' text holds a word: a party's name only in its own contracts, everyday words
# in all of them.
IN_TEXT = {"giggles": 1, "acme": 2, "hooli": 1, "excite": 1, "initech": 1, "vandelay": 1, "widgets": 2,
           "globex": 1, "kramerica": 1, "pied": 1, "piper": 1}


def resolve(question, cards=CONTRACTS):
    resolution = CardIndex(cards).resolve(question, lambda word: IN_TEXT.get(word, len(cards)))
    return [d.path for d in resolution.documents], resolution.ambiguous


def test_a_party_short_name_names_its_contract():
    assert resolve("Which state's law governs the Giggles agreement?") == (["giggles_alliance.txt"], False)
    assert resolve("which state's law governs the giggles agreement") == (["giggles_alliance.txt"], False)


def test_the_title_names_the_one_contract_of_that_kind():
    assert resolve("When does the distribution agreement expire?") == (["vandelay_distribution.txt"], False)


def test_a_party_in_two_contracts_is_ambiguous_until_the_title_narrows_it():
    assert resolve("What is the notice period in the Acme agreement?") == (
        ["acme_license.txt", "acme_supply.txt"], True)
    assert resolve("What is the notice period in the Acme license agreement?") == (["acme_license.txt"], False)


def test_two_documents_named_are_both_answered_and_not_ambiguous():
    assert sorted(resolve("Compare the notice periods of the Hooli and Vandelay contracts")[0]) == [
        "hooli_services.txt", "vandelay_distribution.txt"]
    assert resolve("Compare the notice periods of the Hooli and Vandelay contracts")[1] is False


def test_roles_and_everyday_words_name_nothing():
    assert resolve("What does the Company have to pay?") == ([], False)
    assert resolve("Which agreement has the longest term?") == ([], False)
    assert resolve("What services must be provided?") == ([], False)


def test_a_full_party_name_with_its_corporate_suffix():
    assert resolve('What is the governing law of the agreement with "Pied Piper, LLC"?') == (
        ["hooli_services.txt"], False)


def test_a_word_in_every_note_file_name_names_no_note():
    notes = [card(f"{n:04d}_{name}_Consult.txt", "CONSULTATION", "consultation")
             for n, name in enumerate(["Knee_Injury", "Chest_Pain", "Allergic_Rhinitis", "Back_Pain"] * 2)]
    notes += [card("0100_Knee_Injury_Followup.txt", "", "")]
    in_text = {"knee": 5, "injury": 6, "consult": 9, "chest": 4}

    def named(question):
        found = CardIndex(notes).resolve(question, lambda w: in_text.get(w, len(notes))).documents
        return [d.path for d in found]

    assert named("What did the consult find?") == []
    assert named("What is the patient in the Chest Pain note allergic to?") == [
        "0001_Chest_Pain_Consult.txt", "0005_Chest_Pain_Consult.txt"]
    assert named("What is the patient in the Knee Injury Followup note allergic to?") == [
        "0100_Knee_Injury_Followup.txt"]


def test_a_kind_written_whole_inside_a_file_name_is_not_lost_to_another_note_of_that_kind():
    # "Gen Med Progress Note": one note's whole file name, the other's "Gen Med" and its kind. The
    # first must not be dropped for the second's whole kind: both fit, and the answer says so.
    notes = [card("1384_Gen_Med_Progress_Note_6.txt", "", "progress note"),
             card("3325_Gen_Med_Consult_6.txt", "", "progress note")]
    notes += [card(f"{n:04d}_Knee_Injury_{n}.txt", "", "consultation") for n in range(6)]
    found = CardIndex(notes).resolve("What is the patient in the Gen Med Progress Note note allergic to?",
                                     lambda w: {"gen": 2, "med": 2}.get(w, len(notes)))
    assert [d.path for d in found.documents] == ["1384_Gen_Med_Progress_Note_6.txt", "3325_Gen_Med_Consult_6.txt"]
    assert found.ambiguous
    # two notes named alike by their file names: the kind of one, inside its file name, decides nothing
    notes = [card("4534_Cardiac_Consultation_7.txt", "", "history and physical"),
             card("4537_Cardiac_Consultation_2.txt", "", "consultation")] + notes[2:]
    found = CardIndex(notes).resolve("What is the patient in the Cardiac Consultation note allergic to?",
                                     lambda w: {"cardiac": 2}.get(w, len(notes)))
    assert {d.path for d in found.documents} == {"4534_Cardiac_Consultation_7.txt", "4537_Cardiac_Consultation_2.txt"}


def test_a_year_only_narrows_what_a_name_named():
    reports = [card("3M_2018_10K.pdf"), card("3M_2022_10K.pdf"), card("PEPSICO_2022_10K.pdf")]
    in_text = {"3m": 2, "pepsico": 1, "2022": 3, "2018": 3}

    def named(question):
        return [d.path for d in CardIndex(reports).resolve(question, lambda w: in_text.get(w, 3)).documents]

    assert named("What was 3M's capital expenditure in 2018?") == ["3M_2018_10K.pdf"]
    assert named("What was the revenue in 2022?") == []


def test_a_name_no_card_has_is_looked_for_in_openings_and_else_reported():
    index = CardIndex(CONTRACTS)
    openings = {"Harvest Capital Strategies": {"hooli_services.txt"}}

    def files_holding(phrase):
        return openings.get(phrase, set())

    found = index.resolve("Which state's law governs the agreement with Harvest Capital Strategies?",
                          lambda word: len(CONTRACTS), files_holding)
    assert [d.path for d in found.documents] == ["hooli_services.txt"]
    assert found.documents[0].matched == (("harvest capital strategies", "text"),)
    unknown = index.resolve("Does the Kiosk agreement have a non-compete?", lambda word: len(CONTRACTS),
                            files_holding)
    assert (unknown.documents, unknown.unknown) == ((), "Kiosk")
    assert index.resolve("Which contracts are governed by Texas law?", lambda w: 5, files_holding).unknown == ""


def test_a_party_written_as_a_name_names_its_contracts_however_many_others_mention_it():
    mentioned_everywhere = {**IN_TEXT, "globex": 5}  # every contract here mentions Globex somewhere

    def named(question):
        return [d.path for d in CardIndex(CONTRACTS).resolve(question, lambda w: mentioned_everywhere.get(w, 5))
                .documents]

    assert named("Which state's law governs the Globex supply deal?") == ["acme_supply.txt"]
    assert named("which state's law governs the globex supply deal?") == []  # not written as a name


def test_a_name_only_partly_on_a_card_names_no_document_by_that_part():
    # "Capital" is Clear Capital's; "Harvest" is on no card: the question names another party
    cards = CONTRACTS + [card("clear_services.txt", "MASTER SERVICES AGREEMENT", "services agreement",
                              [("Clear Capital", ["Company"])])]
    in_text = {**IN_TEXT, "capital": 2, "clear": 1}
    found = CardIndex(cards).resolve("Which state's law governs the agreement with Harvest Capital Strategies?",
                                     lambda w: in_text.get(w, len(cards)), lambda phrase: set())
    assert (found.documents, found.unknown) == ((), "Harvest Capital Strategies")
    # the whole name on the card still names it
    assert resolve("What is the term of the agreement with Clear Capital?", cards)[0] == ["clear_services.txt"]


def test_a_party_name_written_as_one_word_names_its_contract():
    cards = CONTRACTS + [card("walabot_reseller.txt", "WALABOT-HOME RESELLER AGREEMENT", "reseller agreement",
                              [("Inde Living Holdings, Inc.", ["Reseller"])])]
    assert resolve("When does the IndeLiving agreement end?", cards) == (["walabot_reseller.txt"], False)
    assert resolve("When does the Inde Living agreement end?", cards) == (["walabot_reseller.txt"], False)


def test_a_whole_title_names_its_contract_before_longer_titles_holding_it():
    cards = CONTRACTS + [card("merit_services.txt", "SERVICES AGREEMENT", "services agreement",
                              [("Merit Life", ["Company"])])]
    # "the Services Agreement" is the one so titled; "Master Services Agreement" (Hooli's) holds it
    assert resolve("Is the Services Agreement exclusive?", cards) == (["merit_services.txt"], False)
    assert resolve("Is the Master Services Agreement exclusive?", cards) == (["hooli_services.txt"], False)
    # the same whole title twice stays ambiguous, and so does a title carrying more than its kind
    twice = cards + [card("other_services.txt", "SERVICES AGREEMENT, UMBRELLA / MERIT", "services agreement",
                          [("Umbrella", [])])]
    assert resolve("Is the Services Agreement exclusive?", twice) == (
        ["merit_services.txt", "other_services.txt"], True)


def test_a_document_headed_two_ways_is_named_whole_by_either():
    # the cover says "Project Cooperation Agreement", the text "Cooperation Agreement": which of the two
    # documents "the Cooperation Agreement" means is the user's to say
    headed_twice = DocumentCard("china_recycling.txt", "Project Cooperation Agreement", "project cooperation agreement",
                                (Party("Xi'an Zhonghong", ("Party A",)),), (), ("china", "recycling"),
                                ("Cooperation Agreement",))
    cards = CONTRACTS + [card("qiwi.txt", "COOPERATION AGREEMENT", "cooperation agreement",
                              [("Otkritie Investments", ["OICL"])]), headed_twice]
    assert resolve("Who are the parties to the Cooperation Agreement?", cards) == (
        ["china_recycling.txt", "qiwi.txt"], True)
    assert resolve("Who are the parties to the Project Cooperation Agreement?", cards) == (
        ["china_recycling.txt"], False)
    once = [c for c in cards if c is not headed_twice] + [DocumentCard(
        "china_recycling.txt", "Project Cooperation Agreement", "project cooperation agreement")]
    assert resolve("Who are the parties to the Cooperation Agreement?", once) == (["qiwi.txt"], False)


def test_two_parties_named_one_on_no_card_still_name_the_others_contracts():
    assert resolve("Is liability capped in the agreement with Vandelay Industries and Costanza Partners?") == (
        ["vandelay_distribution.txt"], False)


def filing(path, company, ticker, form, ended, *years):
    """A filing's card as ``ingest.filing_cards`` makes it: the file's name says nothing here."""
    title = f"Form {form.upper()} for the {'quarterly period' if form == '10-q' else 'fiscal year'} ended {ended}"
    return DocumentCard(path, title, form, (Party(company, (ticker,)),), (ended, *(f"FY{y}" for y in years)),
                        tuple(path.rsplit(".", 1)[0].split("_")))


NORTHWIND = [filing(f"report_{letter}.pdf", "NORTHWIND TRADERS, INC.", "NWT", "10-k", f"May 31, {year}",
                    year, year - 1, year - 2) for letter, year in zip("abc", (2017, 2018, 2019))]
BEST_BUY = [filing("bb_annual_old.pdf", "BEST BUY CO., INC.", "BBY", "10-k", "February 2, 2019", 2019, 2018, 2017),
            filing("bb_annual.pdf", "BEST BUY CO., INC.", "BBY", "10-k", "January 28, 2023", 2023, 2022, 2021),
            filing("bb_quarter.pdf", "BEST BUY CO., INC.", "BBY", "10-q", "July 29, 2023", 2023, 2024)]


def named_filings(question, cards):
    in_text = {"northwind": 3, "nwt": 3, "best": 4, "buy": 4, "bby": 3}
    found = CardIndex(cards).resolve(question, lambda word: in_text.get(word, len(cards)))
    return [d.path for d in found.documents], found.ambiguous


def test_a_company_and_a_fiscal_year_name_that_years_filing():
    cards = NORTHWIND + CONTRACTS
    assert named_filings("What is Northwind's FY2018 capital expenditure?", cards) == (["report_b.pdf"], False)
    assert named_filings("Northwind Traders' 2019 revenue", cards) == (["report_c.pdf"], False)
    assert named_filings("NWT's FY 17 net income", cards) == (["report_a.pdf"], False)  # the ticker, "FY 17"
    # The growth from one year to the next is in the later year's report.
    assert named_filings("Northwind's revenue growth from FY2017 to FY2018?", cards) == (["report_b.pdf"], False)
    # A year before all of them: the first report whose statements cover it.
    assert named_filings("What was Northwind's revenue in fiscal 2016?", cards) == (["report_a.pdf"], False)


def test_without_a_year_a_companys_several_filings_are_ambiguous():
    assert named_filings("What was Northwind's revenue?", NORTHWIND + CONTRACTS) == (
        ["report_a.pdf", "report_b.pdf", "report_c.pdf"], True)
    # a year alone names no filing
    assert named_filings("What was the revenue in FY2018?", NORTHWIND + CONTRACTS) == ([], False)


def test_a_folder_of_one_companys_filings_still_picks_the_year():
    # Northwind is on every card here: it still names them, and the year picks one.
    assert named_filings("What is Northwind's FY2018 capital expenditure?", NORTHWIND) == (["report_b.pdf"], False)


def test_a_quarter_names_the_10q_and_a_year_alone_the_10k():
    cards = BEST_BUY + CONTRACTS
    assert named_filings("in Best Buy's 10-Q for Q2 FY2024, which category grew most?", cards) == (
        ["bb_quarter.pdf"], False)
    assert named_filings("Which Best Buy category did best in Q2 of FY2024?", cards) == (["bb_quarter.pdf"], False)
    assert named_filings("What were Best Buy's FY2023 inventories?", cards) == (["bb_annual.pdf"], False)
    assert named_filings("What were Best Buy's FY2019 inventories?", cards) == (["bb_annual_old.pdf"], False)


def test_a_10qs_fiscal_year_comes_from_its_companys_10k_here():
    # Best Buy's year ends in late January or early February: the quarter ended July 30, 2022 is Q2
    # of FY2023, the one ended July 29, 2023 Q2 of FY2024 (their covers say neither).
    cards = BEST_BUY + [filing("bb_quarter_old.pdf", "BEST BUY CO., INC.", "BBY", "10-q", "July 30, 2022",
                               2022, 2023)] + CONTRACTS
    assert named_filings("What were Best Buy's Q2 FY2023 sales?", cards) == (["bb_quarter_old.pdf"], False)
    assert named_filings("What were Best Buy's Q2 FY2024 sales?", cards) == (["bb_quarter.pdf"], False)
    # The fourth quarter is reported in the 10-K.
    assert named_filings("What were Best Buy's Q4 FY2023 sales?", cards) == (["bb_annual.pdf"], False)
    # Nike's year ends May 31: the quarter ended November 30, 2022 is in FY2023, as is the 10-K.
    nike = [filing("nike_annual.pdf", "NIKE, Inc.", "NKE", "10-k", "May 31, 2023", 2023, 2022, 2021),
            filing("nike_quarter.pdf", "NIKE, Inc.", "NKE", "10-q", "November 30, 2022", 2022, 2023)]
    assert named_filings("What were Nike's Q2 FY2023 revenues?", nike + CONTRACTS) == (["nike_quarter.pdf"], False)
    assert named_filings("What were Nike's FY2023 revenues?", nike + CONTRACTS) == (["nike_annual.pdf"], False)


def test_a_quarter_in_a_file_name_narrows_and_names_nothing_alone():
    cards = [card("ACME_2023Q2_10Q.pdf"), card("ACME_2023_10K.pdf"), card("GLOBEX_2022Q2_10Q.pdf"),
             card("INITECH_2023Q2_10Q.pdf")] + CONTRACTS
    assert resolve("What is Acme's restructuring liability as of Q2 of FY2023?", cards) == (
        ["ACME_2023Q2_10Q.pdf"], False)
    assert resolve("Who paid dividends in Q2 of FY2022?", cards) == ([], False)


def test_a_word_after_a_title_is_not_the_start_of_a_longer_title():
    cards = CONTRACTS + [card("water_distribution.txt", "EXCLUSIVE DISTRIBUTION AGREEMENT",
                              "exclusive distribution agreement", [("Water Now, Inc.", ["Water Now"])])]
    # "exclusive" asks about the clause: the name is "the Distribution Agreement", the one so titled
    assert resolve("Is the Distribution Agreement exclusive?", cards)[0] == ["vandelay_distribution.txt"]
    assert resolve("Is the Exclusive Distribution Agreement assignable?", cards)[0] == ["water_distribution.txt"]


def test_a_party_no_card_has_narrows_documents_of_the_kind_named_to_those_naming_it():
    filings = CONTRACTS + [card(f"{company}_joint_filing.txt", "JOINT FILING AGREEMENT", "joint filing agreement")
                           for company in ("mfa", "nelnet", "onemain")]
    openings = {"Apollo": {"mfa_joint_filing.txt"}}
    index = CardIndex(filings)
    found = index.resolve("What is the date of the joint filing agreement with Apollo?", lambda word: 8,
                          lambda phrase: openings.get(phrase, set()))
    assert [d.path for d in found.documents] == ["mfa_joint_filing.txt"]
    every = index.resolve("What is the date of the joint filing agreement with Zeus?", lambda word: 8,
                          lambda phrase: openings.get(phrase, set()))
    assert len(every.documents) == 3 and every.ambiguous  # no text names Zeus: each, labelled


def test_an_everyday_word_given_as_a_name_is_not_looked_for_in_the_text():
    index = CardIndex(CONTRACTS)
    openings = {"International": {"hooli_services.txt"}, "Harvest": {"hooli_services.txt"}}
    in_text = {"international": 30, "harvest": 1}
    found = index.resolve("Which law governs the International agreement?", lambda word: in_text.get(word, 5),
                          lambda phrase: openings.get(phrase, set()))
    assert (found.documents, found.unknown) == ((), "International")
    rare = index.resolve("Which law governs the Harvest agreement?", lambda word: in_text.get(word, 5),
                         lambda phrase: openings.get(phrase, set()))
    assert [d.path for d in rare.documents] == ["hooli_services.txt"]
