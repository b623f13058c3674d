"""Document cards read from a document's opening text (ragbox.ingest.cards), on preambles written
for these tests in the ways real contracts and clinical notes are written."""

from ragbox.document_cards import DocumentCard, Party
from ragbox.ingest.cards import document_card


def test_all_caps_title_short_names_and_the_date():
    head = ("STRATEGIC ALLIANCE AGREEMENT\n\n"
            "This Strategic Alliance Agreement (the \"Agreement\") is entered into as of June 21, 1999 (the "
            "\"Effective Date\") by and between Giggles N' Hugs, Inc., a Nevada corporation (\"Giggles\"), and "
            "Moonbeam Toys LLC, a Delaware limited liability company, with its principal place of business at 12 "
            "Harbor Road, Portland, Oregon 97201 (the \"Partner\").\n\nWHEREAS, Giggles operates restaurants;")
    card = document_card("contracts/giggles_alliance.pdf", head)
    assert card == DocumentCard(
        "contracts/giggles_alliance.pdf", "STRATEGIC ALLIANCE AGREEMENT", "strategic alliance agreement",
        (Party("Giggles N' Hugs, Inc.", ("Giggles",)), Party("Moonbeam Toys LLC", ("Partner",))),
        ("June 21, 1999",), ("giggles", "alliance"))


def test_parties_listed_after_the_title_on_a_cover_page():
    head = ("Exhibit 10.1\n\n                SUPPLY AGREEMENT\n\n                     between\n\n"
            "              NORTHWIND TRADERS, INC.\n\n                       and\n\n"
            "              BLUE HERON FOODS LTD.\n\n              Dated as of March 3, 2011\n\n\n"
            "TABLE OF CONTENTS\nARTICLE 1 DEFINITIONS 1\nARTICLE 2 SUPPLY 4\n")
    card = document_card("supply.txt", head)
    assert card.title == "SUPPLY AGREEMENT"
    assert card.kind == "supply agreement"
    assert card.parties == (Party("NORTHWIND TRADERS, INC."), Party("BLUE HERON FOODS LTD."))
    assert card.dates == ("March 3, 2011",)


def test_title_from_the_preamble_curly_quotes_and_hereinafter():
    head = ("THIS LICENSE AGREEMENT (the “Agreement”) is made on the 24th day of March, 2005 between Orchid "
            "Software Corp., a California corporation (hereinafter “Licensor”), and Pebble Analytics GmbH, "
            "Rosenweg 4, 10115 Berlin, Germany (hereinafter referred to as “Licensee”). Licensor and Licensee "
            "agree as follows:")
    card = document_card("Orchid-Pebble license.docx", head)
    assert card.title == "License Agreement"
    assert card.kind == "license agreement"
    assert card.parties == (Party("Orchid Software Corp.", ("Licensor",)),
                            Party("Pebble Analytics GmbH", ("Licensee",)))
    assert card.dates == ("the 24th day of March, 2005",)
    assert card.file_words == ("orchid", "pebble", "license")


def test_three_parties_among():
    head = ("JOINT VENTURE AGREEMENT\n\nThis Joint Venture Agreement is made as of 1/15/2002 by and among "
            "Atlas Robotics Corp., a Texas corporation (\"Atlas\"), VERDANT LABS, INC. (\"Verdant\") and Cobalt "
            "Capital Partners, L.P., a Delaware limited partnership (\"Cobalt\" and, together with Atlas and "
            "Verdant, the \"Parties\").\n\n1. Formation.")
    card = document_card("jv.pdf", head)
    assert card.parties == (Party("Atlas Robotics Corp.", ("Atlas",)), Party("VERDANT LABS, INC.", ("Verdant",)),
                            Party("Cobalt Capital Partners, L.P.", ("Cobalt",)))
    assert card.dates == ("1/15/2002",)


def test_an_amendment_keeps_its_own_title_naming_the_parent_agreement():
    head = ("AMENDMENT NO. 2 TO THE DISTRIBUTION AGREEMENT\n\n"
            "This Amendment No. 2 (this \"Amendment\") to the Distribution Agreement dated May 1, 2001 is made "
            "effective as of October 1, 2004 by and between Kestrel Medical, Inc. (\"Kestrel\") and Alder Supply "
            "Co. (hereinafter referred to as \"Distributor\").\n\nWHEREAS, the parties wish to amend")
    card = document_card("kestrel/amendment2.pdf", head)
    assert card.title == "AMENDMENT NO. 2 TO THE DISTRIBUTION AGREEMENT"
    assert card.kind == "amendment"
    assert card.parties == (Party("Kestrel Medical, Inc.", ("Kestrel",)), Party("Alder Supply Co.", ("Distributor",)))
    assert card.dates == ("May 1, 2001", "October 1, 2004")


