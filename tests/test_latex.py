"""The exported .bib through real TeX: pdflatex + bibtex + pdflatex with `plain` and `plainnat`.

The escaping policy in generator/bibtex.py promises a clean run (no BibTeX warning, no LaTeX
warning, no missing glyph) for any text; these tests hold it to that on hostile papers, on
every character the encoder knows, and on the bundled sample corpus.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from paper_factory import hostile_titles, make_paper

from generator.bibtex import bibtex_file, latex_char, latex_text
from generator.dedupe import merge_records
from generator.keys import assign_keys
from generator.models import Paper
from generator.readers import read_inputs

pytestmark = pytest.mark.latex

ROOT = Path(__file__).resolve().parent.parent
STYLES = ["plain", "plainnat"]
# Every character class the encoder handles: Latin-1, Latin Extended, IPA, Greek, Cyrillic,
# Latin Extended Additional, punctuation, super/subscripts, letterlike, arrows, math.
CHARACTER_RANGES = [(0xA0, 0x2B0), (0x370, 0x530), (0x1E00, 0x1F00), (0x2000, 0x2400), (0x2460, 0x2500)]


@pytest.fixture(autouse=True)
def _tex_installed() -> None:
    if shutil.which("pdflatex") and shutil.which("bibtex"):
        return
    reason = "pdflatex and bibtex are not installed (apt-get install texlive-latex-base)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the LaTeX tests")
    pytest.skip(reason)


@dataclass
class TexRun:
    log: str
    blg: str
    bbl: str


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout[-3000:]}"


def _document(body: str, preamble: str = "") -> str:
    # tracinglostchars: a glyph the font lacks is logged ("Missing character"), not dropped silently.
    return f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n\\tracinglostchars=1\n{body}\n\\end{{document}}\n"


def compile_bibliography(directory: Path, bib: str, style: str, keys: list[str], trace_glyphs: bool = False) -> TexRun:
    """pdflatex, bibtex, pdflatex, pdflatex over a document citing every key. With
    `trace_glyphs`, the log lists every glyph typeset, and each ligature TeX formed."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "references.bib").write_text(bib, encoding="utf-8")
    # plainnat prints url and doi with \url and \doi, which its documentation pairs with url.sty.
    preamble = "\\usepackage{natbib}\n\\usepackage{url}" if style == "plainnat" else ""
    cite = "\\citep" if style == "plainnat" else "\\cite"
    citations = "\n".join(f"{cite}{{{','.join(keys[i : i + 20])}}}" for i in range(0, len(keys), 20))
    body = f"\\nocite{{*}}\n{citations}\n\\bibliographystyle{{{style}}}\n\\bibliography{{references}}"
    if trace_glyphs:
        body = "\\showboxdepth=100 \\showboxbreadth=100000 \\tracingoutput=1\n" + body
    (directory / "doc.tex").write_text(_document(body, preamble), encoding="utf-8")
    return _typeset(directory, "bibtex")


