"""The home page's SVG bar charts: well-formed, inert, and labels cut at a word."""

from __future__ import annotations

from xml.etree import ElementTree

from generator.charts import LABEL_CHARACTERS, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def labels(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [text.text or "" for text in root.iter(f"{SVG}text") if text.get("text-anchor") == "end"]


def test_a_chart_is_well_formed_svg_with_text_not_markup() -> None:
    svg = bar_chart([("<script>alert(1)</script> & co", 3), ("Quantization", 0)], 'Papers "per" topic')
    assert labels(svg) == ["<script>alert(1)</script> & co", "Quantization"]
    assert "<script>" not in svg


def test_a_long_label_ends_at_a_word_and_a_short_one_is_whole() -> None:
    topic = "Data selection, pruning and dataset distillation"
    long = "Continual, few-shot and transfer learning across many tasks and domains"
    shown = labels(bar_chart([(topic, 5), (long, 2)], "Topics"))
    assert shown[0] == topic
    assert shown[1].endswith("…") and len(shown[1]) <= LABEL_CHARACTERS and long.startswith(shown[1][:-1])
    assert shown[1][:-1] in {long[:i] for i in range(len(long)) if long[i] == " "}
