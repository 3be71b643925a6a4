"""BibTeX export: round trips through bibtexparser, hostile text, users' own entries."""

from __future__ import annotations

import re
import unicodedata

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paper_factory import hostile_titles, make_paper
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from generator.bibtex import (
    bibtex_entry,
    bibtex_file,
    join_encoded,
    latex_char,
    latex_text,
    latex_title,
    needs_protection,
    proper_names,
    unencodable_problems,
    url_value,
)
from generator.models import Source
from generator.normalize import clean_whitespace
from generator.readers.bibtex import latex_to_text

# Characters pdflatex has no form for without a package: kept as UTF-8, never replaced.
KEPT_AS_UTF8 = re.compile(r"[\u3000-\u9fff\U0001F000-\U0001FFFF]")
# Letters whose accent only T1 fonts have: reduced to their ASCII letter by design.
FOLDED = {"ą": "a", "ð": "d"}


def _decoder() -> LatexNodes2Text:
    """pylatexenc's decoder, taught the OT1-safe commands the exporter writes."""
    db = get_default_latex_context_db()
    extra = {"textbraceleft": "{", "textbraceright": "}", "textless": "<", "textgreater": ">", "textbar": "|", "textasciicircum": "^"}
    db.add_context_category("exports", macros=[MacroTextSpec(name, text) for name, text in extra.items()], prepend=True)
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=True)


DECODER = _decoder()


def comparable(text: str) -> str:
    """Both sides of a title comparison, with the differences that are not losses folded:
    whitespace, superscripts (`²` is written `\\textsuperscript{2}`) and quote styles."""
    text = unicodedata.normalize("NFKC", clean_whitespace(text))
    text = re.sub("[‘’`]", "'", text)
    return " ".join(text.split())


def parse(text: str) -> bibtexparser.Library:
    return bibtexparser.parse_string(text)


def test_round_trip_keeps_every_paper_key_and_title() -> None:
    papers = [
        make_paper("GPTQ: Accurate Post-Training Quantization", key="frantar2022gptq", arxiv_id="2210.17323"),
        make_paper("Mixture-of-Experts with LoRA adapters", key="moe2024lora", authors=(), organization="OpenBMB"),
        make_paper("E²GAN: Efficient Training of Efficient GANs", key="e2gan2024", urls=("https://example.org/a_b?x=1&y=%20#top",)),
        make_paper("Naïve Bayes für Übersetzung — ε-greedy", key="naive", doi="10.1000/xyz_1"),
    ]
    library = parse(bibtex_file(papers))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [paper.key for paper in papers]
    for paper, entry in zip(papers, library.entries):
        assert comparable(DECODER.latex_to_text(entry["title"])) == comparable(paper.title)


@pytest.mark.parametrize("title", hostile_titles())
def test_hostile_title_parses_back(title: str) -> None:
    paper = make_paper(title, key="hostile")
    text = bibtex_file([paper, make_paper("After it", key="after")])
    library = parse(text)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == ["hostile", "after"]
    assert KEPT_AS_UTF8.sub("", text).isascii()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    decoded = DECODER.latex_to_text(library.entries[0]["title"])
    assert comparable(decoded) == comparable(title.translate(str.maketrans(FOLDED)))


def test_hostile_titles_together_and_without_authors() -> None:
    titles = hostile_titles()
    papers = [make_paper(title, key=f"h{index}", authors=() if index % 2 else ("Zoë Ünal",)) for index, title in enumerate(titles)]
    library = parse(bibtex_file(papers))
    assert library.failed_blocks == []
    assert len(library.entries) == len(papers)


