"""Document cards read from a document's opening text (ragbox.ingest.cards), on preambles written
for these tests in the ways real contracts and clinical notes are written."""

from ragbox.ingest.cards import document_card
from ragbox.types import DocumentCard, Party


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
