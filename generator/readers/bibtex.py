"""Reader for BibTeX and biblatex exports, through bibtexparser 2.

bibtexparser splits the file into blocks and reports the ones it cannot parse. On top of it
this module resolves what bibtexparser 2 leaves to the caller: `@string` macros joined with
`#`, `crossref` inheritance, biblatex `date`, and LaTeX decoding for display. The user's own
field values are kept undecoded (`Record.bibtex_fields`) so exports can write them back as
they were written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import bibtexparser
from bibtexparser.middlewares.names import NameParts, parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, Field, ImplicitComment, ParsingFailedBlock, String
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexWalker
from pylatexenc.latexwalker import get_default_latex_context_db as get_walker_context_db
from pylatexenc.macrospec import MacroSpec

from generator.keys import base_key
from generator.models import Problem, Record, Severity, Source, SourceKind
from generator.normalize import (
    SUPERSCRIPTS,
    clean_whitespace,
    display_text,
    find_arxiv_id,
    inline_math_to_unicode,
    normalize_arxiv_id,
    normalize_doi,
    repair_text,
)
from generator.readers.result import FileRead, Rejects

# bibtexparser logs every broken block; this reader reports each one itself, with path:line.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# Standard BibTeX styles predefine the month macros.
BUILTIN_MACROS = {name: name for name in MONTHS}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")  # "2020a" (a second paper of one author-year) is 2020
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
CONTAINER_TYPES = frozenset({"proceedings", "mvproceedings", "collection", "mvcollection", "book", "mvbook"})
_INHERITED_FROM_CROSSREF = (
    "booktitle",
    "year",
    "date",
    "month",
    "publisher",
    "editor",
    "journal",
    "journaltitle",
    "volume",
    "series",
    "address",
    "organization",
)


def read_entries(path: str, text: str) -> FileRead:
    """Every paper in one BibTeX file. Each `@type{…}` other than `@string`, `@preamble` and
    `@comment` is an entry: it becomes a record, is a volume that papers cross-reference, or
    is rejected (broken syntax, no title) with one error at its line."""
    problems: list[Problem] = []
    rejects = Rejects()
    text = unix_newlines(text)
    try:
        library = bibtexparser.parse_string(strip_comments(text), parse_stack=[])
    except Exception as error:  # a bibtexparser bug must not stop the build; say where
        return FileRead(problems=[Problem(Source(path, 1), f"BibTeX parser failed on this file: {error}", Severity.ERROR)])
    entries: list[Entry] = list(library.entries)
    strings: list[String] = list(library.strings)
    tails: set[int] = set()  # lines where a broken block's leftover text starts
    for block in library.failed_blocks:
        source = Source(path, block.start_line + 1)
        if isinstance(block, DuplicateBlockKeyBlock):
            first = block.previous_block.start_line + 1 if block.previous_block else "?"
            kept = block.ignore_error_block
            if isinstance(kept, String):
                message = f"@string {block.key!r} defined again (first at line {first}); the later value is used"
                strings.append(kept)
            else:
                message = f"duplicate key {block.key!r} (first used at line {first}); the entry is kept under a new key"
                entries.append(kept)
            problems.append(Problem(source, message))
        elif isinstance(block, DuplicateFieldKeyBlock):
            entries.append(block.ignore_error_block)  # reported below, with any case-insensitive repeat
        else:
            tails.add(block.start_line + (block.raw or "").count("\n") + 1)
            _report_failed_block(block, path, problems, rejects)
    strings.sort(key=lambda string: string.start_line)
    macros = dict(BUILTIN_MACROS)
    for string in strings:  # in file order: a macro may be built from earlier ones
        macros[string.key.lower()] = resolve_value(string.value, macros)
    for comment in library.comments:
        line = comment.start_line + 1
        if isinstance(comment, ImplicitComment) and line not in tails and _looks_like_debris(comment.comment):
            problems.append(Problem(Source(path, line), _debris_message(comment.comment)))
    entries.sort(key=lambda entry: entry.start_line)
    for entry in entries:
        entry.fields, missing_commas = split_missing_commas(entry, path)
        problems += missing_commas + _repeated_fields(entry, path) + _unreadable_values(entry, path, macros) + _unsafe_values(entry, path, macros)
    records = _records(path, entries, macros, problems, rejects)
    if not entries and not rejects and not any(problem.severity == Severity.ERROR for problem in problems):
        problems += nothing_read(path, text)
    return FileRead(records, sorted(problems + rejects.problems, key=lambda p: p.source), len(rejects))


_LINE_BREAK = re.compile(r"\r\n?")


def unix_newlines(text: str) -> str:
    """`\r\n` (Windows) and a lone `\r` (classic Mac OS, BibDesk) as `\n`: bibtexparser and
    `%` comments end lines only at `\n`, so in a `\r` file a first comment would swallow
    every entry. Each break stays one line, as editors and `grep -n` count them."""
    return _LINE_BREAK.sub("\n", text) if "\r" in text else text


_ENTRY_OPENING = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")


def nothing_read(path: str, text: str) -> list[Problem]:
    """A warning for a file that gave no entry and no error: text that is no BibTeX, or
    entry openings (`@article{`) that yielded nothing (commented out, or swallowed by
    something the reader got wrong): its papers would vanish without a word."""
    if not text.strip():
        return []
    opening = next((match for match in _ENTRY_OPENING.finditer(text) if match[1].lower() not in _NOT_ENTRIES), None)
    if opening is None:
        return [] if "@" in text else [Problem(Source(path, 1), "no BibTeX entries found")]
    line = text.count("\n", 0, opening.start()) + 1
    return [Problem(Source(path, line), f"no BibTeX entry read, though the file has `{opening[0]}` here (inside a `%` comment?)")]


def read_bibtex(path: str, text: str) -> tuple[list[Record], list[Problem]]:
    result = read_entries(path, text)
    return result.records, result.problems


def _records(path: str, entries: list[Entry], macros: dict[str, str], problems: list[Problem], rejects: Rejects) -> list[Record]:
    own_fields = [resolved_fields(entry, macros) for entry in entries]
    fields_by_key: dict[str, dict[str, str]] = {}
    for entry, fields in zip(entries, own_fields):
        if entry.key.strip():  # a keyless entry (`@article{,`) is nobody's crossref or xdata
            fields_by_key.setdefault(entry.key.lower(), fields)  # the first of duplicate keys
    containers = {fields["crossref"].strip().lower() for fields in own_fields if fields.get("crossref")}
    records = []
    for entry, fields in zip(entries, own_fields):
        if entry.key.lower() in containers and entry.entry_type.lower() in CONTAINER_TYPES:
            continue  # a volume that papers cross-reference, not a paper of its own
        source = Source(path, entry.start_line + 1)
        if entry.entry_type.lower() == "xdata":
            continue  # fields for the entries that name it in `xdata`, not a paper
        if entry.entry_type.lower() == "set":
            problems.append(Problem(source, f"@set {entry.key!r} groups the entries its `entryset` lists; it is no paper itself, skipped", Severity.WARNING))
            continue
        fields = with_xdata(fields, fields_by_key)
        parent = fields.get("crossref", "").strip()
        if parent and parent.lower() not in fields_by_key:
            problems.append(Problem(source, f"entry {entry.key!r} cross-references {parent!r}, which is not in this file; nothing inherited"))
        fields = with_crossref(fields, fields_by_key)
        if not latex_to_text(fields.get("title", "")):
            rejects.add(source, f"entry {entry.key!r} has no title; skipped")
            continue
        try:
            records.append(entry_to_record(entry, fields, source))
        except Exception as error:  # one odd entry must not stop the file; report it instead
            rejects.add(source, f"entry {entry.key!r} could not be read ({type(error).__name__}: {error}); skipped")
            continue
        if not entry.key.strip():
            problems.append(Problem(source, keyless_message(records[-1])))
    return records


def keyless_message(record: Record) -> str:
    """What a curator needs about an entry exported without a key (`@article{,`): BibTeX
    rejects it, and the site gives it a key of its own, which their document must cite."""
    key = base_key(record)  # type: ignore[arg-type]  # reads only title, year and authors
    return f"entry {record.title[:60]!r} has no key; cite it as {key!r} (made from its author, year and title; a letter is added if another paper has that key)"


def _unreadable_values(entry: Entry, path: str, macros: dict[str, str]) -> list[Problem]:
    """A warning at each field that names an @string macro the file does not define (BibTeX
    says "I didn't find a database entry for string"), and at a year or month that gives no
    date: the paper would silently carry the macro's name, or no date."""
    problems = []
    for field in entry.fields:
        name, raw = field.key.lower(), str(field.value)
        line = (field.start_line if field.start_line is not None else entry.start_line) + 1
        undefined = undefined_macros(raw, macros)
        for macro in undefined:
            problems.append(Problem(Source(path, line), f"{name} of entry {entry.key!r} uses @string {macro!r}, which is not defined; the name is used as text"))
        if undefined or name not in {"year", "month"}:
            continue
        value = latex_to_text(resolve_value(raw, macros)).strip()
        if not value:
            continue
        if name == "year" and not _YEAR.search(value):
            problems.append(Problem(Source(path, line), f"year {value!r} of entry {entry.key!r} is no year; the paper is undated"))
        if name == "month" and parse_year_month({"month": value})[1] is None:
            problems.append(Problem(Source(path, line), f"month {value!r} of entry {entry.key!r} is no month; it is left out"))
    return problems


