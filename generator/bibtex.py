"""BibTeX export: one entry per paper, written with bibtexparser 2, escaped here.

bibtexparser 2 writes field values exactly as given, so every value is made safe before it
reaches the writer. The policy, so that `pdflatex` + `bibtex` run clean with `plain` and
`plainnat` (see tests/test_latex.py, which checks it on real TeX):

- **Text** (title, author, note, …) is cleaned (NFC; control, zero-width and bidi characters
  dropped; whitespace collapsed to single spaces, so a value never spans lines) and then
  encoded character by character:
  - LaTeX specials become commands: `\\& \\% \\$ \\# \\_`, `{\\textbackslash}`,
    `{\\textasciicircum}`, `{\\textasciitilde}`, `{\\textbraceleft}`/`{\\textbraceright}`
    (never `\\{`: BibTeX counts that brace, LaTeX does not, and the two disagree on where
    the value ends), `{\\textless}`, `{\\textgreater}`, `{\\textbar}` (OT1 has no glyphs
    for `< > |`).
  - Other non-ASCII characters go through pylatexenc's `unicode_to_latex`, and its answer
    is kept only when every command in it is one this module has seen compile under
    pdflatex's default OT1 encoding with no package (`_TEXT_MACROS`, `_MATH_MACROS`; math
    ones only inside `\\ensuremath{…}`). That rules out T1-only letters (`\\dh`, `\\k`)
    and amssymb symbols. A few characters get a hand-picked form (`×` → `\\ensuremath{\\times}`,
    `²` → `\\textsuperscript{2}`, dashes and curly quotes → TeX's ligatures `--`, `---`,
    `` ` ``, ``` `` ```, `''`, but `’` → `{\\textquoteright}`: a lone `'` is an apostrophe).
    A letter with stacked accents becomes nested accent commands (Vietnamese `ễ` →
    `{\\~{\\^{e}}}`). What is still unmapped is reduced to its ASCII letters (NFKD: `ą` →
    `a`, `ﬁ` → `fi`), or else kept as UTF-8 (Chinese, emoji) and reported: such an entry
    needs XeLaTeX, LuaLaTeX or a CJK package, but its text is never lost. Everything else
    is ASCII.
  - TeX must not form a ligature nobody wrote: where two encoded characters meet as `-` `-`,
    `'` `'`, `` ` `` `` ` `` or `!`/`?` `` ` ``, an empty group parts them (`--` → `-{}-`,
    `–-` → `--{}-`), and a backquote is `{\\textasciigrave}` (TeX prints `` ` `` as ‘). So
    dashes and quotes read back as written through generator/readers/bibtex.py, which
    decodes ligatures as TeX does.
  - Every command is wrapped in braces (`{\\'e}`): a BibTeX "special character", which
    styles treat as one letter and whose command name they never change case.
- **Titles** additionally brace every word styles must not lowercase: two capitals or a
  capital after the first letter (`GPTQ`, `LoRA`, `iPhone`), letters mixed with digits
  (`FP8`, `3D`, `E²GAN`), and single capital letters other than `A`.
- **URLs and DOIs** are verbatim fields (plainnat prints them with `\\url`/`\\doi`, which need
  the `url` or `hyperref` package, as plainnat's documentation says): they stay raw except
  for characters that are not legal in a URI or that would unbalance BibTeX braces, which
  are percent-encoded.
- **Generated entries** are `@misc` (no required fields, so no style warns about a missing
  journal or booktitle): title, author (or, without authors, a `key` field to sort by, and
  the organisation as `note`), `howpublished` for a venue, year (`n.d.` when unknown:
  plainnat warns "empty year" otherwise), month as the bare macro `jan`…`dec`, doi, url,
  and `eprint` + `archiveprefix` for arXiv papers. A list of authors that the listing
  only counted in part ends in `and others`.
- **A user's own entry** (read from their BibTeX) is written back as they wrote it: their
  entry type and their undecoded, macro-resolved values, under `paper.key`; only raw
  non-ASCII characters in them are written as LaTeX (pdflatex cannot read `ε`), parted
  from a neighbouring dash or quote as above. A value that is not brace-balanced (for
  BibTeX, which counts `\\{`, and for LaTeX, which does not), ends in a lone backslash or
  starts a line with `@`, or (outside verbatim fields such as `url` and `doi`) holds what
  pdflatex rejects in text (a raw `& # %`, `_`/`^` outside math or `\\url{…}`, an unclosed `$`) falls
  back to the escaped decoded text: one user's typo must not break the whole downloadable
  file. Reference managers' bookkeeping (`PRIVATE_FIELDS`: local attachment paths, private
  notes such as `annote`/`annotation`/`comment`, Mendeley's `mendeley-*` folders and tags)
  and fields whose name is no BibTeX name (the reader reports them) are dropped. A name
  list with names in biblatex's extended format (`family=Berg, given=Jan, prefix=van der`,
  which Better BibLaTeX writes and BibTeX rejects: "Too many commas in name") has those names
  written in BibTeX's form (`van der Berg, Jan`), which biber reads too; a `key` field is added when the
  entry has no author, editor or key, so that BibTeX can sort it, `journal` when only a
  biblatex `journaltitle` gave it, and `year` (and `month`) when only a biblatex `date` did.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat
from pylatexenc.latexencode import unicode_to_latex

from generator.keys import STOPWORDS
from generator.links import is_about_the_paper
from generator.models import Paper, Problem, Severity
from generator.normalize import clean_whitespace, without_controls
from generator.readers.bibtex import LINK_FIELDS, extended_name_parts, is_field_name, latex_to_text, split_authors, unsafe_tex
from generator.text import proper_names

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Fields of a user's entry that are never published: reference managers' bookkeeping, which
# holds local paths (Zotero's and JabRef's `file`, BibDesk's `bdsk-file-1`, which encodes
# one), the user's name (JabRef's `owner`), private notes (`annote`, biblatex's
# `annotation` that Better BibTeX writes, JabRef's `comment` and per-user `comment-jdoe`),
# Mendeley's folders and tags (`mendeley-groups`, `mendeley-tags`) and reading state.
# `note` is public: styles print it.
PRIVATE_FIELDS = frozenset(
    {
        "file",
        "local-url",
        "owner",
        "timestamp",
        "annote",
        "annotation",
        "comment",
        "groups",
        "readstatus",
        "priority",
        "ranking",
        "relevance",
        "qualityassured",
        "printed",
        "date-added",
        "date-modified",
    }
)
PRIVATE_PREFIXES = ("bdsk-file-", "mendeley-", "comment-")
# Fields styles print verbatim (with \url, \doi) or not at all: raw `_ % # &` belong there.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "pdf", "isbn", "issn", "urldate", "date", "eprinttype", "archiveprefix", "primaryclass"})

_SPECIALS = {
    "\\": "{\\textbackslash}",
    "{": "{\\textbraceleft}",
    "}": "{\\textbraceright}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "^": "{\\textasciicircum}",
    "~": "{\\textasciitilde}",
    "<": "{\\textless}",
    ">": "{\\textgreater}",
    "|": "{\\textbar}",
    # TeX prints a backquote as ‘ (and our reader reads it so); the kernel's TS1 grave is
    # the only form that shows, and reads back as, a backquote.
    "`": "{\\textasciigrave}",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni"))
# Hand-picked forms: plainer than pylatexenc's (ASCII dashes and quotes sort and purify
# well in BibTeX) or free of textcomp symbols that minimal TeX installs render as bitmaps.
# `’` is a command: a lone `'` reads back as an apostrophe.
_PREFERRED = {
    "×": "\\ensuremath{\\times}",
    "÷": "\\ensuremath{\\div}",
    "·": "\\ensuremath{\\cdot}",
    "°": "\\ensuremath{^\\circ}",
    "µ": "\\ensuremath{\\mu}",
    "→": "\\ensuremath{\\rightarrow}",
    "←": "\\ensuremath{\\leftarrow}",
    "↑": "\\ensuremath{\\uparrow}",
    "↓": "\\ensuremath{\\downarrow}",
    "–": "--",
    "—": "---",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "‘": "`",
    "’": "\\textquoteright",
    "‚": ",",
    "“": "``",
    "”": "''",
    "„": ",,",
    "«": "``",
    "»": "''",
    "‹": "`",
    "›": "'",
    "ð": "d",
    "Ð": "D",
    "đ": "d",
    "Đ": "D",
    "þ": "th",
    "Þ": "Th",
    "ŋ": "ng",
    "Ŋ": "Ng",
} | {sup: f"\\textsuperscript{{{digit}}}" for sup, digit in _SUPERSCRIPTS.items()}

# Commands that compiled with pdflatex (TeX Live 2022, default OT1 encoding, no package)
# with no error or warning, measured one by one over pylatexenc's table for U+00A0–U+024F,
# Greek, Latin Extended Additional, U+2000–U+22FF and enclosed alphanumerics.
_TEXT_MACROS = frozenset(
    re.findall(
        r"\S+",
        """
    " ' , - . ; = ^ ` ~ AE ae b c d enskip H hspace i IJ ij L l nolinebreak O o OE oe quad r ss u v
    textasciiacute textasciidieresis textasciimacron textasteriskcentered textbrokenbar textbullet
    textcelsius textcent textcircledP textcolonmonetary textcompwordmark textcopyright textcurrency
    textdagger textdaggerdbl textdegree textdiscount textdiv textdong textdownarrow textellipsis
    textemdash textendash textestimated texteuro textexclamdown textflorin textfractionsolidus
    textinterrobang textleftarrow textlira textlnot textmho textmu textnaira textnumero textonehalf
    textonequarter textonesuperior textordfeminine textordmasculine textparagraph textperiodcentered
    textpertenthousand textperthousand textpeso textquestiondown textquotedblleft textquotedblright
    textquoteleft textquoteright textrecipe textreferencemark textregistered textrightarrow textsc
    textsection textservicemark textsterling textthreequarters textthreesuperior texttimes
    texttrademark texttwosuperior textuparrow textwon textyen
        """,
    )
)
_MATH_MACROS = frozenset(
    re.findall(
        r"\S+",
        """
    ! , ; aleph alpha angle approx asymp beta bigcap bigcup bigvee bigwedge bowtie bullet cap cdot
    cdots chi circ cong coprod cup dashv ddot ddots Delta delta diamond doteq Downarrow ell epsilon
    equiv eta exists forall Gamma gamma geq gg hbar hookleftarrow hookrightarrow in infty int iota
    kappa kern Lambda lambda Leftarrow leftharpoondown leftharpoonup Leftrightarrow leftrightarrow leq
    ll mapsto mathbin mid mp mu nabla nearrow neq ni not notin nu nwarrow odot oint Omega omega ominus
    oplus oslash otimes parallel partial perp Phi phi Pi pi pm prec preceq prod propto Psi psi rho
    Rightarrow rightharpoondown rightharpoonup rightleftharpoons searrow Sigma sigma sim simeq sqcap
    sqcup sqrt sqsubseteq sqsupseteq star subset subseteq succ succeq sum supset supseteq swarrow tau
    Theta theta times top Uparrow Updownarrow updownarrow uplus upsilon varepsilon varphi varpi
    varrho varsigma vartheta vdash vdots vee Vert wedge wp wr Xi xi zeta
        """,
    )
)
_NON_ASCII = re.compile(r"([^\x00-\x7f])")
_MACRO = re.compile(r"\\([A-Za-z]+|.)")
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
_WORD = re.compile(r"[^\W_]+")  # letters and digits, any script (², ε included)
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.+/-]")
_ARXIV_SAFE = re.compile(r"^[A-Za-z0-9./-]+$")


# --- files and entries -------------------------------------------------------------------


def bibtex_file(papers: list[Paper]) -> str:
    """A whole .bib file: entries in the given order, a blank line between them."""
    keys = [citation_key(paper).lower() for paper in papers]
    if len(set(keys)) != len(keys):
        duplicate = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"citation key {duplicate!r} is used by more than one paper")
    if not papers:
        return ""
    library = Library([paper_entry(paper) for paper in papers])
    return bibtexparser.write_string(library, unparse_stack=[], bibtex_format=_FORMAT)


def join_entries(entries: Iterable[str]) -> str:
    """A .bib file from entries made by `bibtex_entry`: the same text `bibtex_file` gives,
    without formatting each entry again (pages and files share one rendering)."""
    return "".join(entry_parts(entries))


def entry_parts(entries: Iterable[str]) -> Iterator[str]:
    """`join_entries`, an entry (and the line break before it) at a time."""
    for index, entry in enumerate(entries):
        yield ("\n" if index else "") + entry


def bibtex_entry(paper: Paper) -> str:
    """One entry, as shown on the site for copying."""
    return bibtex_file([paper])


def _format() -> BibtexFormat:
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"  # each entry already ends in a newline: one blank line
    return fmt


_FORMAT = _format()


def paper_entry(paper: Paper) -> Entry:
    if _is_users_entry(paper):
        return Entry(paper.bibtex_type, citation_key(paper), user_fields(paper))
    return Entry("misc", citation_key(paper), generated_fields(paper))


def citation_key(paper: Paper) -> str:
    """`paper.key`, which keys.py makes BibTeX-safe; anything else is replaced rather than
    allowed to break the entry (a key cannot be escaped)."""
    return _KEY_UNSAFE.sub("-", paper.key) or "paper"


def _braced(value: str) -> str:
    return "{" + value + "}"


# --- a user's own entry --------------------------------------------------------------------


def user_fields(paper: Paper) -> list[Field]:
    # The reader keeps only proper field names (and reports the rest); checked again here,
    # as one bad name breaks the whole file for BibTeX.
    fields = [
        _user_field(name, _classic_names(name, value))
        for name, value in _with_key_aliases(paper)
        if is_published(name) and is_field_name(name) and not (name in LINK_FIELDS and unsafe_tex(name, value))
    ]
    names = {name for name, _ in paper.bibtex_fields}
    # Additions BibTeX needs and the entry lacks: a sort key, the journal of a biblatex
    # `journaltitle`, and the year (and month) a biblatex `date` gave, which BibTeX styles
    # do not read.
    if not names & {"author", "editor", "key"}:
        fields.append(Field("key", _braced(sort_key(paper))))
    if "journal" not in names and (journaltitle := dict(paper.bibtex_fields).get("journaltitle")):
        fields.append(_user_field("journal", journaltitle))
    if "year" not in names and paper.year:
        fields.append(Field("year", _braced(str(paper.year))))
        if "month" not in names and paper.month and 1 <= paper.month <= 12:
            fields.append(Field("month", MONTH_MACROS[paper.month - 1]))
    return fields


def _with_key_aliases(paper: Paper) -> list[tuple[str, str]]:
    """The entry's fields with `paper.key_aliases` added to its biblatex `ids` (made if need
    be): a citation of any key there resolves to this entry."""
    fields = list(paper.bibtex_fields)
    if not paper.key_aliases:
        return fields
    aliases = ", ".join(paper.key_aliases)
    where = next((index for index, (name, _) in enumerate(fields) if name == "ids"), None)
    if where is None:
        return [*fields, ("ids", aliases)]
    fields[where] = ("ids", f"{fields[where][1]}, {aliases}")
    return fields


# biblatex's name lists: Better BibLaTeX may write any of them in the extended name format.
NAME_FIELDS = frozenset({"author", "editor", "bookauthor", "translator", "annotator", "commentator", "editora", "editorb", "editorc", "holder"})


def _classic_names(field: str, value: str) -> str:
    """A name list as written, unless it has names in biblatex's extended format (`family=Berg,
    given=Jan, prefix=van der`), which BibTeX reads as one name with "too many commas": then
    every such name in BibTeX's own form (`van der Berg, Jan`), which biber reads too."""
    if field not in NAME_FIELDS or "=" not in value:
        return value
    names = split_authors(value)
    parts = [extended_name_parts(name) for name in names]
    if not any(parts):
        return value
    return " and ".join(classic_name(part) if part else name.strip() for name, part in zip(names, parts))


def classic_name(parts: NameParts) -> str:
    """`von Last, Jr, First`, each part braced if it has a comma of its own."""
    von_last = " ".join([*parts.von, *parts.last])
    pieces = [" ".join(words) for words in (parts.jr, parts.first)]
    return ", ".join(_braced(piece) if "," in piece else piece for piece in (von_last, *pieces) if piece)


def is_published(name: str) -> bool:
    return name.lower() not in PRIVATE_FIELDS and not name.lower().startswith(PRIVATE_PREFIXES)


def _user_field(name: str, value: str) -> Field:
    value = without_controls(value)
    if name == "month" and value.strip().lower() in MONTH_MACROS:
        return Field(name, value.strip().lower())  # the macro, as the user most likely wrote it
    if is_safe_value(value) and not unsafe_tex(name, value) and (name in VERBATIM_FIELDS or is_valid_text_latex(value)):
        return Field(name, _braced(encode_non_ascii(value)))
    # Not safe to write as is: the decoded text, escaped, is the best that can be said safely.
    decoded = latex_to_text(value)
    return Field(name, _braced(latex_title(decoded) if name == "title" else latex_text(decoded)))


def encode_non_ascii(value: str) -> str:
    """A user's raw LaTeX with only its non-ASCII characters encoded (`-–` → `-{}--`)."""
    pieces = _NON_ASCII.split(value)  # ASCII runs at even indices, one character at odd ones
    return join_encoded(latex_char(piece) if index % 2 else piece for index, piece in enumerate(pieces))


def is_safe_value(value: str) -> bool:
    """True when a raw LaTeX value can be written between braces without ending the entry
    early for BibTeX, bibtexparser or LaTeX."""
    if re.search(r"(?<!\\)(\\\\)*\\$", value) or re.search(r"^\s*@", value, flags=re.M):
        return False
    return _balanced(value, escapes_count=True) and _balanced(value, escapes_count=False)


def is_valid_text_latex(value: str) -> bool:
    """False for what pdflatex rejects in running text: a raw `&` or `#`, `_` or `^` outside
    math, an unclosed `$`; and for `%`, which would silently drop the rest of a .bbl line.
    The argument of `\\url{…}` is verbatim (url.sty reads it so): anything goes there."""
    math = False
    index = 0
    # Only these characters change anything: the regex skips the text between them.
    while found := _TEXT_LATEX_ACTIVE.search(value, index):
        index = found.start()
        char = found[0]
        if char == "\\" and (url := _URL_ARGUMENT.match(value, index)):
            index = url.end()
            continue
        if char == "\\":
            following = value[index + 1 : index + 2]
            math = {"(": True, ")": False, "[": True, "]": False}.get(following, math)
            index += 2  # an escaped character, or the first letter of a command
            continue
        if char == "$":
            math = not math
        elif char in "&#%" or (char in "_^" and not math):
            return False
        index += 1
    return not math


_URL_ARGUMENT = re.compile(r"\\url\{[^{}\\\s]*\}")
_TEXT_LATEX_ACTIVE = re.compile(r"[\\$&#%_^]")
_BRACE = re.compile(r"[{}]")
_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.S)  # `\{`, `\}` and `\\` are not braces for LaTeX


def _balanced(value: str, escapes_count: bool) -> bool:
    if "{" not in value and "}" not in value:
        return True
    depth = 0
    for token in (_BRACE if escapes_count else _BRACE_OR_ESCAPE).findall(value):
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0


# --- an entry made from what the listings say ------------------------------------------------


def generated_fields(paper: Paper) -> list[Field]:
    fields = [Field("title", _braced(latex_title(paper.title, proper_names(paper.abstract))))]
    if paper.authors:
        fields.append(Field("author", _braced(author_list(paper))))
    else:
        fields.append(Field("key", _braced(sort_key(paper))))  # BibTeX sorts by it
    if paper.venue:
        fields.append(Field("howpublished", _braced(latex_text(paper.venue))))
    # plainnat warns "empty year" for every entry without one; "n.d." (no date) is the
    # usual way to say it, and it is what author-year labels then show.
    fields.append(Field("year", _braced(str(paper.year) if paper.year else "n.d.")))
    if paper.year and paper.month and 1 <= paper.month <= 12:
        fields.append(Field("month", MONTH_MACROS[paper.month - 1]))
    if paper.doi:
        fields.append(Field("doi", _braced(url_value(paper.doi))))
    if url := _main_url(paper):
        fields.append(Field("url", _braced(url_value(url))))
    if paper.arxiv_id and _ARXIV_SAFE.match(paper.arxiv_id):
        fields.append(Field("eprint", _braced(paper.arxiv_id)))
        fields.append(Field("archiveprefix", "{arXiv}"))
    if not paper.authors and paper.organization:
        fields.append(Field("note", _braced(latex_text(paper.organization))))
    return fields


def _main_url(paper: Paper) -> str:
    """The paper's own page for `url`: its first link that is not code or a talk, else its arXiv page."""
    if own := next((url for url in paper.urls if is_about_the_paper(url)), ""):
        return own
    return f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else ""


