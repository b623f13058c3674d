"""Answers about a filing's figures: one cell (``figures``) or a metric computed from cells
(``metrics``), with the row quoted, the unit and sign made explicit and each input cited."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ragbox.answer.citations import with_quotes
from ragbox.answer.figures import FILING_KINDS, Found, figure_question, figure_text, find_figure, row_quote
from ragbox.answer.judgements import Judgement, judged, judgement_asked
from ragbox.answer.metrics import Metric, computed, input_values, metric_asked, with_parts
from ragbox.answer.trends import Trend, trend_asked, verdict
from ragbox.types import Answer, Evidence, Hit


def asks_figure(question: str, card) -> bool:
    """Whether ``question``, about the document of ``card``, asks a figure of a filing."""
    kind = card.kind if card is not None else ""
    return kind in FILING_KINDS and (metric_asked(question) is not None or trend_asked(question) is not None
                                     or judgement_asked(question) is not None
                                     or figure_question(question, kind) is not None)


# Every SEC filing a card can be of (``ingest.filing_cards``), earnings releases and 8-Ks too.
SEC_FILINGS = (*FILING_KINDS, "8-k", "20-f", "40-f")


def unsure_in_filing(card) -> list[str]:
    """Why an answer about a filing that was not read from its statements' cells is not sure: a
    sentence of a 10-K or an 8-K that holds the question's words states some other amount, rate or
    year as often as the one asked (FinanceBench development: 1 of 4 such answers shown as sure
    was right; "How much has the effective tax rate changed?" -> "$150 million")."""
    return ["not_from_statement"] if card is not None and card.kind in SEC_FILINGS else []


def figure_answer(question: str, card, document: Sequence[Hit], hits: Sequence[Hit], k: int, model: str,
                  searched: dict) -> Answer | None:
    """The answer to a question asking a figure of a filing (None: not such a question)."""
    kind = card.kind if card is not None else ""
    judgement = judgement_asked(question) if kind in FILING_KINDS else None
    if judgement is not None:
        return _judgement_answer(question, judgement, document, hits, k, model, searched)
    trend = trend_asked(question) if kind in FILING_KINDS else None
    if trend is not None:
        return _trend_answer(question, trend, document, hits, k, model, searched)
    metric = metric_asked(question) if kind in FILING_KINDS else None
    if metric is not None:
        return _metric_answer(question, metric, document, hits, k, model, searched)
    asked = figure_question(question, kind)
    if asked is None:
        return None
    item, year = asked
    found, closest = find_figure(item, year, document, hits)
    if found is None and item.name == "gross profit":  # printed by none of Walmart, Amazon, 3M: from its parts
        return _metric_answer(question, Metric(f"gross profit FY{year}", (item,), (year,), lambda v: v[0], "{0}",
                                               "amount"), document, hits, k, model, searched)
    if found is None:
        return _not_found(question, f"no statement row of {item.name} ({', '.join(item.printed[:2])}) has a "
                                    f"FY{year} column", hits, k, model, searched)
    sources = [found.row.hit] + [h for h in hits if h.chunk_id != found.row.hit.chunk_id][:max(0, k - 1)]
    text = figure_text(found, 1, item)
    cited = [1]
    if not found.sure:
        others = [r for r in closest if r is not found.row][:2]
        numbers = [_number(sources, r.hit) for r in others]
        text = f"Unsure: {text}" + "".join(f"; closest: {row_quote(r, n)}" for r, n in zip(others, numbers))
        cited += numbers
    return _answer(question, text, sources, cited, [found], model, searched)


def _metric_answer(question: str, metric: Metric, document: Sequence[Hit], hits: Sequence[Hit], k: int,
                   model: str, searched: dict) -> Answer:
    metric = with_parts(metric, document, hits)
    inputs, value = computed(metric, document, hits)
    if value is None:
        missing = [f"{item.name} FY{year}" for item, year, found in zip(metric.items, metric.years, inputs)
                   if found is None]
        why = f"no statement row of {', '.join(missing)}" if missing else "its inputs are in different units"
        return _not_found(question, f"{metric.name} needs {why}", hits, k, model, searched)
    sources, numbers, cells = _cited(inputs, hits, k)
    shown = _shown(value, metric, inputs[0].row.unit)
    text = f"{shown} ({metric.name}: {_arithmetic(metric, inputs)} = {shown}; {cells})"
    also = [] if metric.exact else ["approximation"]
    if not all(found.sure for found in inputs) or also:
        text = f"Unsure: {text}"
    return _answer(question, text, sources, sorted(set(numbers)), inputs, model, searched, also)


def _trend_answer(question: str, trend: Trend, document: Sequence[Hit], hits: Sequence[Hit], k: int, model: str,
                  searched: dict) -> Answer:
    """"No: gross margin fell from 20.1 % in FY2022 to 19.4 % in FY2023 (FY2022: ...; FY2023: ...; cells)"."""
    trend = replace(trend, old=with_parts(trend.old, document, hits), new=with_parts(trend.new, document, hits))
    (old_inputs, old), (new_inputs, new) = (computed(m, document, hits) for m in (trend.old, trend.new))
    if old is None or new is None:
        return _metric_answer(question, trend.old if old is None else trend.new, document, hits, k, model,
                              searched)  # the same "not found" as the metric asked alone
    inputs = [found for found in old_inputs + new_inputs if found is not None]
    sources, numbers, cells = _cited(inputs, hits, k)
    name = re.sub(r" FY\d{4}$", "", trend.new.name)
    (a, b), unit = (trend.old.years[0], trend.new.years[0]), inputs[0].row.unit
    shown = [_shown(value, metric, unit) for value, metric in ((old, trend.old), (new, trend.new))]
    moved = "rose" if new > old else "fell" if new < old else "stayed"
    steps = "; ".join(f"FY{year}: {_arithmetic(metric, found)} = {value}" for year, metric, found, value in
                      ((a, trend.old, old_inputs, shown[0]), (b, trend.new, new_inputs, shown[1])))
    text = (f"{verdict(trend, old, new)}: {name} {moved} from {shown[0]} in FY{a} to {shown[1]} in FY{b} "
            f"({steps}; {cells})")
    also = [] if trend.new.exact else ["approximation"]
    if not all(found.sure for found in inputs) or also:
        text = f"Unsure: {text}"
    return _answer(question, text, sources, sorted(set(numbers)), inputs, model, searched, also)


def _judgement_answer(question: str, judgement: Judgement, document: Sequence[Hit], hits: Sequence[Hit], k: int,
                      model: str, searched: dict) -> Answer | None:
    """"Unsure: No: capital expenditure as a % of revenue FY2022: |1,749| / 34,229 = 5.1 %; ... (by a
    rule of thumb ...; cells)"; None (the general answer) when none of its metrics is computed."""
    judgement = replace(judgement, metrics=tuple(with_parts(m, document, hits) for m in judgement.metrics))
    results = [computed(metric, document, hits) for metric in judgement.metrics]
    shown = [(metric, inputs, value) for metric, (inputs, value) in zip(judgement.metrics, results)
             if value is not None]
    if not shown:
        return None
    inputs = [found for _, found_inputs, _ in shown for found in found_inputs if found is not None]
    sources, numbers, cells = _cited(inputs, hits, k)
    steps = "; ".join(f"{metric.name}: {_arithmetic(metric, found)} = {_shown(value, metric, found[0].row.unit)}"
                      for metric, found, value in shown)
    text = (f"Unsure: {judged(judgement, [value for _, value in results])}: {steps} (a rule of thumb, not the "
            f"filing's words: {judgement.rule}; {cells})")
    return _answer(question, text, sources, sorted(set(numbers)), inputs, model, searched, ["judgement"])