# TeX that reads or writes files, runs programs or changes how later text is read. A field
# that uses it would act on the computer of whoever compiles an exported .bib or pastes an
# entry: `\input{/etc/passwd}` prints the file, `\immediate\write18{…}` runs a command under
# -shell-escape, `^^5c` spells a backslash. No bibliography field needs any of it.
_UNSAFE_COMMANDS = (
    # files
    "input", "include", "InputIfFileExists", "IfFileExists", "endinput", "openin", "openout",
    "read", "readline", "write", "immediate", "closein", "closeout", "newread", "newwrite",
    "verbatiminput", "lstinputlisting", "includegraphics", "bibliography", "addbibresource",
    # programs and PDF internals
    "ShellEscape", "directlua", "latelua", "luaexec", "luadirect", "special", "pdfliteral",
    "pdfobj", "pdfannot", "pdfstartlink", "pdffiledump", "pdfshellescape",
    # definitions and how characters are read
    "def", "edef", "gdef", "xdef", "let", "futurelet", "global", "newcommand", "renewcommand",
    "providecommand", "DeclareRobustCommand", "DeclareTextCommand", "newenvironment",
    "renewenvironment", "catcode", "lccode", "uccode", "mathcode", "csname", "expandafter",
    "scantokens", "everypar", "everyeof", "everymath", "afterassignment", "aftergroup",
    "makeatletter",
    # the document and the run
    "usepackage", "RequirePackage", "documentclass", "end", "stop", "dump", "batchmode",
    "nonstopmode", "errorstopmode", "errmessage", "jobname",
)
_UNSAFE_TEX = re.compile(r"\\(?:" + "|".join(_UNSAFE_COMMANDS) + r")(?![A-Za-z])|\^\^")
# A link to anything but the web: hyperref makes `\href{javascript:…}` a live link in a PDF.
_NOT_WEB = r"(?!(?i:https?|ftp|mailto|doi|arxiv):)[A-Za-z][A-Za-z0-9+.-]*:"
_UNSAFE_LINK = re.compile(r"\\(?:href|url)\s*\{\s*" + _NOT_WEB)
LINK_FIELDS = frozenset({"url", "pdf"})  # fields biblatex and hyperref make into links


