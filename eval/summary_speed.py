"""CPU time of the TL;DR stage on a bench corpus, on one process (what the workers share):

    .venv/bin/python -c "from bench.corpus import write_corpus; from pathlib import Path; write_corpus(Path('/tmp/c10k/papers'), 10000)"
    .venv/bin/python -m eval.summary_speed /tmp/c10k
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from generator import parallel, summaries
from generator.dedupe import merge_records
from generator.readers import read_inputs
from generator.text import sentences


def main(root: Path) -> None:
    read = read_inputs(["papers/"], root, 2025)
    papers, _ = merge_records(list(read.records))
    candidates = []
    for paper in papers:
        name = summaries.short_name(paper.title)
        found = summaries._rejoin_abbreviations(sentences(summaries._GLUED_STOP.sub(" ", paper.abstract)))
        candidates += [(s, i, name) for i, s in enumerate(found) if len(s.split()) >= 5]
    start = time.process_time()
    for candidate in candidates:
        summaries.contribution_score(*candidate)
    print(f"{len(papers)} papers · contribution_score over {len(candidates)} sentences: {time.process_time() - start:.2f} s CPU")
    parallel.PARALLEL_FROM = sys.maxsize  # one process, so CPU time is all of it
    start = time.process_time()
    summaries.summarize_all(papers)
    print(f"summarize_all: {time.process_time() - start:.2f} s CPU")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/c10k"))
