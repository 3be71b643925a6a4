"""The BibTeX reader: macros, crossrefs, comments, LaTeX, biblatex dates, author lists,
duplicate keys and broken entries. The fixture file's line numbers are fixed by hand."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator.models import Record, Severity, SourceKind
from generator.readers.bibtex import people, read_bibtex, read_entries, unsafe_tex, with_crossref, with_xdata

FIXTURE = Path(__file__).parent / "fixtures" / "inputs" / "quirks.bib"


@pytest.fixture(autouse=True)
def _quiet_bibtexparser() -> None:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def read(text: str) -> tuple[list[Record], list[str]]:
    records, problems = read_bibtex("refs.bib", text)
    return records, [str(p) for p in problems]


def only(text: str) -> Record:
    records, problems = read(text)
    assert problems == []
    [record] = records
    return record


@pytest.fixture(scope="module")
def quirks() -> tuple[dict[int, Record], list[str]]:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    records, problems = read_bibtex("quirks.bib", FIXTURE.read_text(encoding="utf-8"))
    return {r.source.line: r for r in records}, [str(p) for p in problems]


# --- the fixture file as a whole -------------------------------------------------------------


def test_fixture_records_are_the_papers_at_their_lines(quirks) -> None:
    records, _ = quirks
    # 9 proceedings volume (not a paper), 52 broken; the commented-out entry on line 3 is no paper.
    assert sorted(records) == [15, 21, 28, 37, 46, 56]
    assert {r.kind for r in records.values()} == {SourceKind.BIBTEX}
    assert all(r.source.path == "quirks.bib" for r in records.values())


def test_fixture_problems_are_exactly_the_duplicate_and_the_broken_entry(quirks) -> None:
    _, problems = quirks
    assert len(problems) == 2, problems
    duplicate = next(p for p in problems if "duplicate" in p)
    assert duplicate.startswith("quirks.bib:46:") and "line 37" in duplicate and "frantar2022gptq" in duplicate
    broken = next(p for p in problems if p is not duplicate)
    assert broken.startswith("quirks.bib:52: error:")


def test_duplicate_key_keeps_both_entries(quirks) -> None:
    records, _ = quirks
    assert records[37].title.startswith("GPTQ: Accurate")
    assert records[46].title == "The Second Entry Under a Used Key"
    assert records[37].bibtex_key == records[46].bibtex_key == "frantar2022gptq"


def test_entries_after_a_broken_one_are_still_read(quirks) -> None:
    records, _ = quirks
    after = records[56]
    assert after.title == "Read After the Broken One"
    assert after.authors == ("John Smith Jr.", "Google Research")
    assert (after.year, after.month, after.day) == (2019, 7, None)


def test_crossref_inheritance_and_the_volume_is_no_paper(quirks) -> None:
    records, _ = quirks
    brown = records[15]
    assert brown.year == 2020
    assert brown.venue == "Advances in Neural Information Processing Systems 33"
    assert dict(brown.bibtex_fields)["publisher"] == "Curran Associates"
    assert "crossref" not in dict(brown.bibtex_fields)  # exports must stand alone
    assert records[21].year == 2021  # an entry's own field beats the volume's
    assert not any(r.bibtex_type == "proceedings" for r in records.values())


def test_latex_decoded_for_display_and_kept_in_bibtex_fields(quirks) -> None:
    records, _ = quirks
    mueller = records[28]
    assert mueller.title == "Über Kompression: Café, Naïve GPTQ and Straße"
    assert mueller.authors == ("Jörg Müller", "François Chollet", "Jan van der Berg")
    fields = dict(mueller.bibtex_fields)
    assert fields["title"] == r"{\"U}ber {K}ompression: Caf\'e, Na\"{\i}ve {GPTQ} and Stra{\ss}e"
    assert fields["author"] == r"M{\"u}ller, J{\"o}rg and Fran{\c{c}}ois Chollet and van der Berg, Jan"


def test_macros_concatenation_date_doi_and_comments_between_fields(quirks) -> None:
    records, _ = quirks
    mueller = records[28]
    assert mueller.venue == "Proceedings of Advances in Neural Information Processing Systems 34"
    assert (mueller.year, mueller.month, mueller.day) == (2021, 3, 5)
    assert mueller.doi == "10.1234/abc.def"
    assert "note" not in {name.strip("% ") for name, _ in mueller.bibtex_fields}
    assert not any(name.startswith("%") for name, _ in mueller.bibtex_fields)


def test_arxiv_eprint_without_version_and_month_macro(quirks) -> None:
    records, _ = quirks
    gptq = records[37]
    assert gptq.arxiv_id == "2210.17323"
    assert (gptq.year, gptq.month) == (2022, 10)
    assert gptq.title == "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    assert gptq.original_title.startswith("{GPTQ}")


# --- tables ------------------------------------------------------------------------------------

MACRO_CASES = [
    (
        '@string{jmlr = "Journal of Machine Learning Research"}\n@article{k, title={T}, journal=jmlr}',
        "Journal of Machine Learning Research",
    ),
    ("@STRING{JMLR = {Journal of ML}}\n@article{k, title={T}, journal=jmlr}", "Journal of ML"),
    ('@string{c = "ICML"}\n@article{k, title={T}, journal="Proc. " # c # " 2020"}', "Proc. ICML 2020"),
    ('@string{a = "Alpha"}\n@string{ab = a # " Beta"}\n@article{k, title={T}, journal=ab # {, Gamma}}', "Alpha Beta, Gamma"),
    ("@article{k, title={T}, journal={Uses # inside braces}}", "Uses # inside braces"),
    ('@article{k, title={T}, journal="Quoted # too"}', "Quoted # too"),
]


@pytest.mark.parametrize(("text", "venue"), MACRO_CASES)
def test_string_macros(text: str, venue: str) -> None:
    record = only(text)
    assert record.venue == venue
    assert dict(record.bibtex_fields)["journal"] == venue


BBT_NAMES = "family=Berg, given=Jan, prefix=van der, useprefix=false and family=Cruz, given=María José, prefix=de la, useprefix=true and Lovelace, Ada"
AUTHOR_CASES = [
    ("Frantar, Elias and Dan Alistarh", ("Elias Frantar", "Dan Alistarh")),
    ("Brown, Tom B. and Mann, Benjamin and others", ("Tom B. Brown", "Benjamin Mann")),
    ("van der Berg, Jan", ("Jan van der Berg",)),
    ("Smith, Jr., John", ("John Smith Jr.",)),
    ("{Google Research} and Le, Quoc V.", ("Google Research", "Quoc V. Le")),
    ('M{\\"u}ller, J{\\"o}rg', ("Jörg Müller",)),
    ("Ashish  Vaswani\n    and Noam Shazeer", ("Ashish Vaswani", "Noam Shazeer")),
    # An accent command opening a later name (bibtexparser's splitter skipped it).
    ("A, B and \\L{}ukasz, C", ("B A", "C Łukasz")),
    ("A, B and \\'Alvarez, Jos\\'e", ("B A", "José Álvarez")),
    ("A, B AND \\v{S}koda, C and\n  \\c{C}elik, Ay\\c{s}e", ("B A", "C Škoda", "Ayşe Çelik")),
    ('A, B and \\AA{}ngstr\\"om, C and {\\c C}elik, D', ("B A", "C Ångström", "D Çelik")),
    # The `~` of a tilde accent is no tie (a space), braced or not; a tie still is.
    ("Mu\\~{n}oz, Carlos and Nguy\\~{\\^{e}}n, Van and Pe\\~na, Ana", ("Carlos Muñoz", "Van Nguyễn", "Ana Peña")),
    ("Carlos Mu\\~{n}oz and Ana Ib\\'a\\~nez and Pe{\\~n}a, Ana", ("Carlos Muñoz", "Ana Ibáñez", "Ana Peña")),
    ("Donald~E. Knuth", ("Donald E. Knuth",)),
    # biblatex's extended name format, as Zotero's Better BibLaTeX writes names with particles.
    (BBT_NAMES, ("Jan van der Berg", "María José de la Cruz", "Ada Lovelace")),
    ("given={Ann, Jr.}, family={{Doe Labs}}, suffix=III", ("Ann, Jr. Doe Labs III",)),
]


@pytest.mark.parametrize(("author", "expected"), AUTHOR_CASES)
def test_author_lists(author: str, expected: tuple[str, ...]) -> None:
    record = only(f"@article{{k, title={{T}}, author={{{author}}}, year=2020}}")
    assert record.authors == expected


def test_name_parts_of_a_tilde_accented_name_for_csl_and_ris() -> None:
    parts = people("Carlos Mu\\~{n}oz and Pe\\~na, Ana and Donald~E. Knuth")
    assert parts == [{"family": "Muñoz", "given": "Carlos"}, {"family": "Peña", "given": "Ana"}, {"family": "Knuth", "given": "Donald E."}]


def test_name_parts_of_biblatex_extended_names_for_csl_and_ris() -> None:
    assert people(BBT_NAMES) == [
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"family": "Cruz", "given": "María José", "non-dropping-particle": "de la"},
        {"family": "Lovelace", "given": "Ada"},
    ]


def test_and_others_marks_the_author_list_as_truncated() -> None:
    # author_count above the names given is how a list named only in part is marked.
    record = only("@article{k, title={T}, author={Touvron, Hugo and Lavril, Thibaut and Izacard, Gautier and others}}")
    assert record.authors == ("Hugo Touvron", "Thibaut Lavril", "Gautier Izacard")
    assert record.author_count is not None and record.author_count > len(record.authors)
    assert only("@article{k, title={T}, author={Touvron, Hugo and Lavril, Thibaut}}").author_count == 2


VENUE_CASES = [
    ("journal = {Nature}", "Nature"),
    ("booktitle = {Proc. ICML}", "Proc. ICML"),
    ("journaltitle = {International Conference on Learning Representations}", "International Conference on Learning Representations"),
    ("journaltitle = {J. {\\\"U}ber}, journal = {Nature}", "Nature"),
]


@pytest.mark.parametrize(("fields", "venue"), VENUE_CASES)
def test_venue_from_journal_booktitle_or_biblatex_journaltitle(fields: str, venue: str) -> None:
    assert only(f"@article{{k, title={{T}}, {fields}}}").venue == venue


DATE_CASES = [
    ("year = {2020}", (2020, None, None)),
    ("year = 2020, month = mar", (2020, 3, None)),
    ("year = 2020, month = {7}", (2020, 7, None)),
    ("year = {2020}, month = {September}", (2020, 9, None)),
    ("date = {2021-03-05}", (2021, 3, 5)),
    ("date = {2023-07}", (2023, 7, None)),
    ("date = {2019}", (2019, None, None)),
    ("", (None, None, None)),
]


@pytest.mark.parametrize(("fields", "expected"), DATE_CASES)
def test_dates(fields: str, expected: tuple) -> None:
    record = only(f"@article{{k, title={{T}}, {fields}}}")
    assert (record.year, record.month, record.day) == expected


LATEX_CASES = [
    (r"Caf\'e", "Café"),
    (r"Na{\"\i}ve", "Naïve"),
    (r"{\AA}ngstr{\"o}m", "Ångström"),
    (r"Ho{\v{r}}ej{\v{s}}", "Hořejš"),
    (r"Q\&A and 10\% of it", "Q&A and 10% of it"),
    (r"{BERT}: Pre-training of Deep {B}idirectional Transformers", "BERT: Pre-training of Deep Bidirectional Transformers"),
    (r"E$^{2}$GAN", "E²GAN"),
    (r"E$^{\textrm{2}}$GAN and CO$_{\textrm{2}}$", "E²GAN and CO₂"),  # Zotero's <sup>, <sub>
]


@pytest.mark.parametrize(("raw", "shown"), LATEX_CASES)
def test_latex_in_titles(raw: str, shown: str) -> None:
    record = only(f"@article{{k, title={{{raw}}}, year=2020}}")
    assert record.title == shown
    assert record.original_title == raw
    assert dict(record.bibtex_fields)["title"] == raw


COMMENT_CASES = [
    "% just a remark\n@article{k, title={T}}",
    "@comment{a remark}\n@article{k, title={T}}",
    "@comment{@article{fake, title={Not a paper}}}\n@article{k, title={T}}",
    "% @article{old, title={Commented out}}\n@article{k, title={T}}",
    "Free text between entries is ignored.\n@article{k, title={T}}",
    "@article{k,\n  title={T},\n  % note={hidden},\n}",
    "@article{k,\n  title={T}, % trailing remark\n  year={2020}\n}",
]


@pytest.mark.parametrize("text", COMMENT_CASES)
def test_comments_are_no_papers_and_no_fields(text: str) -> None:
    record = only(text)
    assert (record.bibtex_key, record.title) == ("k", "T")
    assert all(name in {"title", "year"} for name, _ in record.bibtex_fields)


# Text macros keep their argument; logos become their names; unknown macros keep their text.
TEXT_MACRO_CASES = [
    (r"\texttt{torch.fx}: Practical Program Capture", "torch.fx: Practical Program Capture"),
    (r"Scaling \mbox{GPT-3} with \textsf{DeepSpeed}", "Scaling GPT-3 with DeepSpeed"),
    (r"Typesetting with \LaTeX{} and \BibTeX", "Typesetting with LaTeX and BibTeX"),
    (r"\TeX{} by Knuth, \TeX and \LaTeX\ too", "TeX by Knuth, TeX and LaTeX too"),
    (r"\textbf{B} \emph{E} \textit{I} \textsc{S} \textrm{R} \text{T} \textup{U} \textsl{L}", "B E I S R T U L"),
    (r"\textnormal{N} and \textmd{M} and \underline{U}", "N and M and U"),
    (r"An \unknownmacro{argument} kept", "An argument kept"),
    (r"snake{\textunderscore}case", "snake_case"),
]


@pytest.mark.parametrize(("raw", "shown"), TEXT_MACRO_CASES)
def test_text_macros_keep_their_argument(raw: str, shown: str) -> None:
    record = only(f"@article{{k, title={{{raw}}}, year=2020}}")
    assert record.title == shown
    assert dict(record.bibtex_fields)["title"] == raw


def test_title_made_of_one_macro_is_a_title() -> None:
    record = only("@article{k, title={\\texttt{JAX}}, author={Bradbury, James}, year=2018}")
    assert record.title == "JAX"


def test_percent_inside_a_value_is_text() -> None:
    record = only('@article{k, title={50% Fewer FLOPs}, abstract="We save 30% of memory."}')
    assert record.title == "50% Fewer FLOPs"
    assert record.abstract == "We save 30% of memory."


def test_comment_after_a_broken_entry_is_still_a_comment() -> None:
    # The unclosed brace costs only its entry: the next `@` at a line start begins afresh.
    broken = "@article{broken,\n  title = {Unclosed {brace in title},\n  author = {Broken, B.},\n  year = {2020},\n}\n\n"
    later = "@article{later,\n  title = {A later good entry},\n  % note = {commented-out note},\n  author = {Later, L.},\n  year = {2021},\n}\n"
    result = read_entries("refs.bib", broken + later)
    [record] = result.records
    assert [name for name, _ in record.bibtex_fields] == ["title", "author", "year"]
    assert (record.authors, record.year) == (("L. Later",), 2021)
    assert [(p.source.line, p.severity) for p in result.problems] == [(1, Severity.ERROR)]


PAREN_CASES = [
    "@article(k,\n  title = {Fifty 50% of the time},\n  year = 2020\n)\n",
    '@article(k, title = "Fifty 50% of the time", year = 2020)\n',
    "@article(k,\n  title = {Fifty 50% of the time},\n  % note = {hidden},\n  year = 2020\n)\n% a remark\n",
]


@pytest.mark.parametrize("text", PAREN_CASES)
def test_percent_in_a_parenthesised_entry(text: str) -> None:
    record = only(text)
    assert record.title == "Fifty 50% of the time"
    assert [name for name, _ in record.bibtex_fields] == ["title", "year"]


def test_comment_after_a_parenthesised_entry_is_a_comment() -> None:
    record = only("@article(k, title = {T (and more)}, year = 2020)\n% @article{old, title={Commented out}}\n")
    assert record.title == "T (and more)"


def test_field_name_that_is_no_identifier_is_reported_and_not_kept() -> None:
    result = read_entries("refs.bib", "@article{k,\n  title = {T},\n  bad name = {x},\n  year = 2020\n}\n")
    [record] = result.records
    assert [name for name, _ in record.bibtex_fields] == ["title", "year"]
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (3, Severity.WARNING) and "'bad name'" in problem.message


def test_broken_braces_are_reported_with_their_line_and_the_rest_is_read() -> None:
    text = "@article{good1, title={First}}\n\n@article{bad,\n  title={Unclosed,\n  year={2020},\n\n@article{good2, title={Second}}\n"
    records, problems = read(text)
    assert [(r.bibtex_key, r.source.line) for r in records] == [("good1", 1), ("good2", 7)]
    assert len(problems) == 1 and problems[0].startswith("refs.bib:3: error:")


def test_entry_without_title_is_reported() -> None:
    records, problems = read("@article{notitle, author={Doe, Jane}, year=2020}\n")
    assert records == []
    assert len(problems) == 1 and problems[0].startswith("refs.bib:1:") and "notitle" in problems[0]


def test_duplicate_key_reports_both_lines() -> None:
    text = "@article{same, title={One}}\n@article{other, title={Two}}\n@article{same, title={Three}}\n"
    records, problems = read_bibtex("refs.bib", text)
    assert [r.title for r in records] == ["One", "Two", "Three"]
    [problem] = problems
    assert (str(problem.source), problem.severity) == ("refs.bib:3", Severity.WARNING)
    assert "line 1" in problem.message


IDENTIFIER_CASES = [
    ("doi = {10.1000/XYZ}", "10.1000/xyz", ""),
    ("doi = {https://doi.org/10.1000/XYZ}", "10.1000/xyz", ""),
    ("doi = {doi:10.1000/xyz}", "10.1000/xyz", ""),
    ("eprint = {2101.00001v3}, archivePrefix = {arXiv}", "", "2101.00001"),
    ("eprint = {2101.00001}, eprinttype = {arxiv}", "", "2101.00001"),
    ("journal = {arXiv preprint arXiv:2106.09685}", "", "2106.09685"),
    ("url = {https://arxiv.org/abs/2106.09685v2}", "", "2106.09685"),
]


def test_tex_escapes_in_urls_and_dois_are_undone() -> None:
    # DBLP writes every NeurIPS URL with `\\_`; the user's field is still exported as written.
    url = "http://papers.nips.cc/paper\\_files/paper/2022/hash/abc-Abstract.html?a=1\\&b=50\\%25\\#top"
    record = only(f"@article{{k, title={{T}}, url={{{url}}}, doi={{10.1000/a\\_b}}}}")
    assert record.urls == ("http://papers.nips.cc/paper_files/paper/2022/hash/abc-Abstract.html?a=1&b=50%25#top",)
    assert record.doi == "10.1000/a_b"
    assert dict(record.bibtex_fields)["url"] == url


URL_COMMAND_CASES = [
    ("howpublished = {\\url{https://github.com/foo/bar_baz}}", ("https://github.com/foo/bar_baz",)),
    ("note = {Available at \\url{https://example.org/x} and \\href{http://b.org/y}{here}}", ("https://example.org/x", "http://b.org/y")),
    ("url = {https://a.org/p}, howpublished = {\\url{https://a.org/p}}", ("https://a.org/p",)),
    ("note = {\\url{javascript:alert(1)}}", ()),
]


@pytest.mark.parametrize(("fields", "urls"), URL_COMMAND_CASES)
def test_links_in_url_commands_are_links(fields: str, urls: tuple[str, ...]) -> None:
    [record], problems = read(f"@misc{{k, title={{T}}, {fields}}}")
    assert record.urls == urls
    assert all("would act when the exported .bib is compiled" in problem for problem in problems)  # a `javascript:` link


@pytest.mark.parametrize(("fields", "doi", "arxiv"), IDENTIFIER_CASES)
def test_identifiers(fields: str, doi: str, arxiv: str) -> None:
    record = only(f"@article{{k, title={{T}}, {fields}}}")
    assert (record.doi, record.arxiv_id) == (doi, arxiv)


# --- broken input: every broken spot reported at its line, the neighbours read -----------------

GOOD_BEFORE = "@article{before, title={Before}, year=2020}\n"  # line 1; the broken text starts on line 2
GOOD_AFTER = "@article{after, title={After}, year=2021}\n"

BROKEN_CASES = [
    # broken text (from line 2) → (line, severity, words in the message); rejected entries
    ("@article{b,\n  title = {Unclosed {brace,\n  year = 2020\n}\n", [(2, "error", "`{` is not closed")], 1),
    ("@article{b,\n  title = {Closed},\n  year = 2020\n\n", [(2, "error", "not closed before the next")], 1),
    ('@article{b,\n  title = "Unclosed quote,\n  year = 2020\n}\n', [(2, "error", '`"` is not closed')], 1),
    ("@article{title = {No key}, year = 2020}\n", [(2, "error", "no `key,`")], 1),
    ("@article{b, title = {Unclosed, year=2020} @article{c, title={Same line}}\n", [(2, "error", "'b'"), (2, "error", "'c' lost")], 2),
    ("@article{b,\n  title = {Ends} early}},\n  year = 2020\n}\n", [(3, "warning", "extra `}`")], 0),
    ("@article{b, title = {}, year = 2020}\n", [(2, "error", "no title")], 1),
    ("@article{b, title = {{}}, year = 2020}\n", [(2, "error", "no title")], 1),
    ("@article{b, author = {Doe, Jane}}\n", [(2, "error", "no title")], 1),
    ("}}} garbage = {{{\n", [(2, "warning", "outside any entry")], 0),
    ("@string{broken = {unclosed}\n", [(2, "error", "broken @string")], 0),
]


@pytest.mark.parametrize(("broken", "expected", "rejected"), BROKEN_CASES, ids=[c[0].split("\n")[0][:40] for c in BROKEN_CASES])
def test_broken_entries_are_reported_at_their_line_and_neighbours_survive(broken: str, expected: list, rejected: int) -> None:
    result = read_entries("refs.bib", GOOD_BEFORE + broken + GOOD_AFTER)
    assert {"before", "after"} <= {r.bibtex_key for r in result.records}
    got = [(p.source.line, p.severity.value, p.message) for p in result.problems]
    assert [(line, severity) for line, severity, _ in got] == [(line, severity) for line, severity, _ in expected], got
    assert all(words in message for (_, _, message), (_, _, words) in zip(got, expected)), got
    assert result.rejected == rejected == sum(severity == "error" and "@string" not in m for _, severity, m in got)


def test_file_ending_inside_an_entry_is_reported() -> None:
    result = read_entries("refs.bib", GOOD_BEFORE + "@article{cut,\n  title = {Cut off},\n  year = 20")
    assert [r.bibtex_key for r in result.records] == ["before"]
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (2, Severity.ERROR) and "file ends inside" in problem.message
    assert result.rejected == 1


def test_duplicate_string_macro_uses_the_later_value() -> None:
    result = read_entries("refs.bib", '@string{j = "First"}\n@string{j = "Second"}\n@article{k, title={T}, journal=j}\n')
    assert [r.venue for r in result.records] == ["Second"]
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (2, Severity.WARNING) and "line 1" in problem.message


MISSING_COMMA_CASES = [
    ("@article{k,\n  title = {Missing comma between fields}\n  author = {Comma, C.},\n  year = {2020},\n}\n", 3),
    ('@article{k,\n  title = "Missing comma between fields"\n  author = {Comma, C.},\n  year = 2020\n}\n', 3),
    ("@article{k,\n  title = {Missing comma between fields},\n  year = 2020\n  author = {Comma, C.}\n}\n", 4),
    ("@article{k,\n  title = {Missing comma between fields},\n  year = 2020 author = {Comma, C.}\n}\n", 3),
]


@pytest.mark.parametrize(("text", "line"), MISSING_COMMA_CASES)
def test_missing_comma_between_fields_is_reported_and_both_fields_read(text: str, line: int) -> None:
    result = read_entries("refs.bib", text)
    [record] = result.records
    assert (record.title, record.authors, record.year) == ("Missing comma between fields", ("C. Comma",), 2020)
    assert sorted(name for name, _ in record.bibtex_fields) == ["author", "title", "year"]
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (line, Severity.WARNING), problem
    assert "missing `,` before 'author'" in problem.message


def test_equals_sign_inside_a_value_is_text() -> None:
    record = only("@article{k,\n  title = {Where x = 1\n  holds},\n  note = \"a = b\"\n}\n")
    assert record.title == "Where x = 1 holds"


def test_repeated_field_keeps_the_first_value_and_is_reported_at_its_line() -> None:
    result = read_entries("refs.bib", "@article{k,\n  title = {First},\n  year = 2020,\n  Title = {Second}\n}\n")
    assert [r.title for r in result.records] == ["First"]
    [problem] = result.problems
    assert (problem.source.line, problem.severity) == (4, Severity.WARNING) and "'title' given twice" in problem.message


def test_a_volume_cross_referenced_by_papers_is_no_entry_and_no_reject() -> None:
    text = "@proceedings{vol, title={Proceedings}}\n@inproceedings{p, title={Paper}, crossref={vol}}\n"
    result = read_entries("refs.bib", text)
    assert ([r.bibtex_key for r in result.records], result.rejected, result.problems) == (["p"], 0, [])


def test_a_sorting_macro_sorts_and_is_never_shown() -> None:
    text = '@preamble{"\\newcommand{\\noopsort}[1]{}"}\n@article{k, title={{\\noopsort{a}}Sorting Tricks}, author={Zeta, Z}, year=2020}\n'
    records, _ = read_bibtex("refs.bib", text)
    assert [r.title for r in records] == ["Sorting Tricks"]


@pytest.mark.parametrize("authors", ["Alpha, A. and Beta, B. and", "and Alpha, A. and Beta, B.", "Alpha, A. and and Beta, B."])
def test_a_stray_and_in_an_author_list_separates_nothing(authors: str) -> None:
    records, _ = read_bibtex("refs.bib", f"@article{{k, title={{T}}, author={{{authors}}}, year=2020}}\n")
    assert records[0].authors == ("A. Alpha", "B. Beta")


def test_a_crossref_to_an_entry_not_in_the_file_is_reported() -> None:
    records, problems = read_bibtex("refs.bib", "\n@inproceedings{k, title={T}, crossref={conf2020}, year=2020}\n")
    assert [r.title for r in records] == ["T"]
    assert [(str(p.source), p.severity.value) for p in problems] == [("refs.bib:2", "warning")] and "'conf2020'" in problems[0].message


def test_an_undefined_macro_or_a_date_that_is_none_is_reported_where_it_is_written() -> None:
    records, problems = read(
        "@string{ttl = {Defined Title}}\n"
        "@article{a, title = ttlx, author = {A, B},\n  year = 2020, month = jna}\n"
        "@article{b, title = ttl # { and more}, journal = jmx, year = {in press}}\n"
        "@article{c, title = {Year with a letter}, year = {2020a}, month = {13}}\n"
        "@article{d, title = {Fine}, year = {2021}, month = jun}\n"
    )
    assert [(r.title, r.year, r.month) for r in records] == [("ttlx", 2020, None), ("Defined Title and more", None, None), ("Year with a letter", 2020, None), ("Fine", 2021, 6)]
    assert [problem.split(": warning: ")[0] for problem in problems] == ["refs.bib:2", "refs.bib:3", "refs.bib:4", "refs.bib:4", "refs.bib:5"]
    assert "'ttlx'" in problems[0] and "'jna'" in problems[1] and "'jmx'" in problems[2] and "'in press'" in problems[3] and "'13'" in problems[4]


def test_biblatex_xdata_fields_are_inherited_and_a_set_is_no_paper() -> None:
    records, problems = read(
        "@xdata{pub, publisher = {Springer}, address = {Berlin}}\n"
        "@book{b1, title = {A Book}, author = {A, B}, year = 2020, publisher = {Own}, xdata = {pub}}\n"
        "@set{s1, entryset = {b1}}\n"
    )
    [book] = records
    assert dict(book.bibtex_fields) == {"title": "A Book", "author": "A, B", "year": "2020", "publisher": "Own", "address": "Berlin"}
    assert [p.split(": warning: ")[0] for p in problems] == ["refs.bib:3"] and "@set 's1'" in problems[0]


def test_an_author_list_ending_in_et_al_means_more_authors_as_others_does() -> None:
    record = only("@article{b, title = {T}, author = {Brown, Tom B. and Mann, Benjamin and et al.}, year = 2020}")
    assert record.authors == ("Tom B. Brown", "Benjamin Mann") and record.author_count == 3
    assert dict(record.bibtex_fields)["author"] == "Brown, Tom B. and Mann, Benjamin and others"


def test_bibdesk_links_are_the_papers_links() -> None:
    record = only("@article{Kingma:2015aa, title = {Adam}, year = 2015, bdsk-url-1 = {https://arxiv.org/abs/1412.6980}}")
    assert record.urls == ("https://arxiv.org/abs/1412.6980",) and record.arxiv_id == "1412.6980"


KEYLESS = """@article{,
  title = {An Entry Exported Without A Citation Key},
  author = {Nokey, Nina},
  year = {2020},
}