def unsafe_tex(name: str, value: str) -> str:
    """What in a field's value must not reach an exported .bib as written: a dangerous TeX
    command, or a link that leads off the web (`javascript:`, `data:`, `file:`); '' if nothing."""
    if name in LINK_FIELDS and (scheme := re.match(r"\s*" + _NOT_WEB, value)):
        return scheme[0].strip()
    found = _UNSAFE_TEX.search(value) or _UNSAFE_LINK.search(value)
    return found[0] if found else ""


def _unsafe_values(entry: Entry, path: str, macros: dict[str, str]) -> list[Problem]:
    """A warning at each field `unsafe_tex` objects to: the exports write it as plain text
    (a link field: leave it out), so the user should know their entry changed."""
    problems = []
    for field in entry.fields:
        name = field.key.lower()
        if found := unsafe_tex(name, resolve_value(str(field.value), macros)):
            line = (field.start_line if field.start_line is not None else entry.start_line) + 1
            change = "left out of" if name in LINK_FIELDS else "written as plain text in"
            message = f"{name} of entry {entry.key!r} has `{found}`, which would act when the exported .bib is compiled; {change} the exports"
            problems.append(Problem(Source(path, line), message))
    return problems


def undefined_macros(raw: str, macros: dict[str, str]) -> list[str]:
    """The bare words of a field's value (its parts between `#`) that are neither numbers
    nor macros defined in `macros`."""
    bare = [part.strip() for part in value_parts(raw) if part.strip()[:1] not in {"{", '"'}]
    return [part for part in bare if part and not part.isdigit() and part.lower() not in macros]


def _repeated_fields(entry: Entry, path: str) -> list[Problem]:
    """A warning at each field that repeats an earlier one of the same entry, or whose name
    is no BibTeX name (it would break the exported file)."""
    seen: set[str] = set()
    problems = []
    for field in entry.fields:
        name = field.key.lower()
        line = (field.start_line if field.start_line is not None else entry.start_line) + 1
        if not is_field_name(name):
            message = f"{field.key!r} in entry {entry.key!r} is no field name; ignored (a missing `,` or `=`?)"
            problems.append(Problem(Source(path, line), message))
        elif name in seen:
            problems.append(Problem(Source(path, line), f"field {name!r} given twice in entry {entry.key!r}; the first value is used"))
        seen.add(name)
    return problems


def split_missing_commas(entry: Entry, path: str) -> tuple[list[Field], list[Problem]]:
    """The entry's fields with any value that swallowed the next field (`title = {A}` and a
    line `author = {B}`: no comma between them) split in two, and a warning at each.

    bibtexparser reads such a value as `{A}\n author = {B}` without a word. A `=` outside
    braces and quotes never belongs to a value, so the second field is read back by
    bibtexparser and the entry keeps both; BibTeX itself would reject the entry."""
    fields: list[Field] = []
    problems: list[Problem] = []
    pending = list(entry.fields)
    while pending:
        field = pending.pop(0)
        raw = str(field.value)
        found = stray_field_at(raw)
        if found is None:
            fields.append(field)
            continue
        at, name = found
        first_line = field.start_line if field.start_line is not None else entry.start_line
        line = first_line + raw.count("\n", 0, at)  # 0-based, as bibtexparser counts
        rest = _fields_of(raw[at:]) if is_field_name(name) else []
        if not rest:
            problems.append(Problem(Source(path, line + 1), f"a `=` outside braces in field {field.key!r} of entry {entry.key!r}; is a `,` missing?"))
            fields.append(field)
            continue
        problems.append(Problem(Source(path, line + 1), f"missing `,` before {name!r} in entry {entry.key!r}; read as if it were there"))
        fields.append(Field(field.key, raw[:at].rstrip(), field.start_line))
        pending[:0] = [Field(f.key, f.value, line + (f.start_line or 0)) for f in rest]
    return fields, problems