def author_list(paper: Paper) -> str:
    names = [bibtex_name(name) for name in paper.authors if clean_whitespace(name)]
    if paper.author_count and paper.author_count > len(names):
        names.append("others")  # the listing named only some: styles print "et al."
    return " and ".join(names)


def bibtex_name(name: str) -> str:
    """A display name ("Ada Lovelace") as a BibTeX name. A comma would make BibTeX read
    "Last, First", a word "and" would split the name in two and "others" means "et al.",
    so such names are braced whole (BibTeX then treats them as one corporate name). So are
    names with a bracket: natbib puts names in `\bibitem[…]`, which a bare `]` would end."""
    text = latex_text(name)
    if "," in text or "[" in text or "]" in text or re.search(r"\band\b", text, flags=re.I) or text.lower() == "others":
        return _braced(text)
    return text


def sort_key(paper: Paper) -> str:
    """The `key` field of an entry without authors: BibTeX sorts by it, and plainnat shows it
    as the citation label, so a readable word: the short name, else the first title word
    that is not a stopword ("The", "A")."""
    words = _WORD.findall(clean_whitespace(paper.short_name)) or _WORD.findall(clean_whitespace(paper.title))
    significant = [word for word in words if word.lower() not in STOPWORDS] or words
    return latex_text(significant[0][:40]) if significant else "Anonymous"


