"""Questions that name their document, on real indexes: the card extractor, the resolver and the
answer together (real embedding model, real catalog). The worst failure is an answer taken from
another document than the one named; every test here would show one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ragbox.cli import main
from ragbox.conversation.followups import standalone_query
from ragbox.ingest.card_index import CARDS_VERSION

PREAMBLE = """{title}

This {title_lower} (the "Agreement") is entered into as of {date} by and between {a} ("{a_short}"), and {b}
("{b_short}").

1. Services. {a_short} shall provide the services described in Exhibit A to {b_short}.

2. Payment. {b_short} shall pay all invoices within thirty (30) days of receipt.

3. Term. This Agreement shall commence on the date above and continue for {term}.

{renewal}

4. Notices. All notices shall be in writing and delivered to the addresses above.

5. Governing Law. This Agreement shall be governed by the laws of the State of {law}, without regard to its
conflict of laws principles.

{extra}

IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.
"""

RENEWAL = ("This Agreement shall renew automatically for successive {renewal} terms unless either party gives "
           "written notice of non-renewal at least ninety (90) days before the end of the then-current term.")
NON_COMPETE = ("6. Non-Competition. During the term of this Agreement, {a_short} shall not compete with {b_short} "
               "by offering similar products to any competitor of {b_short}.")

CONTRACTS = {
    "giggles_alliance.txt": dict(title="STRATEGIC ALLIANCE AGREEMENT", a="Giggles N' Hugs, Inc.", a_short="Giggles",
                                 b="Excite Media Corporation", b_short="Excite", date="March 1, 2005",
                                 law="California", term="two (2) years", renewal=None, non_compete=False),
    "acme_supply.txt": dict(title="SUPPLY AGREEMENT", a="Acme Widgets Corp.", a_short="Acme",
                            b="Globex Retail LLC", b_short="Globex", date="June 21, 1999", law="Ohio",
                            term="three (3) years", renewal="three (3) year", non_compete=True),
    "acme_license.txt": dict(title="LICENSE AGREEMENT", a="Acme Widgets Corp.", a_short="Acme",
                             b="Initech Software Inc.", b_short="Initech", date="January 5, 2010", law="Texas",
                             term="five (5) years", renewal="one (1) year", non_compete=False),
    "vandelay_distribution.txt": dict(title="DISTRIBUTION AGREEMENT", a="Vandelay Industries, Inc.",
                                      a_short="Vandelay", b="Kramerica Corp.", b_short="Kramerica",
                                      date="April 2, 2012", law="New York", term="four (4) years",
                                      renewal="two (2) year", non_compete=True),
    "vandelay_distribution_amendment.txt": dict(
        title="AMENDMENT NO. 1 TO THE DISTRIBUTION AGREEMENT", a="Vandelay Industries, Inc.", a_short="Vandelay",
        b="Kramerica Corp.", b_short="Kramerica", date="May 9, 2014", law="New York", term="six (6) years",
        renewal=None, non_compete=False),
}


def write_contract(folder: Path, name: str, c: dict) -> None:
    fields = {k: v for k, v in c.items() if k not in ("renewal", "non_compete")}
    text = PREAMBLE.format(title_lower=c["title"].lower(), **fields,
                           renewal=RENEWAL.format(renewal=c["renewal"]) if c["renewal"] else "",
                           extra=NON_COMPETE.format(**c) if c["non_compete"] else "")
    (folder / name).write_text(text)


@pytest.fixture(scope="module")
def contracts_engine(tmp_path_factory, embedder):
    from ragbox.config import load_settings
    from ragbox.engine import Engine

    root = tmp_path_factory.mktemp("named")
    folder = root / "contracts"
    folder.mkdir()
    for name, contract in CONTRACTS.items():
        write_contract(folder, name, contract)
    settings = load_settings(config_path=None, environ={}, flags={"store.dir": str(root / "store"),
                                                                   "answer.style": "extract"})
    engine = Engine(settings, embedder=embedder)
    engine.index([folder])
    yield engine
    engine.close()


def files(answer) -> list[str]:
    return [Path(d.path).name for d in answer.resolved]


def evidence_file(answer) -> str:
    return Path(answer.sources[answer.evidence.source - 1].path).name


@pytest.mark.slow
def test_cards_are_made_at_index_time_with_parties_and_their_short_names(contracts_engine):
    cards = {Path(c.path).name: c for c in contracts_engine.cards()}
    giggles = cards["giggles_alliance.txt"]
    assert giggles.title == "STRATEGIC ALLIANCE AGREEMENT"
    assert [(p.name, p.short_names) for p in giggles.parties] == [
        ("Giggles N' Hugs, Inc.", ("Giggles",)), ("Excite Media Corporation", ("Excite",))]
    assert giggles.dates == ("March 1, 2005",)


@pytest.mark.slow
def test_a_short_name_answers_from_the_named_contract_only(contracts_engine):
    answer = contracts_engine.ask("Which state's law governs the Giggles agreement?")
    assert files(answer) == ["giggles_alliance.txt"]
    assert evidence_file(answer) == "giggles_alliance.txt"
    assert answer.text == "In Strategic Alliance Agreement (giggles_alliance.txt): California [1]"
    assert {Path(h.path).name for h in answer.sources} == {"giggles_alliance.txt"}


@pytest.mark.slow
def test_the_words_that_named_the_contract_are_not_asked_of_its_sentences(contracts_engine):
    # "Excite" said which contract (a party, not in its file name); the law's sentence need not repeat it
    answer = contracts_engine.ask("Which state's law governs the Excite agreement?")
    assert files(answer) == ["giggles_alliance.txt"] and answer.text.endswith("California [1]")
    assert answer.signals["question_words"] == 1.0  # "state" alone: "Excite" is not asked of the sentence


@pytest.mark.slow
def test_a_clause_the_named_contract_lacks_is_not_found_there_never_taken_from_another(contracts_engine):
    answer = contracts_engine.ask("What is the renewal term of the Giggles strategic alliance agreement?")
    assert files(answer) == ["giggles_alliance.txt"]
    assert not answer.found
    first, elsewhere = answer.text.split("\n")
    assert first == ("Not found in Strategic Alliance Agreement (giggles_alliance.txt). Searched the whole document, "
                     "in index 'default'.")
    assert {Path(h.path).name for h in answer.sources} <= {"giggles_alliance.txt"}
    # said apart, after the "not found", never as the answer: where the folder does state a renewal term
    assert elsewhere.startswith("Not from the document named, the closest elsewhere: acme_license.txt: “")
    assert "renew automatically for successive" in elsewhere and answer.elsewhere == elsewhere
    assert not answer.found and not answer.sure and answer.evidence is None


@pytest.mark.slow
def test_a_name_that_fits_two_contracts_is_answered_for_each_and_never_sure(contracts_engine):
    answer = contracts_engine.ask("Which state's law governs the Acme agreement?")
    assert files(answer) == ["acme_license.txt", "acme_supply.txt"]  # equally named: by path
    assert answer.ambiguous and not answer.sure
    lines = answer.text.splitlines()
    assert lines[0].startswith("2 documents fit the name")
    first = len(answer.per_document[0].sources)
    assert lines[1:] == ["In License Agreement (acme_license.txt): Texas [1]",
                         f"In Supply Agreement (acme_supply.txt): Ohio [{first + 1}]"]
    assert [evidence_file(part) for part in answer.per_document] == ["acme_license.txt", "acme_supply.txt"]


@pytest.mark.slow
def test_the_title_narrows_a_party_with_two_contracts(contracts_engine):
    answer = contracts_engine.ask("Which state's law governs the Acme license agreement?")
    assert files(answer) == ["acme_license.txt"]
    assert answer.text == "In License Agreement (acme_license.txt): Texas [1]"


@pytest.mark.slow
def test_an_amendment_is_not_its_parent_agreement(contracts_engine):
    answer = contracts_engine.ask("When was the amendment to the Vandelay distribution agreement signed?")
    assert files(answer) == ["vandelay_distribution_amendment.txt"]


@pytest.mark.slow
def test_a_question_naming_two_contracts_answers_both(contracts_engine):
    answer = contracts_engine.ask("What law governs the Giggles and the Initech agreements?")
    assert sorted(files(answer)) == ["acme_license.txt", "giggles_alliance.txt"]
    assert not answer.ambiguous
    first = len(answer.per_document[0].sources)
    assert answer.text.splitlines() == [
        "In License Agreement (acme_license.txt): Texas [1]",
        f"In Strategic Alliance Agreement (giggles_alliance.txt): California [{first + 1}]"]
    by_file = {Path(d.path).name: part for d, part in zip(answer.resolved, answer.per_document)}
    assert by_file["giggles_alliance.txt"].text == "California [1]"
    assert by_file["acme_license.txt"].text == "Texas [1]"


@pytest.mark.slow
def test_a_follow_up_stays_on_the_document_named_before(contracts_engine):
    first = "Which state's law governs the Giggles agreement?"
    follow_up = "and when was it signed?"
    answer = contracts_engine.ask(follow_up, retrieval_query=standalone_query([first], follow_up))
    assert files(answer) == ["giggles_alliance.txt"]
    assert answer.text == "In Strategic Alliance Agreement (giggles_alliance.txt): March 1, 2005 [1]"


@pytest.mark.slow
def test_a_question_naming_no_document_keeps_the_folder_wide_answer(contracts_engine):
    answer = contracts_engine.ask("Which contracts are governed by the laws of the State of Texas?")
    assert answer.resolved == []
    assert not answer.text.startswith("In ")


@pytest.mark.slow
def test_documents_and_ask_json_through_the_cli(contracts_engine):
    env = {"RAGBOX_STORE__DIR": str(contracts_engine.index_dir.parent.parent), "HF_HUB_OFFLINE": "1"}
    runner = CliRunner()
    listed = runner.invoke(main, ["documents", "--json", "--where", "giggles*"], env=env)
    assert listed.exit_code == 0, listed.output
    cards = json.loads(listed.output)
    assert [Path(c["path"]).name for c in cards] == ["giggles_alliance.txt"]
    assert cards[0]["parties"][0] == {"name": "Giggles N' Hugs, Inc.", "short_names": ["Giggles"]}
    asked = runner.invoke(main, ["ask", "--json", "Which state's law governs the Giggles agreement?"], env=env)
    assert asked.exit_code == 0, asked.output
    resolved = json.loads(asked.output)["resolved_documents"]
    assert [Path(d["path"]).name for d in resolved] == ["giggles_alliance.txt"]
    assert {"words": "giggles", "field": "short name"} in resolved[0]["matched"]


NOTE = """{kind}

