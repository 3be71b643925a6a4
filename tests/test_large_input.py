"""A 50 MB Daily Papers dump and a 50 MB .bib, made at test time with broken spots at known
lines: every valid entry is kept, and each broken spot is reported at its path:line.

Run with `-s` to see the time and peak memory; there is no timing assertion."""

from __future__ import annotations

import random
import resource
import time
from pathlib import Path

import pytest

from generator.models import ReadResult, Severity
from generator.readers import read_inputs

SIZE = 50_000_000
WORDS = [
    "quantization",
    "training",
    "efficient",
    "large",
    "language",
    "models",
    "sparse",
    "attention",
    "memory",
    "gradient",
    "optimizer",
    "scaling",
    "inference",
    "latency",
    "throughput",
    "kernel",
    "adapter",
    "distillation",
    "pruning",
    "mixture",
    "experts",
    "compression",
    "tokens",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


class Lines:
    """A file built line by line, so that each broken spot knows its line number."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def add(self, *lines: str) -> int:
        """Appends lines; returns the number of the first."""
        first = self.next_line
        self.lines += lines
        self.size += sum(len(line) + 1 for line in lines)
        return first

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def big_dump(size: int) -> tuple[str, int, list[tuple[int, Severity]]]:
    """A dump of about `size` bytes in both layouts: its text, its number of valid papers, and
    the (line, severity) of every broken spot."""
    rng = random.Random(6)
    dump = Lines()
    dump.add("new", "", "Daily Papers", "", "Mar 14", "")
    papers, broken = 0, []
    while dump.size < size:
        index = papers + len(broken)
        if index % 10_000 == 5_000:
            broken.append((dump.add(f"Lonely Title Without Abstract {index}", ""), Severity.ERROR))
        elif index % 10_000 == 7_000:
            broken.append((dump.add("<<<<<<< HEAD", ""), Severity.WARNING))
        elif index % 10_000 == 9_000:
            broken.append((dump.add("  • 3 authors", "·", "Jun 16, 2020", ""), Severity.WARNING))
        else:
            dump.add(f"{sentence(rng, 6).title()}: Paper {index}", "", sentence(rng, 140) + ".", "")
            if index % 2:
                dump.add(f"  • {index % 40 + 1} authors", "·", f"Oct {index % 28 + 1}, 2024 {index % 50}", "")
            papers += 1
    # Truncated at the end: a title, and then nothing.
    broken.append((dump.add("The Last Title, Cut Off"), Severity.ERROR))
    return dump.text(), papers, broken


def big_bib(size: int) -> tuple[str, int, list[tuple[int, Severity]]]:
    """A .bib of about `size` bytes with LaTeX in titles and names (each one different, so no
    cache hides the decoding cost); broken spots as in `big_dump`."""
    rng = random.Random(7)
    bib = Lines()
    bib.add("% generated for tests/test_large_input.py", '@string{jml = "Journal of Machine Learning"}', "")
    papers, broken = 0, []
    while bib.size < size:
        index = papers + len(broken)
        title = f"{{GPTQ}}-like {sentence(rng, 5)} for Caf\\'e {index}"
        author = f'M{{\\"u}}ller{index}, J{{\\"o}}rg and Smith{index}, Jane and others'
        if index % 10_000 == 5_000:  # an unclosed brace: the next entry must still be read
            broken.append((bib.add(f"@article{{broken{index},", f"  title = {{{title},", "  year = 2020", ""), Severity.ERROR))
        elif index % 10_000 == 6_000:
            broken.append((bib.add(f"@article{{notitle{index}, author = {{{author}}}, year = 2021}}", ""), Severity.ERROR))
        elif index % 10_000 == 7_000:
            broken.append((bib.add("}} stray = {debris", ""), Severity.WARNING))
        elif index % 10_000 == 8_000:  # a duplicate key: reported, and the entry kept
            broken.append((bib.add(f"@misc{{key{index - 1}, title = {{Second Use of a Key {index}}}}}", ""), Severity.WARNING))
            papers += 1
        else:
            bib.add(
                f"@article{{key{index},",
                f"  title = {{{title}}},",
                f"  author = {{{author}}},",
                "  journal = jml # { 2024},",
                f"  year = {{{2000 + index % 25}}},",
                f"  abstract = {{{sentence(rng, 120)} 10\\% of $\\alpha$.}},",
                "}",
                "",
            )
            papers += 1
    broken.append((bib.add("@article{cut,", "  title = {The Last Entry, Cut Off"), Severity.ERROR))
    return bib.text(), papers, broken


def read_timed(folder: Path, name: str) -> ReadResult:
    start = time.perf_counter()
    result = read_inputs([name], folder, 2025)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = (folder / name).stat().st_size / 1e6
    print(f"\n{name}: {size_mb:.0f} MB read in {time.perf_counter() - start:.1f} s; peak RSS of the process so far {peak_mb:.0f} MB")
    return result


@pytest.mark.parametrize(("name", "make"), [("big.txt", big_dump), ("big.bib", big_bib)])
def test_a_50mb_input_keeps_every_valid_entry_and_reports_each_broken_spot(tmp_path: Path, name: str, make) -> None:
    text, papers, broken = make(SIZE)
    (tmp_path / name).write_text(text, encoding="utf-8")
    del text
    result = read_timed(tmp_path, name)
    assert len(result.records) == papers
    assert sorted((p.source.line, p.severity) for p in result.problems) == sorted(broken)
    assert all(p.source.path == name for p in result.problems)
    assert result.rejected == sum(severity is Severity.ERROR for _, severity in broken)
    assert len({record.source.line for record in result.records}) == papers  # each at its own line