def _cited(inputs: Sequence[Found], hits: Sequence[Hit], k: int) -> tuple[list[Hit], list[int], str]:
    """The sources (the inputs' passages first, then the search's up to ``k``), each input's
    source number and the inputs quoted with their numbers."""
    sources: list[Hit] = []
    numbers = [_number(sources, found.row.hit) for found in inputs]
    sources += [h for h in hits if h.chunk_id not in {s.chunk_id for s in sources}][:max(0, k - len(sources))]
    quoted = {(found.row.hit.chunk_id, found.row.line, found.year): (found, n) for found, n in zip(inputs, numbers)}
    cells = ", ".join(f"{found.row.label} FY{found.year} {found.row.cells[found.year].text} [{n}]"
                      for found, n in quoted.values())  # each cell once: revenue is in a margin twice
    return sources, numbers, cells


def _arithmetic(metric: Metric, inputs: Sequence[Found]) -> str:
    values = input_values(metric, inputs)
    # "|{1}|" (a magnitude: capex printed (1,749)) is shown as the number it stands for: 1,749
    magnitudes = re.sub(r"\|\{(\d+)\}\|", lambda m: _plain(abs(values[int(m.group(1))])), metric.formula)
    return magnitudes.format(*map(_plain, values))


def _answer(question: str, text: str, sources: list[Hit], cited: list[int], inputs: list[Found], model: str,
            searched: dict, also: Sequence[str] = ()) -> Answer:
    """``also``: why the figure is not sure besides its inputs (a metric approximated by definition)."""
    first = inputs[0]
    cell = first.row.cells[first.year]
    number = next(n for n, s in enumerate(sources, start=1) if s.chunk_id == first.row.hit.chunk_id)
    reasons = list(dict.fromkeys([*(found.reason for found in inputs if found.reason), *also]))
    return with_quotes(Answer(question, text, sources, model, cited=cited, citation_method="evidence",
                              style="extracted", evidence=Evidence(number, first.row.line, cell.span, str(cell.value)),
                              searched=searched, kind="figure", confidence=0.6 if reasons else 1.0,
                              sure=not reasons, unsure_because=reasons))


def _not_found(question: str, why: str, hits: Sequence[Hit], k: int, model: str, searched: dict) -> Answer:
    where = searched.get("document") or "the indexed documents"
    return Answer(question, f"Not found in {where}: {why}.", list(hits[:k]), model, found=False, style="not found",
                  searched=searched, kind="figure")


def _shown(value: float, metric: Metric, unit: str) -> str:
    if metric.kind == "percent":
        return f"{value:.1f} %"
    if metric.kind == "days":
        return f"{value:.2f} days"
    if metric.kind == "ratio":
        return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.4f}"
    amount = f"{'-' if value < 0 else ''}${abs(value):,.0f}"
    return f"{amount} {unit[:-1]}" if unit else f"{amount} (no unit printed)"


def _plain(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _number(sources: list[Hit], hit: Hit) -> int:
    for number, source in enumerate(sources, start=1):
        if source.chunk_id == hit.chunk_id:
            return number
    sources.append(hit)
    return len(sources)