_VALUE_SYNTAX = re.compile(r'[{}"#=]')


def _top_level(raw: str, wanted: str) -> Iterator[re.Match[str]]:
    """Each `wanted` character (`#`, `=`) of a raw field value that is outside braces and
    quotes, where it is BibTeX syntax and not text. Only the syntax characters are visited,
    so long abstracts cost little."""
    depth, quoted = 0, False
    for match in _VALUE_SYNTAX.finditer(raw):
        char = match[0]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == wanted and depth == 0 and not quoted:
            yield match


_NAME_END = re.compile(r'[\s"{}]')


def stray_field_at(raw: str) -> tuple[int, str] | None:
    """Where a `name =` starts inside a field's raw value, outside braces and quotes, and
    the name (maybe not a proper one); None when the value has no such `=`."""
    if "=" not in raw:
        return None
    equals = next(_top_level(raw, "="), None)
    if equals is None:
        return None
    before = raw[: equals.start()].rstrip()
    name = _NAME_END.split(before)[-1]
    return len(before) - len(name), name


def _fields_of(text: str) -> list[Field]:
    """The fields in `name = value, …`, as bibtexparser reads them; [] if it cannot."""
    library = bibtexparser.parse_string("@misc{k," + text + "\n}", parse_stack=[])
    return list(library.entries[0].fields) if len(library.entries) == 1 and not library.failed_blocks else []


# BibTeX's own rule for names (bibtex.web, `legal_id_char`): printable ASCII but none of
# `"#%'(),={}` or a space, and no digit first.
_FIELD_NAME = re.compile(r"[!$&*+\-./:;<>?@A-Z\[\\\]^_`a-z|~][!$&*+\-./0-9:;<>?@A-Z\[\\\]^_`a-z|~]*")


def is_field_name(name: str) -> bool:
    return _FIELD_NAME.fullmatch(name) is not None


_ENTRY_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()=]*)")
_NOT_ENTRIES = frozenset({"string", "preamble", "comment"})


def _report_failed_block(block: ParsingFailedBlock, path: str, problems: list[Problem], rejects: Rejects) -> None:
    """A block bibtexparser could not parse: an entry is rejected; a broken `@string` or
    `@preamble` is an error but no paper. Entries it swallowed (an `@type{` later on one
    of its lines, where bibtexparser does not look for one) are rejected too."""
    raw = block.raw or ""
    source = Source(path, block.start_line + 1)
    head = _ENTRY_HEAD.match(raw)
    kind = head[1].lower() if head else ""
    reason = _failure_reason(block)
    if kind in _NOT_ENTRIES:
        problems.append(Problem(source, f"broken @{kind} skipped: {reason}", Severity.ERROR))
    else:
        has_key = head is not None and head[2] and raw[head.end() :].lstrip().startswith((",", "}", ")"))
        name = f" {head[2]!r}" if has_key else ""
        rejects.add(source, f"broken BibTeX entry{name} skipped: {reason}")
    for inner in _ENTRY_HEAD.finditer(raw, 1):
        if inner[1].lower() not in _NOT_ENTRIES:
            line = source.line + raw.count("\n", 0, inner.start())
            rejects.add(Source(path, line), f"entry {inner[2]!r} lost inside the broken entry at line {source.line}; skipped")


def _failure_reason(block: ParsingFailedBlock) -> str:
    """bibtexparser's reason, in a curator's words where we know them."""
    reason = str(getattr(block.error, "abort_reason", "") or block.error).strip()
    if reason.startswith("Unexpectedly reached end of file"):
        return 'the file ends inside it: a closing `}` or `"` is missing'
    if reason.startswith("Unexpected block start") and "`}`" in reason:
        return "a `{` is not closed before the next entry"
    if reason.startswith("Unexpected block start") and '`"`' in reason:
        return 'a `"` is not closed before the next entry'
    if reason.startswith("Unexpected block start"):
        return "the entry is not closed before the next one"
    if reason.startswith("Expected comma after entry key"):
        return "no `key,` after the opening brace"
    if reason.startswith("Expected a `=`"):
        return "a field name without `= value`"
    return reason.splitlines()[0] if reason else "unbalanced braces or quotes"


_DEBRIS = re.compile(r'[{}=@"\ufffd]')


def _looks_like_debris(text: str) -> bool:
    """Text between entries is a comment to BibTeX, and exports put notes there (Mendeley's
    header). With BibTeX syntax in it, though, it is most likely part of a broken entry."""
    return _DEBRIS.search(text) is not None