@article{smith2020gradient,
  title = {Gradient Compression},
  author = {Smith, Alice},
  journal = {JMLR},
  year = {2020},
}

@book{jones2019handbook,
  title = {Handbook of Efficient Training},
  editor = {Jones, Ed},
  year = {2019},
}
"""


def test_an_entry_without_a_key_lends_its_fields_to_no_other_entry_and_is_reported() -> None:
    records, problems = read_bibtex("refs.bib", KEYLESS)
    by_key = {r.bibtex_key: r for r in records}
    assert sorted(by_key) == ["", "jones2019handbook", "smith2020gradient"]
    assert "booktitle" not in dict(by_key["smith2020gradient"].bibtex_fields)
    assert by_key["jones2019handbook"].authors == () and "author" not in dict(by_key["jones2019handbook"].bibtex_fields)
    [problem] = problems
    assert (str(problem.source), problem.severity) == ("refs.bib:1", Severity.WARNING)
    assert "has no key" in problem.message and "'nokey2020entry'" in problem.message


def test_an_absent_crossref_or_xdata_is_never_looked_up() -> None:
    keyless = {"": {"title": "Keyless", "author": "Nokey, Nina", "booktitle": "B"}}
    own = {"title": "Own"}
    assert with_crossref(own, keyless) == own and with_crossref(own | {"crossref": " "}, keyless) == own | {"crossref": " "}
    assert with_xdata(own, keyless) == own and with_xdata(own | {"xdata": ","}, keyless) == own | {"xdata": ","}


CLASSIC_MAC = "% Exported by BibDesk\r@article{good1,\r  title = {One},\r  year = {2020},\r}\r\r@article{notitle,\r  year = {2020},\r}\r@article{good2,\r  title = {Two},\r  year = {2021},\r  year = {2022},\r}\r"


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_line_endings_of_any_system_read_alike_with_their_line_numbers(newline: str) -> None:
    result = read_entries("refs.bib", CLASSIC_MAC.replace("\r", newline))
    assert [(r.bibtex_key, r.source.line) for r in result.records] == [("good1", 2), ("good2", 10)]
    assert [(p.source.line, p.severity.value) for p in result.problems] == [(7, "error"), (13, "warning")]


@pytest.mark.parametrize(
    ("text", "line"),
    [("% @article{a, title={T}}\n", 1), ("Exported.\n\n% @book(b,\n%  title={T})\n", 3), ("@comment{x}\n%@ARTICLE {c,\n", 2)],
    ids=["commented-out", "parenthesised", "uppercase"],
)
def test_entry_openings_that_give_no_entry_and_no_error_are_reported(text: str, line: int) -> None:
    result = read_entries("refs.bib", text)
    assert [(p.source.line, p.severity.value) for p in result.problems] == [(line, "warning")]
    assert "no BibTeX entry read" in result.problems[0].message


@pytest.mark.parametrize("text", ["", "@string{acl = {ACL}}\n", "@comment{jabref-meta: databaseType:bibtex;}\n", "@preamble{\"x\"}\n"])
def test_a_file_without_entry_openings_is_not_reported(text: str) -> None:
    assert read_entries("refs.bib", text).problems == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("title", r"Training \input{/etc/hostname} Transformers"),
        ("note", r"\immediate\write18{touch x}"),
        ("note", r"\openout1=x.tex"),
        ("title", r"A \def\x{y} trick"),
        ("title", r"$x^^5cinput$"),
        ("title", r"\csname input\endcsname{x}"),
        ("howpublished", r"\href{javascript:alert(1)}{click}"),
        ("howpublished", r"\url{ data:text/html,x}"),
        ("url", "javascript:alert(1)"),
        ("url", " JavaScript:alert(1)"),
        ("pdf", "file:///etc/passwd"),
    ],
)
def test_tex_that_would_act_when_compiled_is_found(name: str, value: str) -> None:
    assert unsafe_tex(name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("title", r"The {\"O}ld \emph{Way} of $\alpha$-Things and \textbf{Bold} {\L}{\'o}d\'z"),
        ("title", r"$\left( x \right)$ and \letterspace and \definition and \endash and \readout"),
        ("howpublished", r"\url{https://example.org/a_b} and \href{http://x.org}{x} and \href{mailto:a@b.org}{mail}"),
        ("note", r"NASA\@. and \LaTeX{} and \url{doi:10.1/x}"),
        ("url", "https://example.org/x"),
        ("url", "www.example.org"),
        ("url", "HTTPS://Example.org/x"),
        ("title", "Costs $5 and $10: the ^ sign"),
    ],
)
def test_ordinary_tex_is_left_as_written(name: str, value: str) -> None:
    assert unsafe_tex(name, value) == ""


def test_each_field_that_would_act_when_compiled_gets_a_warning() -> None:
    text = "@misc{evil,\n  title = {A \\input{x} B},\n  author = {Doe, Jane},\n  year = {2024},\n  url = {javascript:alert(1)}\n}\n"
    records, problems = read(text)
    assert len(records) == 1
    assert problems == [
        "refs.bib:2: warning: title of entry 'evil' has `\\input`, which would act when the exported .bib is compiled; written as plain text in the exports",
        "refs.bib:5: warning: url of entry 'evil' has `javascript:`, which would act when the exported .bib is compiled; left out of the exports",
    ]