# --- escaping ----------------------------------------------------------------------------------


def latex_text(text: str) -> str:
    """Plain text as LaTeX for pdflatex: ASCII only, balanced braces (module docstring)."""
    return _encode(clean_whitespace(text))


def latex_title(title: str, names: frozenset[str] = frozenset()) -> str:
    """`latex_text`, with words that styles must not lowercase protected by braces: those
    `needs_protection` picks, and `names`, the capitalised words the abstract writes as
    names (`proper_names`)."""
    title = clean_whitespace(title)

    def braced_if_protected(match: re.Match[str]) -> str:
        return _braced(match[0]) if needs_protection(match[0]) or match[0] in names else match[0]

    if _is_plain(title):  # most titles: every character stays, and only words gain braces
        return _WORD.sub(braced_if_protected, title)
    parts: list[str] = []  # joined by join_encoded: a gap's dash may meet the next gap's
    position = 0
    for match in _WORD.finditer(title):
        parts.append(_encode(title[position : match.start()]))
        word = _encode(match[0])
        parts.append(_braced(word) if needs_protection(match[0]) or match[0] in names else word)
        position = match.end()
    parts.append(_encode(title[position:]))
    return join_encoded(parts)


@lru_cache(maxsize=65536)  # titles share most of their words
def needs_protection(word: str) -> bool:
    """GPTQ, LoRA, MoE, FP8, CityGaussianV2, E²GAN, 3D, X: yes. Model, adam, A, 2024: no."""
    has_letter = any(char.isalpha() for char in word)
    if any(char.isupper() for char in word[1:]):
        return True
    if has_letter and any(char.isdigit() for char in word):
        return True
    return len(word) == 1 and word.isupper() and word != "A"