def _debris_message(text: str) -> str:
    message = f"text outside any entry ignored: {clean_whitespace(text)[:60]!r}"
    if text.lstrip().startswith(("}", ",")) or "=" in text:
        message += " (did an extra `}` end the entry above early?)"
    return message


# What moves the comment stripper: a block start at a line start (where bibtexparser ends
# any block still open), one anywhere else, braces, an entry's `)`, quotes and `%`.
_COMMENT_SYNTAX = re.compile(r'(?P<line_block>^[ \t]*@\w*[ \t]*[{(])|(?P<block>@\w*[ \t]*[{(])|[{})"]|(?<!\\)%', re.M)
_COMMENT_BLOCK = re.compile(r"\s*@\s*comment", re.I)


def strip_comments(text: str) -> str:
    """`%` comments removed where biber and reference managers honour them: outside entries
    and between fields, in `@type{…}` and `@type(…)` entries alike. Inside a value `%` is
    text; `@comment{…}` is left whole. Newlines stay, so line numbers hold.

    bibtexparser 2 follows classic BibTeX, where `%` means nothing: a commented-out entry
    would be read as a paper, and a comment between fields becomes a field or breaks the
    entry. Like bibtexparser, an `@type{` at the start of a line begins a new block even
    when braces are still open, so an unclosed brace costs only its own entry.
    """
    if "%" not in text:
        return text
    pieces: list[str] = []
    depth, quoted, in_comment_block, closer, kept_from = 0, False, False, "}", 0
    for match in _COMMENT_SYNTAX.finditer(text):
        position, token = match.start(), match[0]
        if position < kept_from:
            continue  # inside a comment already cut
        if match["line_block"] or (match["block"] and depth == 0):
            depth, quoted, closer = 1, False, "}" if token[-1] == "{" else ")"
            in_comment_block = _COMMENT_BLOCK.match(token) is not None
        elif match["block"]:
            depth += token[-1] == "{"  # `LeQua @ {CLEF}` inside a value: only its brace counts
        elif token == "%":
            if depth == 0 or (depth == 1 and not quoted and not in_comment_block):
                end = text.find("\n", position)
                pieces.append(text[kept_from:position])
                kept_from = len(text) if end == -1 else end
        elif token == "{":
            depth += depth > 0  # between blocks a `{` is comment text, as for bibtexparser
        elif depth == 1 and token == closer:
            depth, quoted = 0, False
        elif token == "}" and depth > 1:
            depth -= 1
        elif token == '"' and depth == 1:
            quoted = not quoted
    pieces.append(text[kept_from:])
    return "".join(pieces)




def resolve_value(raw: str, macros: dict[str, str]) -> str:
    """A field's value as BibTeX sees it: `{…}`, `"…"`, numbers and macros, joined by `#`.

    bibtexparser 2 resolves a lone macro but not a `#` concatenation, hence this.
    """
    return "".join(_resolve_part(part.strip(), macros) for part in value_parts(raw))


def value_parts(raw: str) -> list[str]:
    """A field's raw value split at its top-level `#` concatenations."""
    if "#" not in raw:
        return [raw]
    parts, start = [], 0
    for hash_sign in _top_level(raw, "#"):
        parts.append(raw[start : hash_sign.start()])
        start = hash_sign.end()
    parts.append(raw[start:])
    return parts


def _resolve_part(part: str, macros: dict[str, str]) -> str:
    if len(part) >= 2 and (part[0], part[-1]) in {("{", "}"), ('"', '"')}:
        return part[1:-1]
    return macros.get(part.lower(), part)


def resolved_fields(entry: Entry, macros: dict[str, str]) -> dict[str, str]:
    """Field values by lower-case name; of a field given twice, the first (as BibTeX does)."""
    fields: dict[str, str] = {}
    for field in entry.fields:
        if is_field_name(field.key):
            fields.setdefault(field.key.lower(), resolve_value(str(field.value), macros))
    return fields


def with_xdata(fields: dict[str, str], by_key: dict[str, dict[str, str]]) -> dict[str, str]:
    """The fields of the biblatex @xdata entries that `xdata` names, where the entry lacks them."""
    inherited: dict[str, str] = {}
    for key in filter(None, (key.strip().lower() for key in fields.get("xdata", "").split(","))):
        for name, value in by_key.get(key, {}).items():
            inherited.setdefault(name, value)
    return {name: value for name, value in fields.items() if name != "xdata"} | {n: v for n, v in inherited.items() if n not in fields} if inherited else fields


def with_crossref(fields: dict[str, str], by_key: dict[str, dict[str, str]]) -> dict[str, str]:
    parent_key = fields.get("crossref", "").strip().lower()
    parent = by_key.get(parent_key) if parent_key else None  # no crossref is never looked up
    if not parent:
        return fields
    inherited = {name: parent[name] for name in _INHERITED_FROM_CROSSREF if name in parent and name not in fields}
    if "booktitle" not in fields and "booktitle" not in inherited and "title" in parent:
        inherited["booktitle"] = parent["title"]
    return fields | inherited