def test_an_exhibit_header_and_a_confidentiality_legend_before_the_title():
    head = ("EXHIBIT 10.4 CERTAIN PORTIONS OF THIS EXHIBIT HAVE BEEN OMITTED AND FILED SEPARATELY WITH THE "
            "COMMISSION. JOINT DEVELOPMENT AGREEMENT This Joint Development Agreement (\"Agreement\") dated as of "
            "May 5, 2016 is between Harbor Optics Corp. (\"Harbor\") and Verdant Labs, Inc. (\"Verdant\").")
    card = document_card("HarborOptics_05_05_2016-EX-10.4-JOINT DEVELOPMENT AGREEMENT.txt", head)
    assert card.title == "JOINT DEVELOPMENT AGREEMENT"
    assert card.kind == "joint development agreement"
    assert card.parties == (Party("Harbor Optics Corp.", ("Harbor",)), Party("Verdant Labs, Inc.", ("Verdant",)))
    assert card.dates == ("May 5, 2016",)
    assert card.file_words == ("harbor", "optics", "05", "2016", "ex", "10", "4", "joint", "development", "agreement")


def test_a_clinical_note_is_typed_by_its_section_headings():
    head = ("PREOPERATIVE DIAGNOSIS: , Torn medial meniscus, right knee.,POSTOPERATIVE DIAGNOSIS: , Same.,"
            "ALLERGIES: , Penicillin.,PROCEDURE: , Arthroscopic partial medial meniscectomy.,ANESTHESIA: , General.")
    card = document_card("notes/0421_Knee_Injury_Arthroscopy.txt", head)
    assert card == DocumentCard("notes/0421_Knee_Injury_Arthroscopy.txt", "", "operative report", (), (),
                                ("0421", "knee", "injury", "arthroscopy"))


def test_a_clinical_note_with_a_note_type_heading():
    head = ("DISCHARGE SUMMARY\nADMISSION DIAGNOSIS: Pneumonia.\nALLERGIES: Codeine.\n"
            "HOSPITAL COURSE: The patient was admitted on 3/2/2009 and treated with antibiotics.")
    card = document_card("discharge_smith.txt", head)
    assert (card.title, card.kind, card.parties) == ("DISCHARGE SUMMARY", "discharge summary", ())


def test_a_document_without_parties():
    head = ("TERMS AND CONDITIONS OF SALE\n\n1. Prices. All prices are quoted in US dollars and exclude taxes.\n"
            "2. Delivery. Goods are delivered ex works unless stated otherwise on the order confirmation.")
    card = document_card("terms.md", head)
    assert card == DocumentCard("terms.md", "TERMS AND CONDITIONS OF SALE", "terms and conditions of sale", (), (),
                                ("terms",))


def test_a_paper_that_mentions_between_has_no_parties():
    head = ("Seasonal coronaviruses in a paediatric cohort\n\nAbstract. We compared infection rates between "
            "Cohort A (\"early\") and Cohort B (\"late\") from March 2017 to May 2018.")
    card = document_card("papers/1545.txt", head)
    assert (card.title, card.kind, card.parties) == ("", "", ())


def test_nothing_to_read():
    assert document_card("empty.txt", "") == DocumentCard("empty.txt", file_words=("empty",))


def test_file_words_of_a_document_inside_a_file():
    card = document_card("inbox.mbox › Re: deal › 2ThemartComInc_EX-10.10_Co-BrandingAgreement.pdf", "")
    assert card.file_words == ("2", "themart", "com", "inc", "ex", "10", "co", "branding", "agreement")


def test_parties_of_a_preamble_made_by_them_without_between():
    head = ('COOPERATION AGREEMENT\n\nThis Agreement, dated as of June 27, 2017 (this "Agreement"), is made and '
            'entered into by The Meet Group, Inc., a Delaware corporation (the "Company"), and Harvest Capital '
            'Strategies LLC (the "Investor").\n\nWHEREAS, the Investor owns shares of the Company;')
    card = document_card("cooperation.txt", head)
    assert card.parties == (Party("The Meet Group, Inc.", ("Company",)),
                            Party("Harvest Capital Strategies LLC", ("Investor",)))
    one_defined = document_card("supply.txt", 'SUPPLY AGREEMENT\n\nThis supply agreement is entered into by Acme '
                                              'Widgets Corp. ("Acme") and Globex Retail LLC.\n\n1. Supply.')
    assert [p.name for p in one_defined.parties] == ["Acme Widgets Corp.", "Globex Retail LLC."]