def compile_biblatex(directory: Path, bib: str) -> TexRun:
    """pdflatex, biber, pdflatex, pdflatex over a biblatex document printing every entry: the other
    way a .bib is used, where biber decodes the LaTeX to Unicode and pdflatex typesets that."""
    if not shutil.which("biber") or subprocess.run(["kpsewhich", "biblatex.sty"], capture_output=True, check=False).returncode:
        pytest.skip("biber and biblatex are not installed (apt-get install biber texlive-bibtex-extra)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "references.bib").write_text(bib, encoding="utf-8")
    body = "\\nocite{*}\n\\printbibliography"
    (directory / "doc.tex").write_text(_document(body, "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{references.bib}"), encoding="utf-8")
    return _typeset(directory, "biber")


def _typeset(directory: Path, bibliography_tool: str) -> TexRun:
    """pdflatex, the bibliography tool, then pdflatex twice, as a LaTeX user runs them."""
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex, directory)
    _run([bibliography_tool, "doc"], directory)
    _run(latex, directory)
    _run(latex, directory)
    read = lambda name: (directory / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    return TexRun(log=read("doc.log"), blg=read("doc.blg"), bbl=read("doc.bbl"))


def bibitem_keys(bbl: str) -> list[str]:
    """The keys of the \\bibitem lines (plainnat's labels may span lines)."""
    return re.findall(r"\\bibitem(?:\[.*?\])?\{([^}]*)\}", bbl, flags=re.S)


def assert_clean(run: TexRun) -> None:
    bib_problems = [line for line in run.blg.splitlines() if "Warning--" in line or "error message" in line or "I was expecting" in line]
    assert bib_problems == []
    tex_problems = [line for line in run.log.splitlines() if re.search(r"Warning|Missing character|undefined", line)]
    assert tex_problems == []


def corpus_papers() -> list[Paper]:
    """Hostile titles with and without authors, acronyms, a user's own entries, odd fields."""
    papers = [
        make_paper(title, key=f"hostile{index}", authors=() if index % 2 else ("José Müller", "Zoë O'Brien", "Łukasz Żak"))
        for index, title in enumerate(hostile_titles())
        if all(latex_char(char).isascii() for char in title)  # the rest needs XeLaTeX, and says so (`unencodable`)
    ]
    papers += [
        make_paper(
            "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers", key="frantar2022gptq", arxiv_id="2210.17323"
        ),
        make_paper("LoRA Meets MoE in FP8", key="lora2024", authors=(), organization="OpenBMB", urls=("https://github.com/a/b_c?x=1&y=%20#top~",)),
        make_paper("CityGaussianV2 and E²GAN", key="city2025", authors=(), year=None, month=None, doi="10.1000/a_b-c"),
        make_paper("Truncated Author List", key="trunc", author_count=9, venue="Advances in Neural Information Processing Systems"),
        make_paper("The Name Of A Company", key="company", authors=("Research and Development Team", "Smith, Jr.")),
        make_paper(
            "Faithful",
            key="muller2023faithful",
            bibtex_type="article",
            bibtex_fields=(
                ("title", "{GPTQ} for {\\\"U}bersetzung: $\\epsilon$-Optimal Training, raw ε and ü"),
                ("author", "M{\\\"u}ller, J{\\\"o}rg and Doe, Jane"),
                ("journal", "J. Test {\\&} Eval."),
                ("year", "2023"),
                ("month", "jun"),
                ("volume", "5"),
                ("pages", "1--10"),
            ),
        ),
        make_paper(
            "Typos",
            key="typo2022",
            year=2022,
            month=3,
            bibtex_type="misc",
            bibtex_fields=(
                ("title", "Raw _under_ 100% of {GPTQ} & $x"),
                ("author", "O'Brien, D{\\'a}ith{\\'\\i}"),
                ("date", "2022-03-01"),
                ("url", "https://x.org/a_b?c=1&d=%20#e~f"),
            ),
        ),
        make_paper(
            "Unbalanced",
            key="broken2021",
            bibtex_type="inproceedings",
            bibtex_fields=(("title", "Broken } {LoRA"), ("author", "Doe, Jane"), ("booktitle", "Proc. Tests"), ("year", "2021")),
        ),
    ]
    return papers


@pytest.mark.parametrize("style", STYLES)
def test_hostile_and_ordinary_papers_compile_cleanly(tmp_path: Path, style: str) -> None:
    papers = corpus_papers()
    run = compile_bibliography(tmp_path, bibtex_file(papers), style, [paper.key for paper in papers])
    assert_clean(run)
    assert sorted(bibitem_keys(run.bbl)) == sorted(paper.key for paper in papers)
    # The style lowercased the title, and the braces kept the acronyms.
    assert "{GPTQ}: Accurate post-training quantization" in run.bbl
    for acronym in ["{LoRA}", "{MoE}", "{FP8}", "{CityGaussianV2}", "{E{\\textsuperscript{2}}GAN}"]:
        assert acronym in run.bbl


@pytest.mark.parametrize("style", STYLES)
def test_every_character_the_encoder_knows_survives_bibtex_and_pdflatex(tmp_path: Path, style: str) -> None:
    # What has no LaTeX form is kept as UTF-8 and reported (`unencodable`): pdflatex cannot show it.
    characters = "".join(chr(code) for start, end in CHARACTER_RANGES for code in range(start, end) if latex_char(chr(code)).isascii())
    # Titles of 150 characters, each followed by capitals so that styles change case around them.
    chunks = [characters[i : i + 150] for i in range(0, len(characters), 150)]
    papers = [make_paper(f"Chars {chunk} ÉTUDE Étude", key=f"chars{index}") for index, chunk in enumerate(chunks)]
    run = compile_bibliography(tmp_path, bibtex_file(papers), style, [paper.key for paper in papers])
    assert_clean(run)


# Dashes and quotes next to each other, which TeX would join into a glyph nobody wrote.
LIGATURE_TITLES = [
    "ASCII -- dashes --- and '' quotes and `code`",
    "En–-dash —- –– –— and -–-—-",
    "‘‘Nested’’ quotes, Don’t ‘’",
    "'”Mixed“' ”' !‘ ?“",
]
# Computer Modern's dash and quote ligatures, and the character each one stands for.
LIGATURE_CHARACTERS = {"--": "–", "---": "—", "``": "“", "''": "”", "!`": "¡", "?`": "¿"}


@pytest.mark.parametrize("style", STYLES)
def test_tex_forms_exactly_the_dash_and_quote_ligatures_the_text_has(tmp_path: Path, style: str) -> None:
    authors = ("Zoë O’Brien", "Ann -- Lee")
    papers = [make_paper(title, key=f"lig{index}", authors=authors if index % 2 else ()) for index, title in enumerate(LIGATURE_TITLES)]
    run = compile_bibliography(tmp_path, bibtex_file(papers), style, [paper.key for paper in papers], trace_glyphs=True)
    assert_clean(run)
    text = "".join(LIGATURE_TITLES) + "".join(authors) * 2
    formed = Counter(re.findall(r"\(ligature (---|--|``|''|!`|\?`)\)", run.log))
    assert formed == Counter({ligature: text.count(char) for ligature, char in LIGATURE_CHARACTERS.items()})
    assert run.log.count("\\TS1/cmr/m/n/10 `") == text.count("`")  # the backquote glyph


def test_user_url_command_compiles_with_the_url_package(tmp_path: Path) -> None:
    # A user's `\\url{…}` is exported as written; like their own document, it needs url.sty.
    url = "https://github.com/foo/bar_baz?a=1&b=%20#c~d"
    fields = (("title", "Linked"), ("author", "Url, Ursula"), ("howpublished", f"\\url{{{url}}}"), ("year", "2021"))
    paper = make_paper("Linked", key="url2021", bibtex_type="misc", bibtex_fields=fields)
    run = compile_bibliography(tmp_path, bibtex_file([paper]), "plainnat", [paper.key])
    assert_clean(run)
    assert f"\\url{{{url}}}" in run.bbl


def test_every_character_compiles_outside_bibtex(tmp_path: Path) -> None:
    # What has no LaTeX form is kept as UTF-8 and reported (`unencodable`): pdflatex cannot show it.
    characters = "".join(chr(code) for start, end in CHARACTER_RANGES for code in range(start, end) if latex_char(chr(code)).isascii())
    body = "\n\n".join(latex_text(characters[i : i + 60]) for i in range(0, len(characters), 60))
    (tmp_path / "chars.tex").write_text(_document(body), encoding="ascii")
    _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "chars.tex"], tmp_path)
    log = (tmp_path / "chars.log").read_text(encoding="utf-8", errors="replace")
    assert [line for line in log.splitlines() if re.search(r"Warning|Missing character", line)] == []