# TeX turns these into dashes and quotes (our exporter writes – — “ ” ‘ this way); a lone
# `'` stays an apostrophe. `\`` and `\'` are accents, not quotes.
_LIGATURES = re.compile(r"---|--|(?<!\\)``|(?<!\\)''|(?<!\\)`")
_LIGATURE_TEXT = {"---": "—", "--": "–", "``": "“", "''": "”", "`": "‘"}


def tex_ligatures(value: str) -> str:
    return _LIGATURES.sub(lambda m: _LIGATURE_TEXT[m[0]], value) if re.search(r"--|`|''", value) else value


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """Display form of a LaTeX value: accents decoded, protective braces dropped."""
    value = tex_ligatures(value)
    if not re.search(r"[\\{}$~]", value):
        return display_text(value)
    # Formulas first: pylatexenc would write `E$^{2}$GAN` as `E^2GAN`, which then neither
    # reads like the listing's `E²GAN` nor merges with it.
    value = _TEXT_SUPERSCRIPT.sub(lambda m: f"$^{{{m[1]}}}$" if all(ch in SUPERSCRIPTS for ch in m[1]) else m[1], value)
    value = inline_math_to_unicode(value)
    value = _TIE.sub(" ", value)  # a tie is a space; `\~n` is an accent
    decoded = "".join(_decode_chunk(chunk) if _LATEX_SYNTAX.search(chunk) else chunk for chunk in latex_chunks(value))
    return repair_text(decoded)  # not display_text: its unescaping would undo a decoded `\\`


_LATEX_SYNTAX = re.compile(r"[\\{}$]")
_PIECE_SYNTAX = re.compile(r"\\[a-zA-Z]+|\\.|[{}$]", re.S)
_SPACES = re.compile(r"(\s+)")


def latex_chunks(value: str) -> list[str]:
    """`value` cut at the spaces that separate independent pieces of LaTeX: not inside braces
    or a formula, and not right after a command (`\\c c`). pylatexenc reads one character
    at a time; giving it only the words that hold LaTeX keeps long abstracts fast."""
    chunks: list[str] = []
    pending: list[str] = []  # words (and spaces) of a piece of LaTeX not closed yet
    depth, math, after_command = 0, False, False
    for piece in _SPACES.split(value):
        if not pending and (not piece or piece[0].isspace() or not _LATEX_SYNTAX.search(piece)):
            chunks.append(piece)  # plain text: the common case, kept cheap
            continue
        pending.append(piece)
        if piece[0].isspace():
            continue
        after_command = False
        for match in _PIECE_SYNTAX.finditer(piece):
            token = match[0]
            if token[0] == "\\":
                after_command = match.end() == len(piece)
            elif token == "{":
                depth += 1
            elif token == "}":
                depth = max(depth - 1, 0)
            else:
                math = not math
        if depth == 0 and not math and not after_command:
            chunks.append("".join(pending))
            pending = []
    return [*chunks, "".join(pending)] if pending else chunks


@lru_cache(maxsize=65536)
def _decode_chunk(chunk: str) -> str:
    try:
        nodes = LatexWalker(chunk, latex_context=_walker_context(), tolerant_parsing=True).get_latex_nodes()[0]
        return _latex_decoder().nodelist_to_text(nodes)
    except Exception:  # pylatexenc raises on malformed input; show the raw text instead
        return chunk


# BibTeX styles' sorting trick, `@preamble{"\newcommand{\noopsort}[1]{}"}` then
# `{\noopsort{a}}Zeta`: the argument only sorts, and is never printed.
_SORTING_MACROS = ("noopsort", "sortnoop", "SortNoop", "noop")


@lru_cache(maxsize=1)
def _walker_context() -> Any:
    context = get_walker_context_db()  # pylatexenc would build it again for every value
    context.add_context_category("sorting", prepend=True, macros=[MacroSpec(name, "{") for name in _SORTING_MACROS])
    return context


_TIE = re.compile(r"(?<!\\)~")
# The exporter's `²`; pylatexenc would drop the superscript. `1\textsuperscript{st}` stays `1st`.
_TEXT_SUPERSCRIPT = re.compile(r"\\textsuperscript\s*\{([^{}$]*)\}")
_ASCII_ESCAPES = {
    "textunderscore": "_",
    "textperiodcentered": "·",
    "textasciicircum": "^",
    "textasciitilde": "~",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
}
_LOGOS = {"LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "TeX": "TeX", "BibTeX": "BibTeX"}


def _logo(name: str) -> MacroTextSpec:
    """`\\TeX and` prints "TeXand" in TeX, but its writer meant the space: it is kept."""
    return MacroTextSpec(name, lambda node, *_: _LOGOS[name] + node.macro_post_space)


@lru_cache(maxsize=1)
def _latex_decoder() -> LatexNodes2Text:
    """pylatexenc, plus the text-mode escapes of ASCII characters our exporter writes (it
    drops `\\textless` and writes `\\textasciicircum` as the modifier letter ˆ) and the TeX
    logos. A macro it has no text for keeps the text of its arguments: pylatexenc would
    drop `\\texttt{torch.fx}` or `\\mbox{GPT-3}` whole."""
    context = get_default_latex_context_db()
    context.add_context_category("ascii-escapes", prepend=True, macros=[MacroTextSpec(name, char) for name, char in _ASCII_ESCAPES.items()])
    context.add_context_category("logos", prepend=True, macros=[_logo(name) for name in _LOGOS])
    context.add_context_category("sorting", prepend=True, macros=[MacroTextSpec(name, "") for name in _SORTING_MACROS])
    context.set_unknown_macro_spec(MacroTextSpec("", discard=False))
    return LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=True)


