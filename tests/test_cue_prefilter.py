"""The word prefilter of `summaries.contribution_score` changes its cost, never its result:
scores equal those of running every regex, as the scorer did before the prefilter."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from eval.evaluate import sample_papers
from generator import summaries
from generator.text import sentences

# The scorer as it was before the prefilter: every pattern searched in every sentence.
_REFERENCE_CUES = [
    (
        re.compile(
            r"\b(we|this (?:paper|work|study|article|thesis|report|survey|manuscript|letter|chapter)|our (?:paper|work|study|article|thesis|report|survey|manuscript|letter|chapter))\s+(have\s+)?(\w+ly\s+)?(propose|present|introduce|develop|design|build|release|offer|contribute|devise|construct|create|curate|formulate|extend)",
            re.I,
        ),
        5,
    ),
    (re.compile(r"\bwe\b[^.;]{0,80}\bby (proposing|introducing|developing|designing|presenting)\b", re.I), 5),
    (re.compile(r"\b(propos(e|es|ing)|introduc(e|es|ing))\b", re.I), 3),
    (re.compile(r"\bwe (\w+ly )?(show|find|demonstrate|prove|derive|reveal|conclude|establish|suggest)", re.I), 3),
    (re.compile(r"\b(show|find|found|demonstrat|prov|reveal|conclud|establish)(e|s|es|ed|ing)?( \w+){0,4} that\b", re.I), 1),
    (re.compile(r"\bfor the first time\b", re.I), 1),
    (re.compile(r"\b(novel|a new)\b", re.I), 1),
    (re.compile(r"\bwe (\w+ly )?(study|investigate|analy[sz]e|identify|observe|argue|explore|examine)", re.I), 1),
    (
        re.compile(
            r"\b(our|these|the) (\w+ )?(results|findings|experiments|analys[ie]s|evaluations?) (\w+ )?(show|reveal|demonstrate|suggest|indicate|confirm)(s|ed)?\b",
            re.I,
        ),
        3,
    ),
    (re.compile(r"\bwe\b[^.;]{0,80}\bby (demonstrating|showing|proving)\b", re.I), 3),
    (re.compile(r"\b(in this (paper|work)|here,? we|to this end|to address|we aim)\b", re.I), 1),
    (re.compile(r"\b(called|named|dubbed|termed)\b", re.I), 1),
    (re.compile(r"\b(we|this (?:paper|work|study|article|thesis|report|survey|manuscript|letter|chapter))\s+(\w+ly\s+)?provides?\b", re.I), 2),
]
_REFERENCE_RELEASE = re.compile(r"\b(releas(e|es|ed|ing)|open-sourc(e|ed|ing)|(publicly|freely) available|available (at|on|online))\b", re.I)
_REFERENCE_AUTHORS = re.compile(r"\b(we|our|us|this (?:paper|work|study|article|thesis|report|survey|manuscript|letter|chapter)|here)\b", re.I)


def _reference_cue_score(sentence: str) -> int:
    return sum(weight for pattern, weight in _REFERENCE_CUES if pattern.search(sentence))


def _prefiltered_parts(sentence: str) -> tuple[int, bool, bool]:
    bits = summaries._sentence_bits(sentence)
    cues = sum(cue.weight for cue in summaries._possible_cues(bits) if cue.pattern.search(sentence))
    release = summaries._may_match(summaries._RELEASE_BITS, bits) and bool(summaries._RELEASE.search(sentence))
    authors = summaries._may_match(summaries._AUTHORS_BITS, bits) and bool(summaries._AUTHORS.search(sentence))
    return cues, release, authors


def _reference_parts(sentence: str) -> tuple[int, bool, bool]:
    return _reference_cue_score(sentence), bool(_REFERENCE_RELEASE.search(sentence)), bool(_REFERENCE_AUTHORS.search(sentence))


def test_the_cues_are_the_reference_ones() -> None:
    assert [(c.pattern, c.weight) for c in summaries._CONTRIBUTION_CUES] == _REFERENCE_CUES
    assert (summaries._RELEASE, summaries._AUTHORS) == (_REFERENCE_RELEASE, _REFERENCE_AUTHORS)


def test_prefiltered_scores_equal_the_reference_on_the_sample_corpus() -> None:
    _, papers = sample_papers()
    checked = 0
    for paper in papers:
        for sentence in [paper.title, *sentences(paper.abstract)]:
            assert _prefiltered_parts(sentence) == _reference_parts(sentence), sentence
            checked += 1
    assert checked > 1000


# Words that make the cues match or nearly match, in any case, with the punctuation and the
# non-ASCII letters that re.I folds onto ASCII ones ("ſ" is an "s", "K" a "k").
_CUE_WORDS = sorted(
    {word for cue in summaries._CONTRIBUTION_CUES for group in cue.needs for word in group}
    | {"paper", "work", "study", "article", "have", "newly", "that", "these", "the", "a", "for", "time", "to", "end", "in"}
    | {"publicly", "available", "at", "open-source", "released", "us", "provides", "analyze", "analyses", "evaluations"}
)
_WORD = st.one_of(
    st.sampled_from(_CUE_WORDS),
    st.sampled_from(_CUE_WORDS).map(str.upper),
    st.sampled_from(_CUE_WORDS).map(str.title),
    st.text(alphabet="abcdeſKİıs_1-", min_size=1, max_size=6),
    st.sampled_from([",", ".", ";", "(", ")", "—", "é"]),
)
_SEPARATOR = st.sampled_from([" ", " ", " ", "", "\t", ", ", "-", "\u00a0"])


@settings(max_examples=3000)
@given(st.lists(st.tuples(_WORD, _SEPARATOR), max_size=14))
def test_prefiltered_scores_equal_the_reference_on_invented_sentences(parts: list[tuple[str, str]]) -> None:
    sentence = "".join(word + separator for word, separator in parts)
    assert _prefiltered_parts(sentence) == _reference_parts(sentence)