def sample_corpus() -> list[Paper]:
    """The bundled sample, through the pipeline's read, merge and key stages."""
    read = read_inputs(["papers/"], ROOT, 2025)
    papers, _ = merge_records(list(read.records))
    keys = assign_keys(papers, {})
    return sorted((replace(paper, key=keys[paper.identity]) for paper in papers), key=lambda paper: paper.key.lower())


@pytest.mark.parametrize("style", STYLES)
def test_sample_corpus_compiles_cleanly(tmp_path: Path, style: str) -> None:
    papers = sample_corpus()
    assert len(papers) > 100
    run = compile_bibliography(tmp_path, bibtex_file(papers), style, [paper.key for paper in papers])
    assert_clean(run)
    assert sorted(bibitem_keys(run.bbl)) == sorted(paper.key for paper in papers)
    assert "{CityGaussianV2}" in run.bbl


def test_a_bracket_in_an_author_name_keeps_natbib_labels_whole(tmp_path: Path) -> None:
    papers = [make_paper("Bracketed names", key="bracket2023", authors=("Ada Love]lace", "Charles [Babbage"), year=2023)]
    run = compile_bibliography(tmp_path, bibtex_file(papers), "plainnat", [papers[0].key])
    assert_clean(run)


def extended_names_paper() -> Paper:
    """A Better BibLaTeX entry whose names with particles are in biblatex's extended format."""
    names = "family=Berg, given=Jan, prefix=van der, useprefix=false and family=Cruz, given=María José, prefix=de la, useprefix=true and Lovelace, Ada"
    fields = (("title", "Particles"), ("author", names), ("journaltitle", "Revista"), ("date", "2021"))
    return make_paper("Particles", key="bbt2021", year=2021, bibtex_type="article", bibtex_fields=fields)