def person_name(raw: str) -> str:
    parts = name_parts(raw)
    return clean_whitespace(latex_to_text(parts.merge_first_name_first))


def name_parts(raw: str) -> NameParts:
    """bibtexparser's first, von, last and jr parts of one name, with its tilde accents kept
    whole: the splitter takes the `~` of `Mu\\~{n}oz` for a tie (a space), which gave the
    family name "noz" to "Carlos Mu\\~{n}oz". A braced accent (`Mu{\\~{n}}oz`) is one letter.
    A name in biblatex's extended format has its parts named already."""
    return extended_name_parts(raw) or parse_single_name_into_parts(_TILDE_ACCENT.sub(r"{\\~\1}", raw), strict=False)


_EXTENDED_NAME = re.compile(r"\s*(?:family|given|prefix|suffix)\s*=", re.I)


def extended_name_parts(raw: str) -> NameParts | None:
    """The parts of a name in biblatex's extended format, which Zotero's Better BibLaTeX
    writes for names with a particle: `family=Berg, given=Jan, prefix=van der,
    useprefix=false`. None for a classic name (bibtexparser knows no such format).
    `useprefix` and the `-i` initials only steer biblatex's sorting and abbreviating."""
    if not _EXTENDED_NAME.match(raw):
        return None
    named: dict[str, str] = {}
    for item in brace_level_split(raw, ","):
        key, equals, value = item.partition("=")
        if not equals:
            return None  # a classic name that starts oddly, such as `given = Smith, John`
        named.setdefault(key.strip().lower(), _unbraced(value.strip()))
    family = named.get("family", "")
    return NameParts(named.get("given", "").split(), named.get("prefix", "").split(), [family] if family else [], named.get("suffix", "").split())


