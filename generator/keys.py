"""Citation keys: readable, unique (ignoring case) and stable as the collection grows.

A key is `surname + year + first title word` (`frantar2022gptq`) when the authors are known,
else `first title word + year + next title word` (`gptq2022accurate`); a user's own BibTeX
key is kept. On a collision `a`, `b`, … is appended. Stability cannot come from sorting
alone (a newcomer may sort first), so every assigned key is recorded in a key file
(`citation-keys.yml`, meant to be committed) and reused on every later run.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import yaml

from generator.config import ConfigError
from generator.dedupe import told_identity
from generator.models import Paper, Problem, Severity

# libyaml's C loader and dumper when PyYAML has them: the key file has a line per paper, and
# the pure-Python loader takes seconds at 10,000 papers. Both read and write the same YAML.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "towards",
        "toward",
        "via",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "without",
        "we",
        "you",
        "your",
        "not",
        "no",
        "one",
        "all",
    ]
)
# What BibTeX and a page's anchor (`render.anchor` encodes the rest) carry unchanged; keys
# are never file names, and ".." is refused all the same. DBLP's `DBLP:conf/nips/DaoFERR22`
# and ACM's `10.1145/3292500.3330701` are kept.
_KEY_SAFE = re.compile(r"^(?!.*\.\.)[A-Za-z0-9_:.+/-]+$")


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def ascii_word(text: str) -> str:
    if not text.isascii():  # accents off: NFKD splits them from their letters, and ASCII drops them
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", text.lower())


def title_words(title: str) -> list[str]:
    words = [ascii_word(word) for word in re.split(r"[\s\-–—:/]+", title)]
    significant = [w for w in words if w and w not in STOPWORDS]
    return significant or [w for w in words if w] or ["paper"]


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def surname(name: str) -> str:
    """`Elias Frantar`, `Frantar, Elias` → `frantar`; `John Smith Jr.` → `smith`, not `jr`."""
    family = name.split(",")[0] if "," in name else name
    words = [word for word in map(ascii_word, family.split()) if word]
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else "anon"


def base_key(paper: Paper) -> str:
    words = title_words(paper.title)
    year = str(paper.year) if paper.year else ""
    if paper.authors:
        return f"{surname(paper.authors[0])}{year}{words[0]}"[:48]
    second = words[1] if len(words) > 1 else ""
    return f"{words[0]}{year}{second}"[:48]


def is_usable_user_key(key: str) -> bool:
    """A user's key is kept when BibTeX and a page's anchor can carry it unchanged."""
    return bool(key) and len(key) <= 64 and bool(_KEY_SAFE.match(key))


def assign_keys(papers: list[Paper], pinned: dict[str, str]) -> dict[str, str]:
    """Identity → key for every paper. `pinned` (from the key file) always wins, by the
    paper's identity or else by an alias; then users' own BibTeX keys; new keys are handed
    out in identity order, so a run is deterministic."""
    taken = {key.lower() for key in pinned.values()}  # a removed paper's key stays reserved: no one inherits it
    owners: defaultdict[str, list[str]] = defaultdict(list)  # key -> the identities the key file gives it
    for identity, key in pinned.items():
        owners[key.lower()].append(identity)
    # Claims on the key file's keys, best first: by the paper's identity (or the identity it
    # had while a namesake made it add its author), then by an alias (an earlier title of
    # it, before another record brought a better one). Of two papers claiming one key, it
    # goes to the one it was made for: its own BibTeX key, or its author and year.
    claims = []
    for paper in papers:
        for tier, identity in ((0, paper.identity), (0, told_identity(paper)), *((1, alias) for alias in paper.aliases)):
            key = pinned.get(identity)
            if key and not _made_for_a_namesake(identity, key, paper, owners):
                claims.append((tier, _made_for(paper, key), paper.identity, key))
    assigned: dict[str, str] = {}
    given: set[str] = set()  # keys handed to a paper of this run, lowercased
    for _, _, identity, key in sorted(claims):
        if identity not in assigned and key.lower() not in given:
            assigned[identity] = key
            given.add(key.lower())
    for identity, key in _retitled(papers, pinned, assigned):
        if key.lower() not in given:
            assigned[identity] = key
            given.add(key.lower())
    ordered = sorted(papers, key=_claim_order)
    for paper in ordered:
        if paper.identity in assigned:
            continue
        wanted = paper.bibtex_key if is_usable_user_key(paper.bibtex_key) else base_key(paper)
        key = _free(wanted, taken)
        taken.add(key.lower())
        assigned[paper.identity] = key
    return assigned


# A title corrected in its input ("Quantization" → "Quantisation", a typo) is still its
# paper's: a key-file title this close to a new one, whose paper is gone, gives it its key,
# unless the two differ in a number (a series: "Qwen2", then "Qwen2.5 Technical Report").
RETITLED_SIMILARITY = 0.9
RETITLED_PAIRS = 200_000  # comparisons at most: beyond, a run replaced its corpus, not a title


def _retitled(papers: list[Paper], pinned: dict[str, str], assigned: dict[str, str]) -> list[tuple[str, str]]:
    """(identity, key) for each paper without a key whose title is a slight edit of a title
    in the key file that no paper has any more: the same paper, its title corrected."""
    newcomers = sorted(paper.identity for paper in papers if paper.identity not in assigned)
    kept = {key.lower() for key in assigned.values()}
    if not newcomers or len(pinned) <= len(kept):  # a new paper, or a key-file title gone: neither
        return []
    present = {name for paper in papers for name in (paper.identity, told_identity(paper), *paper.aliases)}
    orphans = sorted((identity, key) for identity, key in pinned.items() if identity not in present and key.lower() not in kept)
    if not orphans or len(orphans) * len(newcomers) > RETITLED_PAIRS:
        return []
    found = []
    for identity in newcomers:
        matcher = difflib.SequenceMatcher(None, "", identity, autojunk=False)  # b, compared with each a
        close = []
        for old, key in orphans:
            matcher.set_seq1(old)
            # The quick upper bounds first: most pairs are ruled out without the full ratio.
            bounds = (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio)
            if all(bound() >= RETITLED_SIMILARITY for bound in bounds) and _numbers(old) == _numbers(identity):  # all() stops at the first that fails
                close.append((matcher.ratio(), old, key))
        if close:
            found.append((identity, max(close)[2]))
    return found


def _numbers(identity: str) -> list[str]:
    """The words of a title that hold a digit: "Qwen2" and "Qwen2.5", "GPT-4" and "GPT-4o",
    "YOLOv3" and "YOLOv4" are other papers of a series, not one title corrected."""
    return [word for word in identity.split() if any(char.isdigit() for char in word)]


def replaced_keys(papers: list[Paper]) -> list[Problem]:
    """A warning for each paper whose own BibTeX key it is not cited by (after `assign_keys`):
    a key with characters BibTeX or a page cannot carry (a space, `..`), one another entry
    holds, or one the key file replaced. Whoever cites the old key must learn the new one."""
    problems = []
    for paper in papers:
        if paper.bibtex_key and paper.key != paper.bibtex_key:
            reason = "another entry has it" if is_usable_user_key(paper.bibtex_key) else "it has characters BibTeX or a page cannot carry"
            source = next((s for s in paper.sources if s.path.endswith(".bib")), paper.sources[0])
            message = f"BibTeX key {paper.bibtex_key!r} is not kept ({reason}, or the key file gave another); cite this paper as {paper.key!r}"
            problems.append(Problem(source, message, Severity.WARNING))
        for other, source in paper.other_bibtex_keys:
            if other.lower() != paper.key.lower():
                also = " (biblatex: its entry lists the old key in `ids`)" if other in paper.key_aliases else ""
                message = f"BibTeX key {other!r} is another entry of {paper.title!r}, merged into one; cite it as {paper.key!r}{also}"
                problems.append(Problem(source, message, Severity.WARNING))
    return problems


def with_key_aliases(papers: list[Paper]) -> list[Paper]:
    """Papers with the user's keys they are not cited by, but that no paper is, as
    `key_aliases`: biblatex resolves a citation of any key in an entry's `ids`, so a
    document citing Zotero's key of a paper merged with its Google Scholar entry still
    compiles. A key another paper holds is left out: biber rejects a key given twice."""
    cited = {paper.key.lower() for paper in papers}
    result = []
    for paper in papers:
        own = [paper.bibtex_key, *(key for key, _ in paper.other_bibtex_keys)]
        aliases = tuple(dict.fromkeys(key for key in own if key and key.lower() not in cited and is_usable_user_key(key)))
        result.append(replace(paper, key_aliases=aliases) if aliases else paper)
    return result


def _made_for_a_namesake(identity: str, key: str, paper: Paper, owners: dict[str, list[str]]) -> bool:
    """Whether the key file also gives `key` to a namesake of `identity` ("deep learning
    lecun" for "deep learning") other than `paper`: the key was that paper's, which is gone."""
    own = {paper.identity, told_identity(paper)}  # what it is called now, and beside a namesake
    return any(other.startswith(f"{identity} ") and other not in own for other in owners[key.lower()])


def _made_for(paper: Paper, key: str) -> int:
    """0 when `key` is the paper's own BibTeX key, 1 when it is the key its author, year
    and title would make (maybe with a letter after it), 2 otherwise: lower claims first."""
    if paper.bibtex_key.lower() == key.lower():
        return 0
    return 1 if key.lower().startswith(base_key(paper).lower()) else 2


def _claim_order(paper: Paper) -> tuple:
    """Users' own keys first; of two entries that share one (a duplicate key, which the
    BibTeX reader reports), the one read first keeps it. Then generated keys, by identity."""
    if is_usable_user_key(paper.bibtex_key):
        return (0, paper.sources[:1], paper.identity)
    return (1, (), paper.identity)


def _free(wanted: str, taken: set[str]) -> str:
    if wanted.lower() not in taken:
        return wanted
    for suffix in _suffixes():
        if f"{wanted}{suffix}".lower() not in taken:
            return f"{wanted}{suffix}"
    raise AssertionError("unreachable: suffixes are unbounded")


def _suffixes():
    letters = "abcdefghijklmnopqrstuvwxyz"
    length = 1
    while True:
        for number in range(len(letters) ** length):
            suffix = ""
            for _ in range(length):
                number, digit = divmod(number, len(letters))
                suffix = letters[digit] + suffix
            yield suffix
        length += 1


def load_pinned(path: Path) -> dict[str, str]:
    """The key file; a broken one stops the build (as a `ConfigError` naming `path:line`)
    rather than be silently replaced, which would hand out new keys."""
    if not path.exists():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(
            f"{path}:{mark.line + 1 if mark else 1}: invalid YAML in the key file: {getattr(error, 'problem', error)}"
        ) from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping of paper identity to citation key")
    return {str(identity): str(key) for identity, key in data.items()}


def dump_pinned(keys: dict[str, str]) -> str:
    header = "# Citation keys handed out so far, kept so that keys never change. Commit this file.\n"
    return header + yaml.dump(dict(sorted(keys.items())), Dumper=SafeDumper, allow_unicode=True, sort_keys=True, width=1000)
