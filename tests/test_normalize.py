"""Text normalisation: tables of scraped or LaTeX text and the display text it must give."""

from __future__ import annotations

import unicodedata

import pytest

from generator.normalize import (
    clean_whitespace,
    display_text,
    find_arxiv_id,
    normalize_arxiv_id,
    normalize_doi,
    title_identity,
)

DISPLAY_CASES = [
    # scraping artefacts
    ("up to 10times compression", "up to 10× compression"),
    ("a 1.6-1.8times increase", "a 1.6-1.8× increase"),
    ("512times512 images", "512×512 images"),
    ("DiffFit achieves 2times training speed-up", "DiffFit achieves 2× training speed-up"),
    ("sometimes it works", "sometimes it works"),
    ("three times faster", "three times faster"),
    ("10 times faster", "10 times faster"),
    ("over 1000 timesteps", "over 1000 timesteps"),
    # LaTeX that survived scraping
    ("E$^{2}$GAN: Efficient Training", "E²GAN: Efficient Training"),
    ("x$^2$ and y$_{i}$", "x² and yᵢ"),
    ("$\\epsilon$-greedy", "ϵ-greedy"),
    # a command keeps the space after it: TeX drops it in math, a reader needs it
    ("An $O(n \\log n)$ algorithm", "An O(n log n) algorithm"),
    ("$k \\times k$ blocks", "k × k blocks"),
    ("$T(n) \\le c \\cdot n \\log n$ for all $n \\ge 1$", "T(n) ≤ c · n log n for all n ≥ 1"),
    ("$x \\in \\mathbb{R}^{d}$", "x ∈ ℝ^d"),
    ("$\\sqrt{n}$ and $\\alpha\\beta$", "√(n) and αβ"),
    # Zotero writes <sub>/<sup> as a script around a text font
    ("CO$_{\\textrm{2}}$ emissions", "CO₂ emissions"),
    ("E$^{\\textrm{2}}$GAN and x$^{\\mathrm{2}}$ and H$_{\\text{2}}$O and y$_{\\rm max}$", "E²GAN and x² and H₂O and y_(max)"),
    # prices are no formula: no space may sit inside a formula's dollars, no digit follow it
    ("Costs $5 and $10 per run", "Costs $5 and $10 per run"),
    ("from $5-$10 per hour, or $5/$6, with $k$-means", "from $5-$10 per hour, or $5/$6, with k-means"),
    ("reduces memory by 30\\%", "reduces memory by 30%"),
    ("Q\\&A and C\\# and snake\\_case", "Q&A and C# and snake_case"),
    # Unicode that must survive untouched
    ("DεpS: Delayed ε-Shrinking", "DεpS: Delayed ε-Shrinking"),
    ("Ångström résumé naïve", "Ångström résumé naïve"),
    # whitespace
    ("  padded\ttitle\n with  breaks ", "padded title with breaks"),
    ("non\u00a0breaking space", "non breaking space"),
    # invisible and reordering characters
    ("zero\u200bwidth", "zerowidth"),
    ("soft\u00adhyphen", "softhyphen"),
    ("word\u2060joiner", "wordjoiner"),
    ("\ufeffBOM at start", "BOM at start"),
    ("safe\u202eevil\u202c text", "safeevil text"),
    ("iso\u2066late\u2069d", "isolated"),
    ("rtl\u200fmark", "rtlmark"),
    ("pass\u200dword and \u200cjoin\u200d", "password and join"),
    # joiners that spell: inside a Persian word, between emoji of one family
    ("می\u200cخواهم", "می\u200cخواهم"),
    ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f468\u200d\U0001f469\u200d\U0001f467"),
    ("bell\x07and\x1bescape", "bell and escape"),
]


@pytest.mark.parametrize(("raw", "shown"), DISPLAY_CASES)
def test_display_text(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


def test_nfc() -> None:
    decomposed = "Cafe\u0301 Mu\u0308ller"
    assert unicodedata.is_normalized("NFD", decomposed) and not unicodedata.is_normalized("NFC", decomposed)
    assert clean_whitespace(decomposed) == "Café Müller"
    assert display_text(decomposed) == "Café Müller"
    assert unicodedata.is_normalized("NFC", display_text(decomposed))


@pytest.mark.parametrize("raw", [shown for _, shown in DISPLAY_CASES])
def test_display_text_is_idempotent(raw: str) -> None:
    assert display_text(display_text(raw)) == display_text(raw)


SAME_IDENTITY = [
    ("E$^{2}$GAN: Efficient Training", "E²GAN: Efficient Training"),
    ("E²GAN: Efficient Training", "E2GAN: efficient training"),
    ("E$^{\\textrm{2}}$GAN: Efficient Training", "E²GAN: Efficient Training"),
    ("Layer Normalization", "layer normalization."),
    ("Über Kompression", "Uber Kompression"),
    ("Can we learn better with hard samples?", "Can We Learn Better With Hard Samples"),
    ("Mixture-of-Experts", "Mixture of Experts"),
    ("zero\u200bwidth title", "zerowidth title"),
]


@pytest.mark.parametrize(("one", "other"), SAME_IDENTITY)
def test_same_paper_same_identity(one: str, other: str) -> None:
    assert title_identity(one) == title_identity(other)


DIFFERENT_IDENTITY = [
    ("Distilled Decoding 1", "Distilled Decoding 2"),
    ("GPT-3", "GPT-4"),
    ("Scaling Laws", "Scaling Law"),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT_IDENTITY)
def test_different_papers_different_identity(one: str, other: str) -> None:
    assert title_identity(one) != title_identity(other)


DOI_CASES = [
    ("10.1000/ABC", "10.1000/abc"),
    (" https://doi.org/10.1000/ABC ", "10.1000/abc"),
    ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
    ("doi:10.1000/abc", "10.1000/abc"),
    ("DOI:10.1000/abc", "10.1000/abc"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "doi"), DOI_CASES)
def test_normalize_doi(raw: str, doi: str) -> None:
    assert normalize_doi(raw) == doi


ARXIV_IN_TEXT = [
    ("https://arxiv.org/abs/2210.17323", "2210.17323"),
    ("https://arxiv.org/pdf/2210.17323v2.pdf", "2210.17323"),
    ("arXiv preprint arXiv:2106.09685", "2106.09685"),
    ("see arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
    ("code at https://github.com/x/y", ""),
    ("version 2210.17323 of nothing", ""),
]


@pytest.mark.parametrize(("text", "arxiv"), ARXIV_IN_TEXT)
def test_find_arxiv_id(text: str, arxiv: str) -> None:
    assert find_arxiv_id(text) == arxiv


ARXIV_IDS = [
    ("2210.17323", "2210.17323"),
    ("2210.17323v2", "2210.17323"),
    ("arXiv:2210.17323v1", "2210.17323"),
    (" 2310.06770 ", "2310.06770"),
    ("https://arxiv.org/abs/2210.17323v3", "2210.17323"),
    ("hep-th/9901001v2", "hep-th/9901001"),
    ("1501.0001", "1501.0001"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "arxiv"), ARXIV_IDS)
def test_normalize_arxiv_id(raw: str, arxiv: str) -> None:
    assert normalize_arxiv_id(raw) == arxiv


def test_lost_html_dash_entities_become_dashes() -> None:
    from generator.normalize import display_text

    assert display_text("componentsx2013such as") == "components–such as"
    assert display_text("ax2014b") == "a—b"
    assert display_text("box20134") == "box20134"  # digits after: not an entity