def test_a_letter_agreement_with_its_agent_an_and_line_and_no_regulator_as_a_party():
    letter = document_card("agency.txt", (
        'AGENCY AGREEMENT\n\nNovember ___, 2006\n\nLadies and Gentlemen:\n\nAlliance Bancorp, Inc., a federal '
        'stock holding company (the "Company"), and Alliance Bank, a savings bank (the "Bank"), hereby confirm '
        'their agreement with Sandler O\'Neill & Partners, L.P. ("Sandler O\'Neill" or the "Agent") with respect to '
        'the offer of shares registered with the U.S. Securities and Exchange Commission (the "SEC").\n\n1. Sale.'))
    assert letter.parties == (Party("Alliance Bancorp, Inc.", ("Company",)), Party("Alliance Bank", ("Bank",)),
                              Party("Sandler O'Neill & Partners, L.P.", ("Sandler O'Neill", "Agent")))
    two_blocks = document_card("maintenance.txt", (
        'GLOBAL MAINTENANCE AGREEMENT\n\nBETWEEN:\n\nAZUL LINHAS AEREAS S/A, a company incorporated under the laws'
        ' of Brazil,\n\nHereafter referred to as the "Company" or "AZUL",\n\nOn the one part,\n\nAND:\n\n'
        'AVIONS DE TRANSPORT REGIONAL, G.I.E., a French groupement, identified under Corporate and Trade Register of '
        'Toulouse number 323 932 236,\n\nHereafter referred to as the "Repairer" or "ATR",\n\non the other part.'
        '\n\nWHEREAS the Company operates aircraft.'))
    assert [p.name for p in two_blocks.parties] == ["AZUL LINHAS AEREAS S/A", "AVIONS DE TRANSPORT REGIONAL, G.I.E."]



def test_party_labels_on_one_line_each_give_a_party():
    card = document_card("transport.txt", (
        "Road Transportation Agreement   Party A (Shipper): ZTO Express Co., Ltd. Address: Building 1, Huazhi Road, "
        "Shanghai   Party B (Carrier): Tonglu Tongze Logistics Ltd. Address: 12 Floor, Yinchun South Road   Due to "
        "the need for logistics business, Party A and Party B enter into this Road Transportation Agreement."))
    assert card.parties == (Party("ZTO Express Co., Ltd.", ("Party A", "Shipper")),
                            Party("Tonglu Tongze Logistics Ltd.", ("Party B", "Carrier")))


def annual_cover(year: int, ended: str, name: str = "NORTHWIND TRADERS, INC.", symbol: str = "NWT") -> str:
    """A 10-K cover page as pypdf extracts one: the date broken over lines, the labels in brackets."""
    month_day, _, year_written = ended.rpartition(" ")
    return ("Table of Contents\nUNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\n"
            "FORM \n10-K\n \n(Mark One)\nx ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES "
            f"EXCHANGE ACT OF 1934\nFor the fiscal year ended\n \n{month_day.rstrip(',')}\n, {year_written}\nor\n"
            "o TRANSITION REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n"
            "For the transition period from __________ to __________\nCommission File Number: 1-4321\n"
            f"{name}\n(Exact name of registrant as specified in its charter)\nDelaware  41-0417775\n"
            "(State or other jurisdiction of incorporation or organization)  (I.R.S. Employer Identification No.)\n"
            "Securities registered pursuant to Section 12(b) of the Act:\nTitle of each class\nTrading Symbol(s)\n"
            f"Name of each exchange on which registered\nCommon Stock, Par Value $.01 Per Share\n{symbol}\n"
            f"New York Stock Exchange\nIndicate by check mark if the registrant is a well-known seasoned issuer.\n"
            f"Our fiscal {year} results are discussed in Item 7.\n")


def test_a_10k_cover_gives_the_company_ticker_form_and_fiscal_years():
    card = document_card("reports/annual.pdf", annual_cover(2018, "December 31, 2018"))
    assert card == DocumentCard(
        "reports/annual.pdf", "Form 10-K for the fiscal year ended December 31, 2018", "10-k",
        (Party("NORTHWIND TRADERS, INC.", ("NWT",)),), ("December 31, 2018", "FY2018", "FY2017", "FY2016"),
        ("annual",))


def test_several_years_of_one_company_each_know_their_own_year():
    years = {year: document_card(f"nw_{year}.pdf", annual_cover(year, f"May 31, {year}"))
             for year in (2019, 2020, 2021)}
    assert {year: card.dates[1] for year, card in years.items()} == {2019: "FY2019", 2020: "FY2020", 2021: "FY2021"}
    assert {card.parties[0].name for card in years.values()} == {"NORTHWIND TRADERS, INC."}
    # A 52/53-week year ending in the first days of January is the year before (fiscal 2022).
    assert document_card("jj.pdf", annual_cover(2022, "January 1, 2023")).dates[:2] == ("January 1, 2023", "FY2022")


