"""The reasons a found answer is not shown as sure: plain data for the answer stage, the shared
``types.Answer`` and the interfaces."""

# Why a found answer is not shown as sure: the stable code (``Answer.unsure_because``, ``--json``)
# and what the unsure line says (checks in ragbox/answer/sureness.py).
UNSURE_REASONS = {
    "low_confidence": "the evidence matches the question only weakly",
    "topic_not_sure": "answers to this kind of question are not right often enough to be shown as sure",
    "value_not_written": "the value is worked out from the sentence, not written in it",
    "other_role": "the sentence's date is not stated as the date asked for",
    "another_documents_date": "the date is that of another document the sentence names",
    "not_a_date": "the sentence gives a period, not the date asked for",
    "not_in_opening": "the date is not in the document's opening, where a contract states its own date",
    "not_the_documents_end": "the sentence ends something else than the document (a schedule, a period of service)",
    "renewal_not_automatic": "the renewal sentence does not say the contract renews by itself",
    "close_second": "another sentence states a different value almost as strongly",
    "few_question_words": "the sentence holds few of the question's words",
    "documents_disagree": "two documents state different values",
    "document_states_two": "the document states another value of itself too",
    "model_differs": "the model's value differs from the one in the evidence",
    "ambiguous_name": "the name in the question fits several documents",
    "document_not_named": "the question asks of one document but names none of the several searched",
    "parties_not_named": "the sentence does not name the parties the way a contract's opening does",
    "some_parties_missing": "the opening names fewer parties than the document's card has",
    "row_not_exact": "the row's label is not the line item asked for as statements print it",
    "other_statement": "the row is not in the statement the line item belongs to",
    "period_not_exact": "the row has fewer cells than periods: its column is a guess",
    "unit_not_stated": "no unit is printed above the row",
    "approximation": "the figure is computed by a formula that leaves out lines some filings print apart",
    "not_from_statement": "the figure is read from a sentence, not from a cell of the filing's statements",
    "sum_of_parts": "the figure is the sum of the parts printed under the item, no cell holds it",
    "judgement": "a verdict by a rule of thumb on the filing's figures, not the filing's words",
}