# Characters `latex_char` writes as themselves. Text made only of them needs no encoding
# unless two would form a ligature (`--`, `''`): encoding character by character is the
# slowest part of writing BibTeX, and most titles are plain ASCII.
_ENCODES_AS_ITSELF = re.compile(r"[ !\"'()*+,\-./0-9:;=?@A-Z\[\]a-z]*")
# A run of such characters with no `--` or `''` inside (no ligature can form in it, so it is
# its own encoding), else any one character.
_PLAIN_RUN_OR_CHAR = re.compile(r"(?:[ !\"()*+,./0-9:;=?@A-Z\[\]a-z]|-(?!-)|'(?!'))+|.", re.S)


def _is_plain(text: str) -> bool:
    """Whether `text` is its own encoding: only characters that stay, no ligature to part."""
    return bool(_ENCODES_AS_ITSELF.fullmatch(text)) and "--" not in text and "''" not in text


def _encode(text: str) -> str:
    if _is_plain(text):
        return text
    # Run by run rather than character by character: the same pieces meet at the same
    # ends, so `join_encoded` parts the same ligatures, in a fraction of the calls.
    pieces = _PLAIN_RUN_OR_CHAR.findall(text)
    return join_encoded(piece if len(piece) > 1 else latex_char(piece) for piece in pieces)