PATIENT: {patient}
DATE OF SERVICE: 03/14/2026

REASON FOR CONSULTATION: {reason}

ALLERGIES: {allergies}

MEDICATIONS: {medications}

ASSESSMENT AND PLAN: Follow up in two weeks.
"""


@pytest.mark.slow
def test_notes_whose_file_names_all_say_consult_are_named_by_their_other_words(make_engine, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    notes = [("0101_Knee_Injury_Consult.txt", "knee injury after a fall", "NKDA.", "Ibuprofen 400 mg."),
             ("0102_Chest_Pain_Consult.txt", "chest pain on exertion", "Penicillin causes hives.", "Aspirin."),
             ("0103_Back_Pain_Consult.txt", "low back pain", "Sulfa drugs.", "Naproxen."),
             ("0104_Headache_Consult.txt", "headache for three days", "Latex.", "Acetaminophen.")]
    for name, reason, allergies, medications in notes:
        (folder / name).write_text(NOTE.format(kind="CONSULTATION", patient="Jane Roe", reason=reason,
                                               allergies=allergies, medications=medications))
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    answer = engine.ask("What is the patient in the Chest Pain consult allergic to?")
    assert files(answer) == ["0102_Chest_Pain_Consult.txt"]
    assert evidence_file(answer) == "0102_Chest_Pain_Consult.txt"
    assert "Penicillin" in answer.text
    nothing_named = engine.ask("Which consult mentions latex?")
    assert nothing_named.resolved == []


@pytest.mark.slow
def test_cards_follow_renames_and_removals_and_an_index_from_before_cards_gets_them(make_engine, tmp_path):
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name in ("giggles_alliance.txt", "acme_supply.txt"):
        write_contract(folder, name, CONTRACTS[name])
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    stored = engine.catalog.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    assert stored == 2
    engine.catalog.db.execute("DELETE FROM cards")  # as an index written before cards existed
    engine.catalog.db.commit()
    assert sorted(Path(c.path).name for c in engine.cards()) == ["acme_supply.txt", "giggles_alliance.txt"]
    assert engine.catalog.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0  # a question never writes
    (folder / "acme_supply.txt").rename(folder / "acme_supply_2020.txt")
    (folder / "giggles_alliance.txt").unlink()
    engine.index([folder])
    assert [Path(c.path).name for c in engine.cards()] == ["acme_supply_2020.txt"]
    assert engine.catalog.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 1
    answer = engine.ask("Which state's law governs the Acme agreement?")
    assert answer.text == "In Supply Agreement (acme_supply_2020.txt): Ohio [1]"
    # cards read by another version of the card reader are made again at the next run
    engine.catalog.db.execute("UPDATE cards SET card = replace(card, 'SUPPLY AGREEMENT', 'OLD TITLE')")
    engine.catalog.set_meta("cards_version", "0")
    engine.catalog.db.commit()
    assert [c.title for c in engine.cards()] == ["SUPPLY AGREEMENT"]  # not trusted, made in memory
    engine.index([folder])
    assert engine.catalog.get_meta("cards_version") == CARDS_VERSION
    assert "OLD TITLE" not in engine.catalog.db.execute("SELECT card FROM cards").fetchone()[0]


@pytest.mark.slow
def test_a_name_no_document_goes_by_is_said_and_no_value_is_taken_from_another_document(contracts_engine):
    answer = contracts_engine.ask("Which state's law governs the Hooli agreement?")
    assert answer.resolved == [] and answer.unknown_name == "Hooli" and not answer.found and not answer.sure
    assert answer.text == ("No single document here goes by “Hooli”: name it by a party, its title or its file "
                           "(`ragbox documents` lists them), or narrow with --where.")
    assert answer.sources and answer.evidence is None  # the closest passages, none taken as the answer


@pytest.mark.slow
def test_a_party_named_only_in_the_notices_names_its_contract_and_nothing_else_does(make_engine, tmp_path):
    folder = tmp_path / "contracts"
    folder.mkdir()
    sections = "\n\n".join(f"{n}. Covenant {n}. The Company shall keep the covenant number {n} in every respect "
                           f"that the Investors reasonably require, and shall report on it each quarter. " * 3
                           for n in range(1, 16))
    (folder / "meet_cooperation.txt").write_text(
        'COOPERATION AGREEMENT\n\nThis Agreement is made by The Meet Group, Inc. (the "Company") and each of the '
        'persons set forth on the signature page hereto (each, an "Investor").\n\n' + sections +
        "\n\n16. Governing Law. This Agreement is governed by the laws of the State of Delaware.\n\n"
        "17. Notices. If to any Investor: Harvest Capital Strategies LLC, 600 Montgomery Street, San Francisco.\n")
    write_contract(folder, "giggles_alliance.txt", CONTRACTS["giggles_alliance.txt"])
    (folder / "farm_lease.txt").write_text(
        'FARM LEASE\n\nThis lease is made by Greenacre Farms LLC ("Landlord") and Oliver Wendell ("Tenant").\n\n'
        "1. Use. The Tenant shall harvest the crops in season and keep the capital improvements in repair.\n\n"
        "2. Governing Law. This lease is governed by the laws of the State of Iowa.\n")
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    answer = engine.ask("Which state's law governs the agreement with Harvest Capital Strategies?")
    assert files(answer) == ["meet_cooperation.txt"]
    assert answer.resolved[0].matched == (("harvest capital strategies", "text"),)
    assert "Delaware" in answer.text and evidence_file(answer) == "meet_cooperation.txt"
    # "harvest" as an everyday word in one lease does not make it "the Harvest agreement"
    (folder / "meet_cooperation.txt").unlink()
    engine.index([folder])
    lease = engine.ask("Which state's law governs the Harvest agreement?")
    assert lease.resolved == [] and lease.unknown_name == "Harvest" and not lease.found


@pytest.mark.slow
def test_the_parties_are_the_cards_quoted_where_the_preamble_names_them(contracts_engine):
    answer = contracts_engine.ask("Who are the parties to the Giggles agreement?")
    assert answer.text == ("In Strategic Alliance Agreement (giggles_alliance.txt): Giggles N' Hugs, Inc. (“Giggles”) "
                           f"and Excite Media Corporation (“Excite”) [{answer.evidence.source}]")
    assert answer.sure and evidence_file(answer) == "giggles_alliance.txt"
    assert answer.evidence_text.startswith("Giggles N' Hugs, Inc. (\"Giggles\"), and Excite Media Corporation")
    assert answer.evidence_text.endswith('("Excite")')


@pytest.mark.slow
def test_the_parties_of_a_folder_are_nobodys_in_particular(contracts_engine):
    # no one card's parties as the folder's (the top passage's contract); the evidence rules as before
    answer = contracts_engine.ask("Who are the parties?")
    assert answer.resolved == [] and not answer.sure and not answer.found
    assert answer.text == "Not found in the indexed documents. Searched 5 file(s) in index 'default'."


def test_a_question_about_the_agreement_naming_none_of_several_is_never_sure(contracts_engine, make_engine, tmp_path):
    """'How much notice stops the agreement renewing?' over five contracts: one contract's answer, and
    which one was meant is unknown. Over a folder of one contract the same answer may be sure."""
    question = "How much notice is needed to stop the agreement from renewing?"
    several = contracts_engine.ask(question)
    assert several.found and several.resolved == [] and not several.sure
    assert several.unsure_because == ["document_not_named"]
    folder = tmp_path / "one"
    folder.mkdir()
    write_contract(folder, "acme_supply.txt", CONTRACTS["acme_supply.txt"])
    engine = make_engine(**{"answer.style": "extract"})
    engine.index([folder])
    one = engine.ask(question)
    assert one.found and one.text.startswith("At least ninety (90) days") and one.sure
