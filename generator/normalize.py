"""Text normalisation: pure functions from scraped or LaTeX text to display text.

Readers call `display_text` on every title and abstract, and keep the original beside it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

# Zero-width and bidi-control characters: invisible, and able to reorder what a reader
# sees (the "Trojan Source" trick), so they never reach a page. Blank-looking fillers go
# too, and lone surrogates: no UTF-8 file can hold them (YAML's "\uD800" makes one). The
# zero-width (non-)joiners are spelling between two letters of a script that uses them
# (Persian "می‌خواهم", emoji sequences), so only those beside a Latin letter, a space or
# nothing go.
_INVISIBLE = re.compile(
    "[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u115f\u1160\u180e\u3164\uffa0\ud800-\udfff]"
    "|(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# "10times", "512times512", "1.6-1.8times": PDF-to-text lost the × sign. A real word
# ("sometimes") never has a digit right before "times".
_TIMES = re.compile(r"(?<=\d)times(?![a-z])")
# "componentsx2013such": an HTML entity (&#x2013;) that lost its "&#", between two words.
_LOST_DASH = re.compile(r"(?<=[a-z])x(2013|2014)(?=[a-z])")
# Inline math as Pandoc and Markdown readers find it: no space inside either dollar and no
# digit right after the closing one, so prices ("costs $5 and $10") stay prices. `\$` is a
# dollar sign, not math.
_MATH = re.compile(r"(?<!\\)\$(?!\s)([^$]{1,80}?)(?<![\s\\])\$(?!\d)")
_ESCAPED = re.compile(r"\\([%&#_$])")

_SUPERSCRIPT = dict(zip("0123456789+-=()nix", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣ"))
SUPERSCRIPTS = frozenset(_SUPERSCRIPT)  # what `math_to_unicode` can write raised
_SUBSCRIPT = dict(zip("0123456789+-=()aeioxk", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₒₓₖ"))


def clean_whitespace(text: str) -> str:
    """NFC, no invisible or control characters, single spaces, no padding. (Each step runs
    only when the text needs it: readers call this on every field of every entry.)"""
    if not text.isascii():  # NFC and the invisible characters concern non-ASCII text only
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return " ".join(text.split())  # str.split's whitespace is regex \s: the same collapse


def without_controls(text: str) -> str:
    """`text` with each control character a space, as `clean_whitespace` leaves it, but its
    lines and spacing otherwise as they are (a user's raw LaTeX: a stray form feed stops pdflatex)."""
    return _CONTROL.sub(" ", text) if _CONTROL.search(text) else text


def _scripted(body: str, table: dict[str, str], marker: str) -> str:
    if body and all(ch in table for ch in body):
        return "".join(table[ch] for ch in body)
    return f"{marker}({body})" if len(body) > 1 else f"{marker}{body}"


@lru_cache(maxsize=4096)
def _latex_macros_to_text(math: str) -> str:
    return LatexNodes2Text(math_mode="text").latex_to_text(math)


_COMMAND_THEN_SPACE = re.compile(r"\\([A-Za-z]+)(?=\s)")


@lru_cache(maxsize=1)
def _walker_context() -> Any:
    return get_default_latex_context_db()  # built anew on every call otherwise


@lru_cache(maxsize=1024)
def _takes_arguments(command: str) -> bool:
    spec = _walker_context().get_macro_spec(command)
    return spec is not None and bool(getattr(spec.args_parser, "argspec", ""))


def keep_spaces_after_commands(math: str) -> str:
    """`\\log n` → `\\log{} n`: TeX (and pylatexenc) drop the space after a command, which
    in print the math font puts back ("n log n", "k × k"); in plain text it must stay.
    Commands with an argument (`\\sqrt n`) are left alone."""
    return _COMMAND_THEN_SPACE.sub(lambda m: m[0] if _takes_arguments(m[1]) else m[0] + "{}", math)


# A script whose body is set in a text font: `_{\textrm{2}}` (Zotero's <sub>), `^{\rm max}`.
_SCRIPT_IN_FONT = re.compile(
    r"([_^])\{\s*(?:\\(?:text(?:rm|up|normal|it|bf|sf)?|math(?:rm|it|bf|sf|normal))\s*\{([^{}]*)\}|\\(?:rm|it|bf|sf)\s+([^{}]*?))\s*\}"
)


def math_to_unicode(math: str) -> str:
    """Readable plain text for a short inline formula: `^{2}` → ², `\\epsilon` → ε, and
    Zotero's `_{\\textrm{2}}` → ₂ (the font says nothing in plain text)."""
    if "\\" in math:
        math = _SCRIPT_IN_FONT.sub(lambda m: f"{m[1]}{{{m[2] if m[2] is not None else m[3]}}}", math)
    math = re.sub(r"\^\{([^{}]*)\}|\^(\w)", lambda m: _scripted(m[1] or m[2], _SUPERSCRIPT, "^"), math)
    math = re.sub(r"_\{([^{}]*)\}|_(\w)", lambda m: _scripted(m[1] or m[2], _SUBSCRIPT, "_"), math)
    if "\\" in math or "{" in math:
        math = _latex_macros_to_text(keep_spaces_after_commands(math))
    return math.replace(" ", "") if len(math) <= 3 else math


def inline_math_to_unicode(text: str) -> str:
    """Every short `$…$` formula in `text` as readable plain text (`E$^{2}$GAN` → `E²GAN`)."""
    return _MATH.sub(lambda m: math_to_unicode(m[1]), text) if "$" in text else text


def repair_text(text: str) -> str:
    """Clean whitespace and undo scraping damage (`10times`, `x2013`); no LaTeX handling,
    for text that is already decoded."""
    text = clean_whitespace(text)
    if "times" in text:
        text = _TIMES.sub("×", text)
    return _LOST_DASH.sub(lambda m: chr(int(m[1], 16)), text) if "x201" in text else text


def display_text(text: str) -> str:
    """The form shown on pages and used for matching; the caller keeps the original.
    Scraped text keeps bits of LaTeX: short `$…$` formulas and escapes such as `\\%`."""
    text = inline_math_to_unicode(repair_text(text))
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


@lru_cache(maxsize=1 << 16)  # merging, keys and curation each ask for the same titles
def title_identity(title: str) -> str:
    """The key two titles must share to be the same paper: case, accents, punctuation
    and superscripts (E²GAN = E2GAN) do not count."""
    folded = unicodedata.normalize("NFKD", display_text(title).casefold())
    if not folded.isascii():
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", folded))


_ARXIV_ID = re.compile(r"(?:arxiv[:/ ]\s*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})", re.I)


def find_arxiv_id(text: str) -> str:
    """The arXiv identifier mentioned in a URL, `eprint` or journal field, if any."""
    match = _ARXIV_ID.search(text)
    return match[1] if match else ""


_BARE_ARXIV_ID = re.compile(r"^(?:arxiv:\s*)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.I)


def normalize_arxiv_id(text: str) -> str:
    """`arXiv:2210.17323v2`, `2210.17323` or an arxiv.org URL → `2210.17323`: without the
    version, so that two versions of one preprint are one paper. '' when `text` names none."""
    text = text.strip()
    match = _BARE_ARXIV_ID.match(text)
    return match[1] if match else find_arxiv_id(text)


def normalize_doi(doi: str) -> str:
    doi = doi.strip()
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    return doi.lower()