@pytest.mark.parametrize("style", STYLES)
def test_biblatex_extended_names_compile_with_bibtex(tmp_path: Path, style: str) -> None:
    # Written as is, BibTeX says "Too many commas in name" and prints the parts' labels.
    run = compile_bibliography(tmp_path, bibtex_file([extended_names_paper()]), style, ["bbt2021"])
    assert_clean(run)
    assert "Berg" in run.bbl and "family" not in run.bbl


def test_biblatex_extended_names_compile_with_biber(tmp_path: Path) -> None:
    run = compile_biblatex(tmp_path, bibtex_file([extended_names_paper()]))
    assert [line for line in run.blg.splitlines() if "ERROR" in line or "WARN" in line] == []
    assert [line for line in run.log.splitlines() if re.search(r"^!|Warning|Missing character", line)] == []
    assert "family={Berg}" in run.bbl and "prefix={van\\bibnamedelima der}" in run.bbl and "given={María\\bibnamedelima José}" in run.bbl


def accented_i_papers() -> list[Paper]:
    """í, ï, ì, î in names and titles, in an entry made from a listing and in a user's own."""
    fields = (("title", "Naïve Bayes in Málaga"), ("author", "Martín, María and García, Raúl"), ("journal", "Revista"), ("year", "2020"))
    return [
        make_paper("Naïve Bayes in Málaga, Ìbiza and Îles", key="made2020", authors=("María Martín", "Raúl García"), year=2020),
        make_paper("Naïve", key="own2020", bibtex_type="article", bibtex_fields=fields),
    ]


@pytest.mark.parametrize("style", STYLES)
def test_an_accented_i_compiles_with_bibtex(tmp_path: Path, style: str) -> None:
    papers = accented_i_papers()
    run = compile_bibliography(tmp_path, bibtex_file(papers), style, [paper.key for paper in papers])
    assert_clean(run)


def test_an_accented_i_compiles_with_biber_and_biblatex(tmp_path: Path) -> None:
    # biber decodes `\'\i` to a dotless ı and a combining accent, which pdflatex rejects.
    run = compile_biblatex(tmp_path, bibtex_file(accented_i_papers()))
    assert [line for line in run.blg.splitlines() if "ERROR" in line or "WARN" in line] == []
    assert [line for line in run.log.splitlines() if re.search(r"^!|Warning|Missing character", line)] == []
    assert "Martín" in run.bbl and "Naïve" in run.bbl and "ı" not in run.bbl


def hostile_tex_paper() -> Paper:
    """A user's own entry whose fields would read and write files on the machine that
    compiles the exported .bib, and link to script."""
    fields = (
        ("title", "Efficient \\input{secret} Training"),
        ("author", "Doe, Jane"),
        ("note", "\\immediate\\openout1=pwned.tex \\immediate\\write1{owned}\\immediate\\closeout1"),
        ("howpublished", "\\href{javascript:alert(1)}{click}"),
        ("url", "javascript:alert(1)"),
        ("year", "2024"),
    )
    return make_paper("Efficient Training", key="doe2024", bibtex_type="misc", bibtex_fields=fields)


@pytest.mark.parametrize("style", STYLES)
def test_tex_in_a_users_entry_neither_reads_nor_writes_files(tmp_path: Path, style: str) -> None:
    # Read by `\input`, secret.tex would itself write leaked.tex: the file's existence proves it ran.
    (tmp_path / "secret.tex").write_text("\\immediate\\openout2=leaked.tex \\immediate\\write2{x}\\immediate\\closeout2\n", encoding="utf-8")
    run = compile_bibliography(tmp_path, bibtex_file([hostile_tex_paper()]), style, ["doe2024"])
    assert_clean(run)
    assert not (tmp_path / "leaked.tex").exists()
    assert not (tmp_path / "pwned.tex").exists()
    assert not re.search(r"\\(?:href|url)\{javascript", run.bbl)
    assert "Efficient" in run.bbl and "owned" in run.bbl  # the text is still there, as text


def test_control_characters_in_a_users_entry_compile(tmp_path: Path) -> None:
    # pdflatex stops at a raw form feed or vertical tab: "Unicode character U+000B not set up".
    fields = (("title", "Form\x0cfeed and vertical\x0btab"), ("author", "Doe, Jane"), ("note", "a\x01b"), ("year", "2024"))
    paper = make_paper("Form feed", key="ctl2024", bibtex_type="misc", bibtex_fields=fields)
    run = compile_bibliography(tmp_path, bibtex_file([paper]), "plainnat", [paper.key])
    assert_clean(run)
    assert "vertical tab" in run.bbl