# Pairs that Computer Modern joins into one glyph: `--` –, `---` —, ``` `` ``` “, `''` ”,
# `!`` ¡ and `?`` ¿. Encoded characters keep their own (`–` is `--` on purpose), but
# where two of them meet, such a pair would make a character nobody wrote.
_LIGATURE_PAIRS = frozenset({("-", "-"), ("`", "`"), ("'", "'"), ("!", "`"), ("?", "`")})


def join_encoded(pieces: Iterable[str]) -> str:
    """Encoded pieces joined, with an empty group `{}` where their ends would form a TeX
    ligature: `-` `-` → `-{}-`, `–` `-` → `--{}-`, `‘` `‘` → `` `{}` ``. TeX and our
    reader both end a ligature at the group, and BibTeX leaves `{}` alone."""
    joined: list[str] = []
    for piece in pieces:
        if not piece:
            continue  # a dropped character: its neighbours meet
        if joined and (joined[-1][-1], piece[0]) in _LIGATURE_PAIRS:
            joined.append("{}")
        joined.append(piece)
    return "".join(joined)


@lru_cache(maxsize=8192)
def latex_char(char: str) -> str:
    """One character as LaTeX that compiles under pdflatex with no package."""
    if char in _SPECIALS:
        return _SPECIALS[char]
    if _PRINTABLE_ASCII.match(char):
        return char
    if unicodedata.category(char)[0] in "CZ" or unicodedata.combining(char):
        return " " if unicodedata.category(char) == "Zs" else ""  # controls, marks left alone
    if char in _PREFERRED:
        return _wrap(_PREFERRED[char])
    encoded = _pylatexenc(char)
    if encoded is not None and _compiles(encoded):
        return _wrap(_dotted_i(encoded))
    stacked = _stacked_accents(char)
    if stacked is not None and _compiles(stacked):
        return _wrap(stacked)
    return _ascii_fallback(char)