def test_user_entry_is_written_back_as_written() -> None:
    fields = (
        ("title", "{GPTQ}: Accurate Post-Training Quantization for {G}enerative Transformers"),
        ("author", "Frantar, Elias and Ashkboos, Saleh and Alistarh, Dan"),
        ("booktitle", "Proc.\\ Int.\\ Conf.\\ on Learning Representations ({ICLR})"),
        ("year", "2023"),
        ("month", "may"),
        ("abstract", "We use $\\epsilon$-accurate {\\'e}tudes \\& 50\\% fewer bits."),
        ("file", "C\\:\\\\Users\\\\me\\\\gptq.pdf:PDF"),
    )
    paper = make_paper("GPTQ", key="frantar2023gptq", bibtex_key="Frantar:2023", bibtex_type="inproceedings", bibtex_fields=fields)
    text = bibtex_entry(paper)
    assert text.startswith("@inproceedings{frantar2023gptq,\n")
    lines = [line.removesuffix(",") for line in text.splitlines()]
    for name, value in fields[:4] + fields[5:6]:
        assert f"  {name} = {{{value}}}" in lines
    assert "  month = may" in lines  # the macro, not the string "may"
    assert "file" not in text and "Users" not in text
    entry = bibtexparser.parse_string(text, parse_stack=[]).entries[0]
    assert {field.key: field.value for field in entry.fields}["abstract"] == "{" + fields[5][1] + "}"


def test_reference_manager_bookkeeping_is_never_published() -> None:
    private = (
        ("owner", "jdoe"),
        ("timestamp", "2024.01.02"),
        ("annote", "my notes"),
        ("Bdsk-File-1", "YnBsaXN0"),
        ("mendeley-tags", "toread"),
        ("annotation", "Private note: do not share"),  # Better BibTeX (biblatex's annote)
        ("mendeley-groups", "Thesis/Rejected"),
        ("comment", "JabRef comment"),
        ("comment-jdoe", "JabRef per-user comment"),
    )
    fields = (("title", "GPTQ"), ("note", "Oral presentation"), *private)
    paper = make_paper("GPTQ", key="k", bibtex_key="k", bibtex_type="article", bibtex_fields=fields)
    text = bibtex_entry(paper)
    assert "GPTQ" in text and not any(value in text for _, value in private)
    assert "note = {Oral presentation}" in text  # printed by styles: public


BBT_NAMES = "family=Berg, given=Jan, prefix=van der, useprefix=false and family=Cruz, given=María José, prefix=de la, useprefix=true and Lovelace, Ada"


def test_biblatex_extended_names_are_written_in_bibtex_form() -> None:
    # BibTeX reads `family=Berg, given=Jan, prefix=van der` as one name: "Too many commas in name".
    fields = (("title", "T"), ("author", BBT_NAMES), ("editor", "Doe, Jane and  Roe, R."), ("year", "2020"))
    lines = bibtex_entry(make_paper("T", key="k", bibtex_type="article", bibtex_fields=fields)).splitlines()
    assert "  author = {van der Berg, Jan and de la Cruz, Mar{\\'i}a Jos{\\'e} and Lovelace, Ada}," in lines
    assert "  editor = {Doe, Jane and  Roe, R.}," in lines  # a classic list stays as written


def test_user_entry_keeps_its_latex_but_not_raw_non_ascii() -> None:
    fields = (("title", "{\\'E}tudes on $\\alpha$ and ε with Müller"), ("author", "Müller, J{\\\"o}rg"), ("year", "2020"))
    paper = make_paper("x", key="etudes", bibtex_type="misc", bibtex_fields=fields)
    lines = [line.removesuffix(",") for line in bibtex_entry(paper).splitlines()]
    assert "  title = {{\\'E}tudes on $\\alpha$ and {\\ensuremath{\\varepsilon}} with M{\\\"u}ller}" in lines
    assert "  author = {M{\\\"u}ller, J{\\\"o}rg}" in lines


def test_user_entry_with_unbalanced_value_falls_back_to_escaped_text() -> None:
    fields = (("title", "Broken } title with {GPTQ"), ("author", "Doe, Jane"), ("journal", "J. of Tests"), ("year", "2020"))
    paper = make_paper("Broken title", key="doe2020", bibtex_type="article", bibtex_fields=fields)
    library = parse(bibtex_file([paper, make_paper("Next", key="next")]))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == ["doe2020", "next"]
    assert comparable(DECODER.latex_to_text(library.entries[0]["title"])) == comparable(latex_to_text(fields[0][1]))
    assert library.entries[0]["journal"] == "J. of Tests"


