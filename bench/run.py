"""`make bench`: the generator, `mkdocs build` and the search index at 1k, 10k and 100k papers.

For each size it writes a synthetic corpus (bench/corpus.py) into bench/out/<size>/, then
measures, each in its own process so that peak memory is that step's alone:
- the generator from scratch (topics discovered, keys handed out), per stage;
- the generator again on unchanged input, which must write no file;
- `mkdocs build`, and Pagefind when the site uses it;
and prints the site's size, its largest page and what a first search downloads.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import dump_text, make_paper, write_corpus

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIZES = (1_000, 10_000, 100_000)
WORKER = """
import json, logging, sys
from pathlib import Path
from generator.config import load_config
from generator.pipeline import build
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
report = build(load_config(Path(sys.argv[1])))
print(json.dumps({"timings": report.timings, "peak_mb": report.peak_memory_mb, "papers": len(report.papers),
                  "conserved": report.conserved, "written": len(report.written.written), "removed": len(report.written.removed)}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    stdout: str
    tree_peak_mb: float = 0.0  # all its processes together (forked workers included)


def measure(command: list[str], cwd: Path) -> Run:
    """Wall time and peak memory of one child process. `peak_mb` is the largest single
    process's resident set (rusage); `tree_peak_mb` samples the proportional set size of
    the process and all its workers, which counts pages they share once: the memory the
    run really took from the machine."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, so Popen never waits for it
        seconds = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stdout}\n{stderr}")
    return Run(seconds, usage.ru_maxrss / 1024, stdout, sampler.peak_mb)  # Linux reports KiB


class TreeMemory(threading.Thread):
    """Samples the summed proportional set size of a process tree from /proc, twice a second."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_mb = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while True:  # a sample first, so that even a short run is measured
            self.peak_mb = max(self.peak_mb, sum(map(_pss_mb, _descendants(self.root))))
            if self.stop.wait(0.5):
                return


def _descendants(root: int) -> list[int]:
    parent_of = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue  # ended meanwhile
            parent_of[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root}
    while grown := {pid for pid, parent in parent_of.items() if parent in tree} - tree:
        tree |= grown
    return sorted(tree)


def _pss_mb(pid: int) -> float:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in rollup.splitlines() if line.startswith("Pss:")), 0.0)


def prepare(size: int) -> Path:
    project = OUT / str(size)
    if not (project / "papers").is_dir():
        write_corpus(project / "papers", size)
    (project / "papers" / "added.txt").unlink(missing_ok=True)  # the paper an earlier bench added
    # Everything a run leaves behind goes, the caches too: the first run is measured cold.
    for generated in ("docs", "site", ".review-cache", "discovered-topics.yml", "citation-keys.yml"):
        path = project / generated
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    (project / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "index.md", project / "docs" / "index.md")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "review.yml").write_text("title: Synthetic benchmark review\ninputs: [papers/]\n", encoding="utf-8")
    return project


def add_one_paper(papers: Path, size: int) -> None:
    """A new dump holding one paper that is in none of the others."""
    paper = make_paper(random.Random(size), size)
    (papers / "added.txt").write_text(dump_text([paper], random.Random(0)), encoding="utf-8")


