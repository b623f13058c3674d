"""The language of filings: statement synonyms, fiscal years, and documents named by file name."""

from ragbox.search.filings import fiscal_years, synonyms
from ragbox.search.naming import named_documents
from ragbox.search.query import fts_query

REPORTS = [(name, f"/reports/{name}") for name in (
    "3M_2018_10K.pdf", "3M_2022_10K.pdf", "AMERICANEXPRESS_2022_10K.pdf", "JPMORGAN_2021Q1_10Q.pdf",
    "JPMORGAN_2023Q2_10Q.pdf", "BESTBUY_2019_10K.pdf", "BESTBUY_2024Q2_10Q.pdf", "PEPSICO_2022_10K.pdf")]


def test_line_items_are_searched_by_their_statement_names_too():
    found = synonyms("What is the FY2018 capital expenditure amount (in USD millions) for 3M?")
    assert "purchases of property plant and equipment" in found and "capex" in found
    assert "net sales" in synonyms("Revenue growth from FY2019 to FY2020")
    assert "statement of operations" in synonyms("using the income statement")
    assert "pp&e" in synonyms("Did Pfizer grow its PPNE between FY20 and FY21?")
    assert synonyms("What is the notice period of the lease?") == []


def test_synonyms_reach_the_keyword_query():
    query = fts_query("FY2018 capex")
    assert '"purchases of property plant and equipment"' in query and '"2018"' in query


def test_fiscal_years_are_written_as_years():
    assert fiscal_years("Did Pfizer grow its PPNE between FY20 and FY21?") == ["2020", "2021"]
    assert fiscal_years("fiscal 2019 against fiscal year 2018, Q2'2023 and FY 2024") == ["2019", "2018", "2023", "2024"]
    assert fiscal_years("cash in 2022") == [] and fiscal_years("cash in 2022", plain=True) == ["2022"]
    assert fiscal_years("Where is Q130 located?") == [] and fiscal_years("within 30 days", plain=True) == []
    assert fiscal_years("Q2 of FY2024 and 2023Q4") == ["2024", "2023"]


def test_a_question_naming_a_company_searches_its_report_of_the_latest_year_named():
    def named(query):
        found = named_documents(query, REPORTS)
        return sorted(found) if found is not None else None

    assert named("What is the FY2018 capital expenditure amount for 3M?") == ["3M_2018_10K.pdf"]
    assert named("Is 3M a capital-intensive business?") == ["3M_2018_10K.pdf", "3M_2022_10K.pdf"]
    assert named("What drove the FY2021 - FY2022 growth of 3M?") == ["3M_2022_10K.pdf"]
    assert named("Which debt securities does American Express list as of 2022?") == ["AMERICANEXPRESS_2022_10K.pdf"]
    assert named("Which of JPM's segments had the lowest revenue in 2021 Q1?") == ["JPMORGAN_2021Q1_10Q.pdf"]
    assert named("Was there any drop in cash between FY 2023 and Q2 of FY2024 at Best Buy?") == [
        "BESTBUY_2024Q2_10Q.pdf"]
    assert named("what is 3m's revenue?") is None  # not written as a name
    # A sentence's first word names a file as users type it ("3M capex 2018"), unless an everyday word.
    assert named("Pepsico capex FY2022") == ["PEPSICO_2022_10K.pdf"]
    assert named("Best Buy inventories 2019") == ["BESTBUY_2019_10K.pdf"]
    assert named("3M capex 2018") == ["3M_2018_10K.pdf"]
    assert named("What capex? Show the Pepsico figures.") == ["PEPSICO_2022_10K.pdf"]
    assert named("What is capex? Show it.") is None
    assert named("What are the geographies of Contoso?") is None


def test_descriptive_or_shared_file_names_name_nothing():
    notes = [(n, f"/notes/{n}") for n in ("0001_Allergic_Rhinitis.txt", "0002_Hypertension_Consult.txt")]
    assert named_documents("Follow-up of Hypertension and Allergic Rhinitis", notes) is None
    reports = [(n, f"/r/{n}") for n in ("Acme_2021.pdf", "Acme_2022.pdf", "Acme_2023.pdf", "Bolt_2023.pdf")]
    assert named_documents("What did Acme earn in 2022?", reports) is None  # three of four files say Acme
    assert named_documents("What did Bolt earn in 2022?", reports) == {"Bolt_2023.pdf"}