@pytest.mark.parametrize("bad", ["ends in a backslash \\", "escaped \\{ brace", "line\n@misc{x, title={y}}"])
def test_user_values_that_would_end_the_entry_early_are_not_written_raw(bad: str) -> None:
    paper = make_paper("T", key="k", bibtex_type="misc", bibtex_fields=(("title", "T"), ("note", bad), ("author", "A B")))
    library = parse(bibtex_file([paper, make_paper("Next", key="next")]))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == ["k", "next"]
    assert f"{{{bad}}}" not in bibtex_entry(paper)


@pytest.mark.parametrize("bad", ["raw _under_ score", "50% off", "A & B", "#1", "x^2", "open $math"])
def test_user_text_that_pdflatex_rejects_falls_back(bad: str) -> None:
    paper = make_paper("T", key="k", bibtex_type="misc", bibtex_fields=(("title", bad), ("author", "A B"), ("year", "2020")))
    entry = parse(bibtex_entry(paper)).entries[0]
    assert entry["title"] != bad
    assert comparable(DECODER.latex_to_text(entry["title"])) == comparable(latex_to_text(bad))


def test_user_latex_that_is_valid_and_verbatim_fields_stay_raw() -> None:
    fields = (
        ("title", "$x_1^2$ and \\(y_2\\) with 50\\% \\& \\#1 \\_ ~ {\\'e}"),
        ("url", "https://x.org/a_b?c=1&d=%20#e~f"),
        ("doi", "10.1000/a_b"),
        ("author", "A B"),
    )
    paper = make_paper("T", key="k", bibtex_type="misc", bibtex_fields=fields)
    lines = [line.removesuffix(",") for line in bibtex_entry(paper).splitlines()]
    for name, value in fields:
        assert f"  {name} = {{{value}}}" in lines


@pytest.mark.parametrize("name", ["% note", "bad name", "a=b", "{x}", "1st", ""])
def test_user_field_whose_name_is_no_bibtex_identifier_is_not_written(name: str) -> None:
    fields = (("title", "T"), (name, "x"), ("author", "A B"), ("year", "2020"))
    paper = make_paper("T", key="k", bibtex_type="misc", bibtex_fields=fields)
    library = parse(bibtex_file([paper, make_paper("Next", key="next")]))
    assert library.failed_blocks == []
    assert [field.key for field in library.entries[0].fields] == ["title", "author", "year"]


def test_user_url_command_is_written_as_written() -> None:
    # `\\url{…}` takes `_`, `#`, `&`, `%` and `~` as they are: the value is valid LaTeX.
    fields = (("title", "T"), ("howpublished", "\\url{https://github.com/foo/bar_baz?a=1&b=%20#c~d}"), ("author", "A B"))
    paper = make_paper("T", key="k", bibtex_type="misc", bibtex_fields=fields)
    lines = [line.removesuffix(",") for line in bibtex_entry(paper).splitlines()]
    assert f"  howpublished = {{{fields[1][1]}}}" in lines


@pytest.mark.parametrize("bad", ["\\url{https://a.org/x} and a_b", "\\url{unclosed", "\\url x_y"])
def test_text_around_a_url_command_is_still_checked(bad: str) -> None:
    paper = make_paper("T", key="k", bibtex_type="misc", bibtex_fields=(("title", "T"), ("note", bad), ("author", "A B")))
    assert f"{{{bad}}}" not in bibtex_entry(paper)


def test_user_entry_with_only_a_biblatex_date_gets_year_and_month() -> None:
    fields = (("title", "Dated"), ("author", "A B"), ("date", "2021-03-05"))
    paper = make_paper("Dated", key="dated", bibtex_type="misc", bibtex_fields=fields, year=2021, month=3)
    entry = parse(bibtex_entry(paper)).entries[0]
    assert (entry["date"], entry["year"], entry["month"]) == ("2021-03-05", "2021", "mar")


