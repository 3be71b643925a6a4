"""Summaries over many papers: the parallel path gives exactly what the serial one gives."""

from __future__ import annotations

import pytest

from eval.evaluate import sample_papers
from generator import summaries


def test_parallel_summaries_equal_serial_ones_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    _, papers = sample_papers()
    serial = [summaries.summarize(paper) for paper in papers]
    monkeypatch.setattr(summaries, "PARALLEL_FROM", 1)
    monkeypatch.setattr(summaries.os, "cpu_count", lambda: 2)
    assert summaries.summarize_all(papers) == serial
    assert any(summary.tldr for summary in serial)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Furthermore, we introduce a delta that decides how many batches count.", "We introduce a delta that decides how many batches count."),
        ("In this paper, we propose GPTQ, a one-shot quantizer.", "We propose GPTQ, a one-shot quantizer."),
        ("Finally we show it works.", "Finally we show it works."),  # no comma: part of the sentence
    ],
)
def test_a_tldr_drops_the_connective_that_opened_its_sentence(sentence: str, expected: str) -> None:
    assert summaries.trim(sentence) == expected