# Combining marks and the OT1 accent commands that write them.
_ACCENTS = {
    "\u0300": "\\`", "\u0301": "\\'", "\u0302": "\\^", "\u0303": "\\~", "\u0304": "\\=", "\u0306": "\\u",
    "\u0307": "\\.", "\u0308": '\\"', "\u030a": "\\r", "\u030b": "\\H", "\u030c": "\\v", "\u0323": "\\d",
    "\u0327": "\\c", "\u0331": "\\b",
}  # fmt: skip


def _stacked_accents(char: str) -> str | None:
    """A letter with several accents, which pylatexenc has no form for, as nested accent
    commands: Vietnamese `ễ` → `\\~{\\^{e}}`. None when a mark has no OT1 command (the horn of `ư`)."""
    base, *marks = unicodedata.normalize("NFD", char)
    if not marks or not (base.isascii() and base.isalpha()) or any(mark not in _ACCENTS for mark in marks):
        return None
    encoded = base  # `i`, never `\\i`, under an accent: see `_dotted_i`
    for mark in marks:
        encoded = f"{_ACCENTS[mark]}{{{encoded}}}"
    return encoded


# pylatexenc accents a dotless i (`\'\i`), as plain TeX needs. biber reads that as `ı` and a
# combining accent, which pdflatex then rejects ("Unicode character ́"). biber reads `\'i` as
# `í`, and LaTeX's OT1 and T1 encodings drop the dot under `\' \` \^ \"` themselves.
_ACCENTED_DOTLESS_I = re.compile(r"(\\[`'^\"~=.uvH]\{?)\\i(?![A-Za-z])")