def test_user_entry_with_only_a_biblatex_journaltitle_gets_a_journal() -> None:
    fields = (("title", "T"), ("author", "A B"), ("journaltitle", "J. of {\\\"U}ber"), ("date", "2017"))
    paper = make_paper("T", key="k", bibtex_type="article", bibtex_fields=fields, year=2017)
    entry = parse(bibtex_entry(paper)).entries[0]
    assert (entry["journaltitle"], entry["journal"]) == ('J. of {\\"U}ber', 'J. of {\\"U}ber')


def test_user_entry_without_author_gets_a_sort_key() -> None:
    paper = make_paper("Proceedings of Things", key="procs", bibtex_type="misc", bibtex_fields=(("title", "Proceedings of Things"),))
    entry = parse(bibtex_entry(paper)).entries[0]
    assert entry["key"] == "Proceedings"


def test_generated_entry_fields() -> None:
    paper = make_paper(
        "Scaling FP8 Training",
        key="fp8",
        authors=("Jane Doe", "Wang Wei"),
        author_count=5,
        year=2024,
        month=10,
        doi="10.1000/abc",
        arxiv_id="2401.01234",
        urls=("https://example.org/p",),
    )
    text = bibtex_entry(paper)
    entry = parse(text).entries[0]
    assert entry.entry_type == "misc"
    assert entry["author"] == "Jane Doe and Wang Wei and others"
    assert "  month = oct," in text.splitlines()  # the macro
    assert entry["year"] == "2024"
    assert entry["doi"] == "10.1000/abc"
    assert entry["url"] == "https://example.org/p"
    assert entry["eprint"] == "2401.01234"
    assert entry["archiveprefix"] == "arXiv"
    assert "key" not in entry.fields_dict


def test_entry_without_authors_has_key_and_note_not_author() -> None:
    paper = make_paper("The MiniCPM Story", key="minicpm", authors=(), author_count=12, organization="openbmb OpenBMB", year=None, month=4)
    entry = parse(bibtex_entry(paper)).entries[0]
    assert "author" not in entry.fields_dict
    assert entry["key"] == "MiniCPM"  # the first word that is not a stopword
    assert entry["note"] == "openbmb OpenBMB"
    assert entry["year"] == "n.d."
    assert "month" not in entry.fields_dict  # a month without a year makes BibTeX warn


def test_author_names_that_bibtex_would_split_are_braced() -> None:
    paper = make_paper("T", key="t", authors=("Research and Development Team", "Smith, Jr.", "Zoë Ünal", "Others"))
    entry = parse(bibtex_entry(paper)).entries[0]
    assert entry["author"] == "{Research and Development Team} and {Smith, Jr.} and Zo{\\\"e} {\\\"U}nal and {Others}"


def test_acronyms_are_braced_and_ordinary_words_are_not() -> None:
    title = latex_title("GPTQ and LoRA for MoE in FP8 with CityGaussianV2, E²GAN, 3D Model and X-ray Adam")
    for protected in ["{GPTQ}", "{LoRA}", "{MoE}", "{FP8}", "{CityGaussianV2}", "{E{\\textsuperscript{2}}GAN}", "{3D}", "{X}-ray"]:
        assert protected in title
    for plain in ["and", "Model", "Adam", "with"]:
        assert "{" + plain + "}" not in title


@pytest.mark.parametrize(
    ("word", "protect"),
    [("GPTQ", True), ("LoRA", True), ("iPhone", True), ("FP8", True), ("V2", True), ("εGAN", True), ("X", True)]
    + [("Model", False), ("adam", False), ("A", False), ("2024", False), ("É", True)],
)
def test_needs_protection(word: str, protect: bool) -> None:
    assert needs_protection(word) is protect


def test_every_character_encodes_to_balanced_ascii_or_stays_as_it_is() -> None:
    for codepoint in list(range(0x20, 0x3000)) + [0x4E2D, 0x1F600, 0xFEFF, 0x10FFFD]:
        encoded = latex_char(chr(codepoint))
        assert encoded.isascii() or encoded == chr(codepoint), hex(codepoint)
        assert not re.search(r"[\x00-\x1f\x7f]", encoded), hex(codepoint)
        depth = 0
        for char in encoded:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, hex(codepoint)
        assert depth == 0, hex(codepoint)


