"""`ragbox eval --answers` end to end on a small fixture: each question asked, each answer graded."""

import json

import pytest
from click.testing import CliRunner

from ragbox.answer.grading import AnswerResult, grade, summarize_answers
from ragbox.cli import main
from ragbox.types import Answer

from support import FIXTURES

# "the lease" names the one lease of the fixture: its answer says so.
LEASE_LAW = "In Residential Lease Agreement (lease_harbor.txt): Oregon [1]"


@pytest.mark.slow
def test_eval_answers_grades_every_question(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGBOX_STORE__DIR", str(tmp_path / "store"))
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["--index", "fix", "index", str(FIXTURES / "eval" / "docs")]).exit_code == 0
    answers_file = tmp_path / "answers.jsonl"
    result = runner.invoke(main, ["--index", "fix", "eval", str(FIXTURES / "eval" / "queries.jsonl"), "--answers",
                                  "--json", "--hits", str(answers_file)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["questions"], summary["labelled"], summary["answer_style"]) == (5, 4, "extract")
    rows = {row["id"]: row for row in map(json.loads, answers_file.read_text().splitlines())}
    assert rows["lease-law"]["answer"] == LEASE_LAW and rows["lease-law"]["right"]
    assert rows["lease-pets"]["answer"] == "No: “No dogs are allowed on the premises.” [1]"
    assert rows["lease-pets"]["right"]
    assert rows["bread-oven"]["answer"] == "Two hundred fifty degrees Celsius [1]" and rows["bread-oven"]["right"]
    assert not rows["unanswerable-insurance"]["found"] and rows["unanswerable-insurance"]["right"]
    assert summary["right"] == 1.0
    assert summary["abstention"] == {"unanswerable": 1, "not_found": 1, "precision": 1.0, "recall": 1.0}
    assert summary["seconds_per_answer"]["p95"] >= summary["seconds_per_answer"]["p50"] > 0
    table = runner.invoke(main, ["--index", "fix", "eval", str(FIXTURES / "eval" / "queries.jsonl"), "--answers"])
    assert "answered right" in table.output and "not found precision / recall" in table.output
    assert "sure precision / coverage" in table.output


def answer(text: str, found: bool = True, style: str = "extracted", model_text=None, supported=(), sure=False
           ) -> Answer:
    from ragbox.types import AnswerSentence

    sentences = [AnswerSentence(f"s{i}", ok, [1]) for i, ok in enumerate(supported)]
    return Answer("q", text, [], "m", found=found, style=style, model_text=model_text, sentences=sentences,
                  sure=sure)


def test_the_check_is_measured_as_a_classifier_of_the_models_answers():
    results = [
        grade("a", "Law", "Oregon", True, answer("Oregon", style="generated", supported=[True], sure=True), 1.0),
        grade("b", "Law", "Oregon", True, answer("Texas", style="generated", supported=[True], sure=True), 1.0),
        grade("c", "Law", "Oregon", True, answer("Oregon [1]", model_text="Idaho", supported=[False]), 1.0),  # caught
        grade("d", None, "No", False, answer("Not found", found=False, style="not found"), 2.0),  # abstained, right
        grade("e", None, None, True, answer("Not found", found=False, style="not found"), 3.0),  # abstained, wrong
    ]
    assert [r.right for r in results] == [True, False, True, True, None]
    summary = summarize_answers(results)
    # a and b passed the check (a right, b wrong), both shown as sure; c's model answer was caught
    assert summary["right"] == 0.75 and summary["by_category"]["Law"] == {
        "n": 3, "right": 0.6667, "sure": 2, "sure_precision": 0.5, "sure_coverage": 0.6667}
    assert summary["sure"] == {"sure": 2, "sure_precision": 0.5, "sure_coverage": 0.6667}
    # 2 model answers passed, 1 of them right; of the 2 wrong model answers, 1 was caught
    assert summary["check"] == {"answers": 3, "passed": 2, "precision": 0.5, "recall": 0.5}
    assert summary["abstention"] == {"unanswerable": 1, "not_found": 2, "precision": 0.5, "recall": 1.0}
    assert summary["seconds_per_answer"] == {"p50": 1.0, "p95": 2.8}
    assert isinstance(results[0], AnswerResult)