def _dotted_i(encoded: str) -> str:
    """`\\'\\i` → `\\'i`, `\\v{\\i}` → `\\v{i}`."""
    return _ACCENTED_DOTLESS_I.sub(r"\1i", encoded)


def _pylatexenc(char: str) -> str | None:
    try:
        return unicode_to_latex(char, non_ascii_only=True, unknown_char_policy="fail", unknown_char_warning=False)
    except (ValueError, KeyError):
        return None


def _compiles(encoded: str) -> bool:
    """Only ASCII, balanced, and every command one that was seen to compile in its mode."""
    if not _PRINTABLE_ASCII.match(encoded) or not _balanced(encoded, escapes_count=True):
        return False
    if encoded.startswith("\\ensuremath{") and encoded.endswith("}"):
        return all(name in _MATH_MACROS for name in _MACRO.findall(encoded[len("\\ensuremath{") : -1]))
    return all(name in _TEXT_MACROS for name in _MACRO.findall(encoded))


def _wrap(encoded: str) -> str:
    """`{…}` around anything with a command, unless it is one braced group already."""
    if "\\" not in encoded or _one_group(encoded):
        return encoded
    return _braced(encoded)


def _one_group(encoded: str) -> bool:
    return encoded.startswith("{") and encoded.endswith("}") and _balanced(encoded[1:-1], escapes_count=True)