def test_a_cover_without_the_registrant_label_and_words_broken_by_the_pdf():
    head = annual_cover(2022, "December 31, 2022", name="MGM R ESORTS I NTERNATIONAL", symbol="MGM").replace(
        "(Exact name of registrant as specified in its charter)\n", "")
    assert document_card("x.pdf", head).parties == (Party("MGM RESORTS INTERNATIONAL", ("MGM",)),)
    unlabelled = annual_cover(2022, "December 31, 2022", name="3M COMPANY\nState of Incorporation: Delaware",
                              symbol="MMM").replace("(Exact name of registrant as specified in its charter)\n", "")
    assert document_card("y.pdf", unlabelled).parties == (Party("3M COMPANY", ("MMM",)),)


def test_a_10q_cover_gives_the_quarter_and_the_fiscal_years_it_may_be_in():
    head = ("UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\nFORM 10-Q\n(Mark One)\n"
            "x QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n"
            "For the quarterly period ended July 29, 2023\nOR\no TRANSITION REPORT PURSUANT TO SECTION 13 OR 15(d)\n"
            "Commission File Number: 1-9595\nBEST BUY CO., INC.\n(Exact name of registrant as specified in its "
            "charter)\nTitle of each class Trading Symbol Name of exchange on which registered\n"
            "Common Stock, $0.10 par value per share BBY New York Stock Exchange\n")
    card = document_card("q2.pdf", head)
    assert (card.title, card.kind) == ("Form 10-Q for the quarterly period ended July 29, 2023", "10-q")
    assert card.parties == (Party("BEST BUY CO., INC.", ("BBY",)),)
    # Its fiscal year ends in 2023 or, for a year ending in January to June, 2024 (Best Buy's Q2 FY2024).
    assert card.dates == ("July 29, 2023", "FY2023", "FY2024")
    # A quarter ended in December is never a fiscal year's last (that is the 10-K): the next year's.
    december = document_card("q.pdf", head.replace("July 29, 2023", "December 31, 2022"))
    assert december.dates == ("December 31, 2022", "FY2023")


def test_a_contract_citing_a_10k_is_no_filing():
    head = ("EXHIBIT 10.2\nSUPPLY AGREEMENT\n\nThis Supply Agreement is made by and between Northwind Traders, Inc. "
            "(\"Northwind\") and Blue Heron Foods Ltd. (\"Blue Heron\"). Northwind shall deliver its annual report "
            "on Form 10-K as filed with the Securities and Exchange Commission.\n\nWHEREAS, Northwind sells tea;")
    card = document_card("supply.txt", head)
    assert (card.title, card.kind) == ("SUPPLY AGREEMENT", "supply agreement")


def test_an_annual_report_outside_the_sec_forms():
    head = ("Northwind Traders plc\nAnnual Report and Accounts 2022\nStrategic report\nOur purpose is tea.\n\n"
            "Consolidated income statement for the year ended 31 December 2022\n")
    card = document_card("nw.pdf", head)
    assert (card.title, card.kind) == ("Annual Report and Accounts 2022", "annual report")
    assert card.parties == (Party("Northwind Traders plc"),)
    assert card.dates == ("December 31, 2022", "FY2022", "FY2021", "FY2020")
    # no year-end printed: the heading's year
    assert document_card("b.pdf", "Bolt Group\n2021 Annual Report\nLetter to shareholders\n").dates == ("FY2021",)
    # a contract mentioning an annual report in its text is no report
    contract = document_card("c.txt", "SUPPLY AGREEMENT\nThis Supply Agreement is made between Acme Inc. and "
                                      "Bolt Ltd. Acme shall deliver its 2019 Annual Report to Bolt.\n")
    assert contract.kind == "supply agreement"


def test_a_cover_title_and_the_text_s_own_heading_are_both_kept():
    head = ("Xi'an Zhonghong New Energy Technology Co., Ltd.   Boxing County Chengli Gas Supply Co., Ltd.\n\n"
            "Project Cooperation Agreement   July 2013\n\n\n\n\n"
            "Cooperation Agreement   Coke Dry Quenching (CDQ) and CDQ Waste Heat Power Generation Project   "
            "Party A: Xi'an Zhonghong New Energy Technology Co., Ltd.   Party B: Boxing County Chengli Gas Supply "
            "Co., Ltd.   After friendly negotiation between two parties, Party A and Party B reached following items.\n"
            "EXHIBIT A   SUPPLY AGREEMENT\n")
    card = document_card("contracts/china_recycling.txt", head)
    assert (card.title, card.also_titled) == ("Project Cooperation Agreement", ("Cooperation Agreement",))
    assert DocumentCard.from_dict(card.as_dict()) == card
    # a heading that shares no more than the type with the title is another document's (an exhibit's)
    assert document_card("x.txt", "SUPPLY AGREEMENT\n\nSERVICES AGREEMENT\n\nThis Supply Agreement is made "
                                  "by Acme Inc. and Globex LLC.").also_titled == ()