def site_figures(site: Path) -> dict[str, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    material = site / "search" / "search_index.json"
    pagefind = site / "pagefind"
    figures = {
        "site_mb": sum(p.stat().st_size for p in files) / 1e6,
        "pages": len(pages),
        "largest_page_kb": max(p.stat().st_size for p in pages) / 1e3,
        "material_index_mb": material.stat().st_size / 1e6 if material.exists() else 0.0,
        "pagefind_mb": sum(p.stat().st_size for p in pagefind.rglob("*") if p.is_file()) / 1e6 if pagefind.exists() else 0.0,
    }
    if pagefind.exists():
        figures["first_query_kb"] = first_query_kb(pagefind)
    return figures


def first_query_kb(pagefind: Path) -> float:
    """An upper bound on what a first Pagefind query downloads: the loader, its WebAssembly,
    the entry file, the largest index chunk and the five largest result fragments."""
    fixed = ["pagefind.js", "pagefind-entry.json", "pagefind-ui.js", "pagefind-ui.css"]
    total = sum((pagefind / name).stat().st_size for name in fixed if (pagefind / name).exists())
    total += max(p.stat().st_size for p in pagefind.glob("wasm.*.pagefind"))
    total += max(p.stat().st_size for p in (pagefind / "index").iterdir())
    total += sum(sorted((p.stat().st_size for p in (pagefind / "fragment").iterdir()), reverse=True)[:5])
    return total / 1e3


def bench(size: int) -> dict[str, object]:
    project = prepare(size)
    print(f"\n== {size:,} papers ({sum(p.stat().st_size for p in (project / 'papers').iterdir()) / 1e6:.0f} MB of input)", flush=True)
    worker = [sys.executable, "-c", WORKER, str(project / "review.yml")]
    first = measure(worker, project)
    report = json.loads(first.stdout.strip().splitlines()[-1])
    print(
        f"generator: {first.seconds:.1f}s wall, peak {first.peak_mb:.0f} MB (all processes {first.tree_peak_mb:.0f} MB), "
        f"{report['papers']:,} papers, {report['written']} files written"
    )
    for stage, seconds in report["timings"].items():
        print(f"  {stage:<8} {seconds:7.2f}s   peak so far {report['peak_mb'][stage]:6.0f} MB")
    again = measure(worker, project)
    rerun = json.loads(again.stdout.strip().splitlines()[-1])
    print(f"generator again, same input: {again.seconds:.1f}s, {rerun['written']} files written, {rerun['removed']} removed")
    if rerun["written"] or rerun["removed"]:
        print("  NOT DETERMINISTIC: the same input gave different files")
    add_one_paper(project / "papers", size)
    added = measure(worker, project)
    grown = json.loads(added.stdout.strip().splitlines()[-1])
    print(
        f"generator after adding one paper: {added.seconds:.1f}s, {grown['written']} of {report['written']} files rewritten, "
        f"{grown['removed']} removed"
    )
    mkdocs = measure([sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", "site"], project)
    print(f"mkdocs build: {mkdocs.seconds:.1f}s, peak {mkdocs.peak_mb:.0f} MB")
    index = measure([sys.executable, "-m", "generator", "search-index", "--site", "site"], project)
    print(
        f"search index: {index.seconds:.1f}s, peak {index.peak_mb:.0f} MB ({index.stdout.strip().splitlines()[0] if index.stdout.strip() else ''})"
    )
    figures = site_figures(project / "site")
    print(
        f"site: {figures['site_mb']:.0f} MB, {figures['pages']:,} pages, largest page {figures['largest_page_kb']:.0f} KB; "
        f"Material index {figures['material_index_mb']:.1f} MB; Pagefind {figures['pagefind_mb']:.1f} MB"
        + (f", first query ≤ {figures['first_query_kb']:.0f} KB" if "first_query_kb" in figures else "")
    )
    ratio = first.seconds / mkdocs.seconds
    print(f"generator / mkdocs build: {ratio:.0%} (target ≤ 10%)")
    return {
        "size": size,
        "generator_s": first.seconds,
        "generator_mb": first.peak_mb,
        "rerun_written": rerun["written"],
        "generator_tree_mb": first.tree_peak_mb,
        "added_s": added.seconds,
        "added_written": grown["written"],
        "files": report["written"],
        "mkdocs_s": mkdocs.seconds,
        "mkdocs_mb": mkdocs.peak_mb,
        "index_s": index.seconds,
        "index_mb": index.peak_mb,
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    results = [bench(size) for size in parser.parse_args().sizes]
    print(
        "\n| papers | generator | peak (all processes) | rerun writes | add one paper | mkdocs build | peak "
        "| search index | peak | largest page | first query |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['size']:,} | {r['generator_s']:.1f} s | {r['generator_mb']:.0f} MB ({r['generator_tree_mb']:.0f} MB) | {r['rerun_written']} | "
            f"{r['added_s']:.1f} s, {r['added_written']}/{r['files']} files | {r['mkdocs_s']:.0f} s | "
            f"{r['mkdocs_mb']:.0f} MB | {r['index_s']:.0f} s | {r['index_mb']:.0f} MB | {r['largest_page_kb']:.0f} KB | "
            + (f"{r['first_query_kb']:.0f} KB |" if "first_query_kb" in r else f"{r['material_index_mb']:.1f} MB (Material) |")
        )


if __name__ == "__main__":
    main()