def _ascii_fallback(char: str) -> str:
    """`ą` → `a`, `ﬁ` → `fi`, `Ａ` → `A`. What has no ASCII letters (Chinese, emoji) is kept
    as it is: the entry then needs XeLaTeX, LuaLaTeX or a CJK package, which the build
    reports (`unencodable`), but a `?` would lose the text for every engine."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if folded and folded != char and all(c.isascii() and c.isalnum() for c in folded):
        return folded
    return char


def unencodable_problems(papers: list[Paper]) -> list[Problem]:
    """A warning for each paper whose BibTeX entry keeps characters as UTF-8 (`unencodable`),
    naming each field and its characters; at the user's own entry when it is theirs."""
    problems = []
    for paper in papers:
        if kept := unencodable(paper):
            fields = "; ".join(f"{name} {characters!r}" for name, characters in kept.items())
            message = (
                f"BibTeX entry {paper.key}: {fields}: no LaTeX form that pdflatex can typeset without a package;"
                " kept as UTF-8, so citing it needs XeLaTeX, LuaLaTeX or a CJK package"
            )
            bib = next((source for source in paper.sources if source.path.lower().endswith(".bib")), None)
            problems.append(Problem(bib if bib and _is_users_entry(paper) else paper.sources[0], message, Severity.WARNING))
    return problems


def unencodable(paper: Paper) -> dict[str, str]:
    """By field of the paper's BibTeX entry as written (the user's own, or the one made for
    it), the characters LaTeX cannot write without a package (kept as UTF-8 by
    `_ascii_fallback`), in order of appearance."""
    if _is_users_entry(paper):
        fields = [(name, value) for name, value in paper.bibtex_fields if is_published(name)]
    else:
        fields = [("title", paper.title), ("author", " ".join(paper.authors)), ("howpublished", paper.venue)]
        fields += [] if paper.authors else [("note", paper.organization)]
    kept = {}
    for name, text in fields:
        if found := "".join(dict.fromkeys(char for char in text if not char.isascii() and not latex_char(char).isascii())):
            kept[name] = found
    return kept


def _is_users_entry(paper: Paper) -> bool:
    """Whether the paper's BibTeX entry is the user's own, written back (`paper_entry`)."""
    return bool(paper.bibtex_fields and paper.bibtex_type)


def url_value(url: str) -> str:
    """A URL (or DOI) for a verbatim field: percent-encode what is not legal in a URI, and
    a `%` that does not start an escape."""
    return _URL_ILLEGAL.sub(_percent_encode, clean_whitespace(url))


_URL_ILLEGAL = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")


def _percent_encode(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match[0].encode("utf-8", "replace"))
