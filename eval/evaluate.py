"""`make eval`: agreement of the analysis stages with the hand labels in eval/labels.yml.

Prints, for the dev and the held-out test split: guided topic agreement (primary or a
secondary topic matches the human primary), automatic-mode NMI (one clustering of all the
labelled papers, scored on the split's papers), and the share of TL;DRs that state the
contribution in at most 50 words. `--dev` prints the dev split only: the
figure to tune on, without a glance at the held-out one.

TL;DRs are scored three ways. The word overlap with the labelled contribution sentence is
automatic but narrow: a TL;DR that picks another sentence stating the contribution fails.
tldr_judgements.yml holds a reader's yes/no judgement of each TL;DR itself, made blind to
the code: does it state the contribution in at most 50 words? tldr_judgements_strict.yml
holds a stricter reader's, who also fails a TL;DR that is vague (names the method, not what
it does), points back at an earlier sentence or leaves out the task. Judgements are kept
per TL;DR text, so an edited summariser shows how many of its TL;DRs are still to be judged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from sklearn.metrics import normalized_mutual_info_score

from generator.config import load_config
from generator.dedupe import merge_records
from generator.normalize import title_identity
from generator.readers import read_inputs
from generator.summaries import summarize
from generator.topics import assign_guided, discover_topics

ROOT = Path(__file__).resolve().parent.parent
FRESH = ROOT / "eval" / "fresh"
CONTRIBUTION_OVERLAP = 0.5  # share of the TL;DR's words found in the labelled contribution


def load_labels(path: Path = ROOT / "eval" / "labels.yml") -> dict[str, dict]:
    labels = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {title_identity(item["title"]): item for item in labels}


def sample_papers(inputs: list[str] | None = None):
    """review.yml's settings, and the merged papers of its inputs (or of `inputs`)."""
    config = load_config(ROOT / "review.yml")
    read = read_inputs(inputs or list(config.inputs), config.root, config.reference_year)
    papers, _ = merge_records(list(read.records))
    return config, papers


def load_judgements(path: Path = ROOT / "eval" / "tldr_judgements.yml") -> dict[tuple[str, str], bool]:
    """Judgements by (title identity, TL;DR text)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    return {(title_identity(item["title"]), item["tldr"]): item["states_contribution"] for item in items}


def words(text: str) -> list[str]:
    return [w for w in title_identity(text).split() if len(w) > 2]


def states_contribution(tldr: str, contribution: str) -> bool:
    tldr_words = words(tldr)
    wanted = set(words(contribution))
    if not tldr_words or len(tldr.split()) > 50:
        return False
    return sum(w in wanted for w in tldr_words) / len(tldr_words) >= CONTRIBUTION_OVERLAP


def main(argv: list[str] | None = None) -> int:
    """`--dev`: the dev split's figures only, for tuning without a glance at the held-out ones."""
    dev_only = "--dev" in (sys.argv[1:] if argv is None else argv)
    config, papers = sample_papers()
    readers = {"reader": load_judgements(), "strict reader": load_judgements(ROOT / "eval" / "tldr_judgements_strict.yml")}
    failures = report(config, papers, load_labels(), readers, ("dev",) if dev_only else ("dev", "test", "all"))
    print("dev disagreements (held-out ones are not shown, so nobody tunes on them):\n" + "\n".join(failures))
    if not dev_only and (FRESH / "labels.yml").exists():
        print("fresh set (eval/fresh/: papers the code was never tuned on, see its README):")
        fresh_labels = load_labels(FRESH / "labels.yml")
        _, fresh_papers = sample_papers([str(FRESH / "papers")])
        fresh_readers = {"reader": load_judgements(FRESH / "tldr_judgements.yml"), "strict reader": load_judgements(FRESH / "tldr_judgements_strict.yml")}
        report(config, fresh_papers, fresh_labels, fresh_readers, ("fresh",))
    return 0


def report(config, papers, labels: dict[str, dict], readers: dict[str, dict[tuple[str, str], bool]], splits: tuple[str, ...]) -> list[str]:
    """Prints the figures of each split of the labelled `papers`, with each reader's
    judgements of the TL;DRs; returns the dev split's topic disagreements."""
    papers = [p for p in papers if p.identity in labels]
    guided = dict(zip([p.identity for p in papers], assign_guided(papers, list(config.topics))))
    auto_topics = discover_topics(papers)
    auto = dict(zip([p.identity for p in papers], assign_guided(papers, auto_topics)))
    failures = []
    for split in splits:
        chosen = [p for p in papers if split in ("all", "fresh") or labels[p.identity]["split"] == split]
        agree = 0
        tldr_ok = 0
        judged: dict[str, list[bool]] = {reader: [] for reader in readers}
        for paper in chosen:
            label = labels[paper.identity]
            got = guided[paper.identity]
            if label["topic"] in (got.primary, *got.secondary):
                agree += 1
            elif split == "dev":  # only tuning data is shown: the held-out split stays unseen
                failures.append(f"  {paper.title[:70]!r}: human {label['topic']}, code {got.primary} {got.secondary}")
            summary = summarize(paper)
            tldr_ok += states_contribution(summary.tldr, label["contribution"])
            for reader, judgements in readers.items():
                if (paper.identity, summary.tldr) in judgements:
                    judged[reader].append(judgements[paper.identity, summary.tldr])
        truth = [labels[p.identity]["topic"] for p in chosen]
        nmi = normalized_mutual_info_score(truth, [auto[p.identity].primary for p in chosen])
        print(
            f"{split:>5}: {len(chosen)} papers · guided topic agreement {agree / len(chosen):.1%}"
            f" · automatic NMI {nmi:.3f} ({len(auto_topics)} topics) · TL;DR states contribution {tldr_ok / len(chosen):.1%}"
        )
        for reader, verdicts in judged.items():
            print(
                f"       TL;DRs a {reader} judged to state the contribution: {sum(verdicts) / max(len(verdicts), 1):.1%}"
                f" of {len(verdicts)} judged ({len(chosen) - len(verdicts)} new or changed since judging, not counted)"
            )
    if "dev" in splits or "all" in splits:
        print("automatic topics: " + " | ".join(t.title for t in auto_topics))
    return failures


if __name__ == "__main__":
    sys.exit(main())