def test_latex_text_escapes_every_special() -> None:
    assert latex_text("\\ { } & % $ # _ ^ ~") == (
        "{\\textbackslash} {\\textbraceleft} {\\textbraceright} \\& \\% \\$ \\# \\_ {\\textasciicircum} {\\textasciitilde}"
    )
    assert latex_text("é ü ß ε × ²") == "{\\'e} {\\\"u} {\\ss} {\\ensuremath{\\varepsilon}} {\\ensuremath{\\times}} {\\textsuperscript{2}}"
    assert latex_text("a\u200bb\u202ec\x00d") == "abc d"


# text → LaTeX: where encoded characters meet, `{}` stops TeX joining them (`--` → –,
# `''` → ”, `!`` → ¡); each character alone keeps its usual form.
DASHES_AND_QUOTES = [
    ("a--b", "a-{}-b"),
    ("a---b", "a-{}-{}-b"),
    ("''quoted''", "'{}'quoted'{}'"),
    ("`code`", "{\\textasciigrave}code{\\textasciigrave}"),
    ("–-", "--{}-"),
    ("-–", "-{}--"),
    ("—-", "---{}-"),
    ("––", "--{}--"),
    ("–—", "--{}---"),
    ("‘‘x", "`{}`x"),
    ("‘“", "`{}``"),
    ("'”", "'{}''"),
    ("”'", "''{}'"),
    ("’", "{\\textquoteright}"),
    ("Don’t", "Don{\\textquoteright}t"),
    ("‘’", "`{\\textquoteright}"),
    ("!‘ ?“", "!{}` ?{}``"),
    ("“x” – y — z ‘w’", "``x'' -- y --- z `w{\\textquoteright}"),
    ("it's", "it's"),
]


@pytest.mark.parametrize(("text", "encoded"), DASHES_AND_QUOTES, ids=[case[0] for case in DASHES_AND_QUOTES])
def test_dashes_and_quotes_read_back_as_written(text: str, encoded: str) -> None:
    assert latex_text(text) == encoded
    assert latex_title(text) == encoded
    assert latex_to_text(encoded) == text


def test_encoded_pieces_are_parted_across_dropped_characters_and_protected_words() -> None:
    assert join_encoded(["-", "", "-"]) == "-{}-"  # a zero-width mark between them is dropped
    assert join_encoded(["--", "`", "a", "'", "'"]) == "--`a'{}'"
    assert latex_title("GPTQ-–LoRA ‘‘X’’") == "{GPTQ}-{}--{LoRA} `{}`{X}{\\textquoteright}{\\textquoteright}"


def test_user_entry_raw_non_ascii_dash_or_quote_is_parted_from_its_neighbour() -> None:
    fields = (("title", "{GPTQ} 1--2 -– ‘‘x’ it's"), ("author", "O’Brien, D."), ("year", "2020"))
    paper = make_paper("x", key="k", bibtex_type="misc", bibtex_fields=fields)
    lines = [line.removesuffix(",") for line in bibtex_entry(paper).splitlines()]
    assert "  title = {{GPTQ} 1--2 -{}-- `{}`x{\\textquoteright} it's}" in lines  # the user's own `--` stays
    assert "  author = {O{\\textquoteright}Brien, D.}" in lines
    assert latex_to_text(parse(bibtex_entry(paper)).entries[0]["title"]) == "GPTQ 1–2 -– ‘‘x’ it's"


def test_url_value_keeps_urls_and_encodes_what_uris_cannot_hold() -> None:
    assert url_value("https://x.org/a_b~c?q=1&r=%20#frag") == "https://x.org/a_b~c?q=1&r=%20#frag"
    assert url_value("https://x.org/{a} b\\é%zz") == "https://x.org/%7Ba%7D%20b%5C%C3%A9%25zz"


def test_output_is_deterministic_and_entry_matches_file() -> None:
    papers = [make_paper(title, key=f"k{index}") for index, title in enumerate(hostile_titles())]
    assert bibtex_file(papers) == bibtex_file(list(papers))
    assert bibtex_file(papers[:1]) == bibtex_entry(papers[0])
    assert "\n\n@misc{k1," in bibtex_file(papers)


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="gptq"):
        bibtex_file([make_paper("One", key="gptq"), make_paper("Two", key="GPTQ")])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(st.text(max_size=200), min_size=1, max_size=5), authors=st.lists(st.text(max_size=30), max_size=3))
