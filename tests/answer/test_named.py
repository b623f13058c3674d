"""When a folder-wide answer may be sure (ragbox.answer.named); the engine's path is tested on a
real index in tests/test_named_documents.py."""

import pytest

from ragbox.answer.named import unnamed_document_answer
from ragbox.types import Answer


def answer(files: int) -> Answer:
    return Answer("q", "March 31, 2011 [1]", [], "none", found=True, sure=True, searched={"files": files})


@pytest.mark.parametrize("question", ["When does the [] agreement expire?",
                                      "What is the governing law of this contract?",
                                      "How much notice stops the supply agreement from renewing?"])
def test_a_question_about_one_document_naming_none_of_several_is_not_sure(question):
    unsure = unnamed_document_answer(answer(40), question)
    assert not unsure.sure and unsure.unsure_because == ["document_not_named"]
    assert unnamed_document_answer(answer(1), question).sure  # a folder of one document: that one


def test_a_question_about_the_folder_keeps_its_sure_answer():
    assert unnamed_document_answer(answer(40), "Which contracts are governed by Texas law?").sure