def brace_level_split(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` outside braces."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    return [*parts, text[start:]]


def _unbraced(value: str) -> str:
    """`{María José}` → `María José`: the braces (or quotes) around a whole value, not `{A}{B}`."""
    if len(value) >= 2 and value[0] + value[-1] == '""':
        return value[1:-1]
    depth = 0
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return value[1:-1] if index == len(value) - 1 and value[0] == "{" else value
    return value


_TILDE_ACCENT = re.compile(r"\\~\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z])")  # `\~n`, `\~{n}`, `\~{\^{e}}`


# bibtexparser 2.1's splitter steps over a `\` and the character after it before it looks
# for the start of the next name, so `and \L{}ukasz` gave "{}ukasz". An empty group in
# front of such a command starts the name there and reads as nothing.
_COMMAND_AFTER_AND = re.compile(r"(\sand\s+)(?=\\)", re.I)


def split_authors(value: str) -> list[str]:
    """The names of a BibTeX name list, as bibtexparser splits them (`and` at brace level 0).
    An `and` left at either end or doubled (`A and B and`, `A and and B`), which bibtexparser
    keeps as part of a name, separates nothing."""
    value = _LEADING_OR_TRAILING_AND.sub("", _DOUBLED_AND.sub(" and ", value.strip()))
    return split_multiple_persons_names(_COMMAND_AFTER_AND.sub(r"\1{}", value))


_DOUBLED_AND = re.compile(r"\s+and(?:\s+and)+\s+", re.I)
_LEADING_OR_TRAILING_AND = re.compile(r"^and\s+|\s+and$", re.I)


def parse_authors(value: str) -> tuple[str, ...]:
    return author_list(value)[0]


def author_list(value: str) -> tuple[tuple[str, ...], bool]:
    """The display names of a BibTeX name list, and whether it ends in `and others` (or the
    `and et al.` people type for it)."""
    raw = [name for name in split_authors(value) if name.strip()]
    authors = tuple(shown for name in raw if not means_others(name) and (shown := person_name(name)))
    return authors, any(means_others(name) for name in raw)


_OTHERS = frozenset({"others", "et al.", "et al", "et. al.", "et.al."})


def means_others(name: str) -> bool:
    """`others`, BibTeX's word for more authors, or the `et al.` often typed for it (which
    BibTeX would take for a person called "al., et")."""
    return " ".join(name.strip("{} ").split()).lower() in _OTHERS


def people(value: str) -> list[dict[str, str]]:
    """A BibTeX name list as CSL name parts, in the parts BibTeX reads ("García Márquez,
    Gabriel" has the family name "García Márquez"); `and others` is left out. A braced
    name or a lone word ("{Google DeepMind}", "OpenAI") is one unit: a `literal`."""
    return [parts for name in split_authors(value) if not means_others(name) and (parts := person_parts(name))]


def person_parts(raw: str) -> dict[str, str]:
    parts = name_parts(raw)

    def decoded(words: list[str]) -> str:
        return clean_whitespace(latex_to_text(" ".join(words)))

    if not parts.first and not parts.von and len(parts.last) == 1:
        return {"literal": decoded(parts.last)} if decoded(parts.last) else {}
    # A lowercase "von" part is a particle ("van Beethoven"); capitalised words BibTeX puts
    # there belong to the family name ("Lopez de Prado").
    particle = parts.von if all(word[:1].islower() for word in parts.von) else []
    family = ([] if particle else parts.von) + parts.last
    named = {"family": decoded(family), "given": decoded(parts.first), "non-dropping-particle": decoded(particle), "suffix": decoded(parts.jr)}
    return {role: name for role, name in named.items() if name} if named["family"] else {}


def author_count(authors: tuple[str, ...], truncated: bool) -> int | None:
    """How many authors there are as far as the entry says: a list cut short by `and others`
    counts one more than it names, which marks it (as a listing's larger count does) as
    incomplete: pages then say "et al." and BibTeX exports end in `and others`."""
    return len(authors) + truncated if authors else None


def parse_year_month(fields: dict[str, str]) -> tuple[int | None, int | None, int | None]:
    """Year, month and day from `year`/`month` or biblatex `date` (`2020-06-16`)."""
    year = month = day = None
    if match := _ISO_DATE.match(fields.get("date", "").strip()):
        year = int(match[1])
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
    if match := _YEAR.search(fields.get("year", "")):
        year = int(match[1])
    month_text = fields.get("month", "").strip().lower()
    if month_text.isdigit() and 1 <= int(month_text) <= 12:
        month = int(month_text)
    elif month_text[:3] in MONTHS:
        month = MONTHS[month_text[:3]]
    return year, month if month and 1 <= month <= 12 else None, day


_URL_ESCAPE = re.compile(r"\\([_%#&])")


def url_text(value: str) -> str:
    """A URL or DOI without the TeX escapes some exports put in it (DBLP's `paper\\_files`):
    the link must work, while the user's field is exported as written."""
    return _URL_ESCAPE.sub(r"\1", value.strip())


_URL_COMMAND = re.compile(r"\\(?:url|href)\s*\{([^{}\s]+)\}")


def entry_urls(fields: dict[str, str]) -> tuple[str, ...]:
    """The web links of an entry: `url`, a `howpublished` that is a URL, and the targets of
    `\\url{…}` and `\\href{…}` in `howpublished` and `note`. Only http(s): what is on the
    page must be safe to follow."""
    found = [fields.get(name, "").strip() for name in ("url", "howpublished")]
    found += [value.strip() for name, value in sorted(fields.items()) if name.startswith("bdsk-url-")]  # BibDesk's links
    found += [url for name in ("howpublished", "note") for url in _URL_COMMAND.findall(fields.get(name, ""))]
    return tuple(dict.fromkeys(url_text(url) for url in found if url.startswith(("http://", "https://"))))


def entry_to_record(entry: Entry, fields: dict[str, str], source: Source) -> Record:
    year, month, day = parse_year_month(fields)
    for role in ("author", "editor"):  # `and et al.` is exported as the `and others` BibTeX knows
        if fields.get(role) and any(means_others(name) for name in split_authors(fields[role])):
            fields = fields | {role: " and ".join("others" if means_others(name) else name.strip() for name in split_authors(fields[role]))}
    authors, truncated = author_list(fields["author"]) if fields.get("author") else ((), False)
    arxiv_id = ""
    if fields.get("archiveprefix", "").lower() == "arxiv" or fields.get("eprinttype", "").lower() == "arxiv":
        arxiv_id = normalize_arxiv_id(fields.get("eprint", ""))
    urls = entry_urls(fields)
    own_links = [url_text(value) for name, value in sorted(fields.items()) if name == "url" or name.startswith("bdsk-url-")]  # not a note's, which may cite another paper
    arxiv_id = arxiv_id or find_arxiv_id(" ".join([fields.get("journal", ""), fields.get("journaltitle", ""), *own_links, fields.get("eprint", "")]))
    return Record(
        source=source,
        kind=SourceKind.BIBTEX,
        title=latex_to_text(fields["title"]),
        original_title=fields["title"],
        abstract=latex_to_text(fields.get("abstract", "")),
        authors=authors,
        author_count=author_count(authors, truncated),
        organization=latex_to_text(fields.get("organization", "") or fields.get("institution", "")),
        year=year,
        month=month,
        day=day,
        doi=normalize_doi(url_text(fields.get("doi", ""))),
        arxiv_id=arxiv_id,
        urls=urls,
        venue=latex_to_text(fields.get("journal", "") or fields.get("journaltitle", "") or fields.get("booktitle", "")),  # biblatex: journaltitle
        bibtex_key=entry.key,
        bibtex_type=entry.entry_type.lower(),
        bibtex_fields=tuple((name, value) for name, value in fields.items() if name != "crossref"),
    )