def test_any_text_as_a_title_parses_back(titles: list[str], authors: list[str]) -> None:
    papers = [make_paper(title, key=f"k{index}", authors=tuple(authors)) for index, title in enumerate(titles)]
    text = bibtex_file(papers)
    library = parse(text)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [paper.key for paper in papers]
    assert all(char.isascii() or latex_char(char) == char for char in text)  # only what has no LaTeX form stays UTF-8


def test_letters_with_stacked_accents_nest_their_accent_commands() -> None:
    assert latex_text("Nguyễn Thị Bích") == "Nguy{\\~{\\^{e}}}n Th{\\d{i}} B{\\'i}ch"
    assert latex_text("Phạm Đức Việt") == latex_text("Phạm") + " " + latex_text("Đức") + " Vi{\\^{\\d{e}}}t"


def test_an_accented_i_keeps_its_dot_for_biber() -> None:
    # biber reads `\'\i` as a dotless ı and a combining accent, which pdflatex rejects.
    assert latex_text("Martín, María, Naïve, Àìî, Pǐnyīn") == "Mart{\\'i}n, Mar{\\'i}a, Na{\\\"i}ve, {\\`A}{\\`i}{\\^i}, P{\\v{i}}ny{\\={i}}n"
    assert latex_char("ı") == "{\\i}"  # the dotless letter itself stays


def test_text_without_a_latex_form_is_kept_and_reported() -> None:
    paper = make_paper("基于深度学习的模型压缩", key="chinese2023", authors=("张三", "Wang Xiaoming"))
    entry = bibtex_file([paper])
    assert "基于深度学习的模型压缩" in entry and "张三" in entry and "?" not in entry
    [problem] = unencodable_problems([paper, make_paper("Plain ASCII", key="plain")])
    assert "chinese2023" in problem.message and "title '基于深度学习的模型压缩'; author '张三'" in problem.message


def test_unencodable_text_in_a_users_own_field_is_reported_at_their_entry() -> None:
    paper = make_paper(
        "Compression",
        key="wang2023",
        sources=(Source("papers/a.txt", 7), Source("refs/b.bib", 12)),
        bibtex_type="article",
        bibtex_fields=(("title", "Compression"), ("journal", "计算机学报"), ("year", "2023")),
    )
    [problem] = unencodable_problems([paper])
    assert str(problem.source) == "refs/b.bib:12" and "journal '计算机学报'" in problem.message


def test_text_the_users_own_entry_does_not_write_is_not_reported() -> None:
    # A listing gave the organisation in Chinese; the entry written is the user's, all ASCII.
    paper = make_paper(
        "Compression",
        key="wang2023",
        organization="王软件",
        sources=(Source("papers/a.txt", 7), Source("refs/b.bib", 12)),
        bibtex_type="article",
        bibtex_fields=(("title", "Compression"), ("author", "Wang, Wei"), ("year", "2023")),
    )
    assert bibtex_entry(paper).isascii()
    assert unencodable_problems([paper]) == []


def test_names_the_abstract_writes_capitalised_stay_capitalised_in_the_title() -> None:
    abstract = (
        "We train with Adam, and unlike plain Adam the method uses Gaussian noise and Bayesian updates. "
        "Large Language Models (LLMs) are costly. Training on the Frontier supercomputer helps training,"
        " and in Our view it helps."
    )
    assert proper_names(abstract) == {"Adam", "Gaussian", "Bayesian", "Frontier"}
    paper = make_paper("1-bit Adam: Gaussian and Bayesian Training on Frontier for Large Language Models", key="adam", abstract=abstract)
    title = parse(bibtex_entry(paper)).entries[0]["title"]
    assert all(f"{{{name}}}" in title for name in ("Adam", "Gaussian", "Bayesian", "Frontier"))
    assert "{Large}" not in title and "{Training}" not in title
