"""One-sentence summaries (TL;DR), short method names and quantitative claims.

Extractive on purpose: no model downloads and nothing invented. The TL;DR is the abstract
sentence that states the contribution — found by the cue phrases authors use for it ("we
propose", "this paper introduces", "we show") and never the background sentence that opens
most abstracts — trimmed of lead-ins and of words pointing at earlier sentences, and cut
to about 35 words at a clause boundary. A short TL;DR that leaves out what the title says
(the task, or how) is followed by the title's describing part after a dash: every word is
still the authors'.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import or_
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.models import Paper
from generator.parallel import fork_map
from generator.text import sentences

MAX_WORDS = 35


@dataclass(frozen=True)
class _Cue:
    """A contribution cue. `needs`: groups of word prefixes; the pattern can match only if,
    for every group, a word of the sentence starts with one of its prefixes. Checking the
    words first is exact (a failed check means no match) and skips most regex searches."""

    pattern: re.Pattern[str]
    weight: int
    needs: tuple[tuple[str, ...], ...]
    proposal: bool = False  # "we propose …": what the paper makes, rather than finds


_SUBJECT = ("we", "this", "our")
# What authors call their own text: "this survey presents …" is a contribution as "we present" is.
_SELF = r"(?:paper|work|study|article|thesis|report|survey|manuscript|letter|chapter)"
_PROPOSAL_VERBS = (
    *("propose", "present", "introduce", "develop", "design", "build", "release", "offer"),
    *("contribute", "devise", "construct", "create", "curate", "formulate", "extend"),
)
_CONTRIBUTION_CUES = [
    _Cue(
        re.compile(
            rf"\b(we|this {_SELF}|our {_SELF})\s+(have\s+)?(\w+ly\s+)?(propose|present|introduce|develop|design|build|release|offer|contribute|devise|construct|create|curate|formulate|extend)",
            re.I,
        ),
        5,
        (_SUBJECT, _PROPOSAL_VERBS),
        proposal=True,
    ),
    _Cue(
        re.compile(r"\bwe\b[^.;]{0,80}\bby (proposing|introducing|developing|designing|presenting)\b", re.I),
        5,
        (("we",), ("by",), ("proposing", "introducing", "developing", "designing", "presenting")),
        proposal=True,
    ),
    # a new method or artefact, more than a "study" someone "presents"
    _Cue(re.compile(r"\b(propos(e|es|ing)|introduc(e|es|ing))\b", re.I), 3, (("propos", "introduc"),)),
    _Cue(
        re.compile(r"\bwe (\w+ly )?(show|find|demonstrate|prove|derive|reveal|conclude|establish|suggest)", re.I),
        3,
        (("we",), ("show", "find", "demonstrate", "prove", "derive", "reveal", "conclude", "establish", "suggest")),
    ),
    # "we show that …" states a finding; "we show how …" often only announces one
    _Cue(
        re.compile(r"\b(show|find|found|demonstrat|prov|reveal|conclud|establish)(e|s|es|ed|ing)?( \w+){0,4} that\b", re.I),
        1,
        (("that",), ("show", "find", "found", "demonstrat", "prov", "reveal", "conclud", "establish")),
    ),
    _Cue(re.compile(r"\bfor the first time\b", re.I), 1, (("first",),)),
    # what is new is being described: the contribution, not the background
    _Cue(re.compile(r"\b(novel|a new)\b", re.I), 1, (("novel", "new"),)),
    _Cue(
        re.compile(r"\bwe (\w+ly )?(study|investigate|analy[sz]e|identify|observe|argue|explore|examine)", re.I),
        1,
        (("we",), ("study", "investigate", "analy", "identify", "observe", "argue", "explore", "examine")),
    ),
    _Cue(
        re.compile(
            r"\b(our|these|the) (\w+ )?(results|findings|experiments|analys[ie]s|evaluations?) (\w+ )?(show|reveal|demonstrate|suggest|indicate|confirm)(s|ed)?\b",
            re.I,
        ),
        3,
        (("results", "findings", "experiments", "analys", "evaluation"), ("show", "reveal", "demonstrate", "suggest", "indicate", "confirm")),
    ),
    _Cue(
        re.compile(r"\bwe\b[^.;]{0,80}\bby (demonstrating|showing|proving)\b", re.I),
        3,
        (("we",), ("by",), ("demonstrating", "showing", "proving")),
    ),
    _Cue(
        re.compile(r"\b(in this (paper|work)|here,? we|to this end|to address|we aim)\b", re.I),
        1,
        (("this", "here", "address", "aim"),),
    ),
    _Cue(re.compile(r"\b(called|named|dubbed|termed)\b", re.I), 1, (("called", "named", "dubbed", "termed"),)),
    _Cue(re.compile(rf"\b(we|this {_SELF})\s+(\w+ly\s+)?provides?\b", re.I), 2, (("we", "this"), ("provide",))),
]
# A follow-up ("Furthermore, we also …") adds to the contribution; it is not the main one.
_FOLLOW_UP = re.compile(
    r"^(furthermore|moreover|additionally|finally|further|lastly|besides|in addition|more broadly|also|then|second|third|next)\b|^we (also|further|then|additionally)\b",
    re.I,
)
_RELEASE = re.compile(r"\b(releas(e|es|ed|ing)|open-sourc(e|ed|ing)|(publicly|freely) available|available (at|on|online))\b", re.I)
_AUTHORS = re.compile(rf"\b(we|our|us|this {_SELF}|here)\b", re.I)
# The word prefixes these patterns can match only with (as `_Cue.needs`).
_RELEASE_NEEDS = (("releas", "open", "available"),)
_AUTHORS_NEEDS = (("we", "our", "us", "this", "here"),)
_ANAPHORIC_OBJECT_NEEDS = (("we",), _PROPOSAL_VERBS)  # "we propose this …"
_PRONOUN_OBJECT_NEEDS = (("we",), ("them",))  # "we categorize them …"
# Each group of prefixes is one bit; a word sets the bits of the groups it can satisfy.
_GROUPS = list(
    dict.fromkeys(
        group
        for needs in [c.needs for c in _CONTRIBUTION_CUES] + [_RELEASE_NEEDS, _AUTHORS_NEEDS, _ANAPHORIC_OBJECT_NEEDS, _PRONOUN_OBJECT_NEEDS]
        for group in needs
    )
)


def _bits(needs: tuple[tuple[str, ...], ...]) -> int:
    return sum(1 << _GROUPS.index(group) for group in needs)


_CUE_BITS = [_bits(cue.needs) for cue in _CONTRIBUTION_CUES]
_RELEASE_BITS, _AUTHORS_BITS = _bits(_RELEASE_NEEDS), _bits(_AUTHORS_NEEDS)
_ANAPHORIC_OBJECT_BITS = _bits(_ANAPHORIC_OBJECT_NEEDS)
_PRONOUN_OBJECT_BITS = _bits(_PRONOUN_OBJECT_NEEDS)
_PROBLEM_OPENING = re.compile(r"(however|but|yet|unfortunately|despite)\b", re.I)
# A TL;DR must stand alone. A sentence that opens by pointing back ("These techniques …",
# "By combining them, …", "It …") does not, nor one whose contribution is something named
# earlier ("we extend this idea"). "This paper/work/study" points at the paper itself,
# "It is known that …" at nothing.
# "These results show that X": what points back is the evidence; the finding X stands alone.
_EVIDENCE = r"(?:results|findings|experiments|observations|analyses|evaluations|measurements)"
_BACK_REFERENCE = rf"(?:(?:this|these|those|such|the (?:above|aforementioned|latter|former|resulting))\b(?!\s+(?:{_SELF}|{_EVIDENCE})\b)|(?:they|them|its|their)\b|it\b(?!\s+(?:is|was|has been|remains|becomes)\s+(?:\w+\s+){{0,3}}?(?:that|to|whether|how)\b))"
_ANAPHORIC_OPENING = re.compile(
    rf"^(?:\w+,\s*)?(?:(?:by|with|using|through|via|combining|applying|employing|exploiting|integrating|incorporating|adopting|leveraging)\s+(?:\w+\s+)?)?{_BACK_REFERENCE}",
    re.I,
)
_ANAPHORIC_OBJECT = re.compile(
    rf"\bwe\s+(?:\w+ly\s+)?(?:propose|present|introduce|develop|design|build|release|offer|contribute|devise|construct|create|curate|formulate|extend)\w*\s+(?:this|these|those|such)\b(?!\s+{_SELF}\b)",
    re.I,
)
_PRONOUN_OBJECT = re.compile(r"\bwe\s+(?:\w+ly\s+)?\w+\s+them\b", re.I)  # "we categorize them": what are they?
# Pointing back at the paper's own method can be resolved: "This approach" is its short name.
_METHOD_NOUN = r"(?:approach|method|methodology|framework|system|technique|algorithm|architecture|design|scheme|strategy|mechanism|model|library|tool|optimizer|recipe|pipeline)"
_METHOD_BACK_REFERENCE = re.compile(rf"^(?:this|the (?:proposed|resulting)) {_METHOD_NOUN}\b", re.I)
# "… in 26% fewer epochs", "3.1× faster": a measured result, not the finding it supports.
_RESULT_NUMBER = re.compile(r"\d(?:\.\d+)?\s?(?:%|×|x\b|times\b)")
ANAPHORA_PENALTY = 2  # as much as a background opening: a sentence naming the method wins


# ASCII that is no word character (the regexes' `\w`) becomes a space, so split() gives the words.
_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")})


@lru_cache(maxsize=1 << 16)
def _word_bits(word: str) -> int:
    return sum(1 << index for index, group in enumerate(_GROUPS) if word.startswith(group))


@lru_cache(maxsize=1 << 12)
def _possible_cues(bits: int) -> tuple[_Cue, ...]:
    """The cues whose every group some word of the sentence satisfies."""
    return tuple(cue for cue, needed in zip(_CONTRIBUTION_CUES, _CUE_BITS) if _may_match(needed, bits))


_BACKGROUND_CUES = re.compile(
    r"\b(however|recent(ly)?|has (been|become)|have (been|become)|remains?|is (a|an|the) (key|critical|fundamental|major)|existing|prior work|typically|traditional)\b",
    re.I,
)
_LEAD_IN = re.compile(
    r"^(in this (paper|work|study)|to (this end|address (this|these) (issue|problem|challenge|gap)s?|solve this (issue|problem))|here|specifically|therefore|thus|hence|in response( to this gap)?|furthermore|moreover|finally|additionally|in addition|lastly|secondly|second|thirdly|third|overall|then|besides|importantly|notably|motivated by this|to tackle this( problem)?|to achieve this( goal)?)\s*,\s*",
    re.I,
)
_SHORT_NAME = re.compile(r"^([A-Z0-9][\w.\-²³+]*(?: [A-Z0-9][\w.\-]*)?)\s*:")
# A number ("1,000", "3.25") or a range ("1.1-3x", "1.48x-12.1x", "4--5x", "1.53×~20.57×",
# "5% to 51%"), and its unit. A number after a hyphen is part of a name ("Llama-2"), and a
# spaced hyphen starts no range ("2023 - 50% faster").
_NUMBER = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?"
_UNIT = r"×|x\b|%|times\b|-?fold\b|\s?percent\b"
_AMOUNT = rf"(?<![\w.,-])({_NUMBER})(?:\s?(?:×|x|%))?(?:(?:-{{1,2}}|–|—|\s?~\s?|\s+to\s+)({_NUMBER}))?\s?({_UNIT})"
# The word saying what changed, after the amount: "3× faster", "11× inference speedup".
_CHANGES = "lower|less|fewer|more|higher|faster|smaller|larger|longer|cheaper|better|throughput|memory|accuracy"
_CHANGE_NOUNS = "reductions?|speed-?ups?|improvements?|increases?|decreases?|savings?|compression|boosts?|gains?"
_NOT_BETWEEN = r"(?!(?:of|the|a|an|in|on|for|to|and|or|with|by|over|than)\b)"  # "50% of the speed-ups" is no claim
_CLAIM = re.compile(rf"{_AMOUNT}\s*(?:({_CHANGES})|((?:{_NOT_BETWEEN}[A-Za-z][\w-]*\s+){{0,2}}?)({_CHANGE_NOUNS}))\b", re.I)
# The same said with a verb: "reduces latency by 2.5x", "improves accuracy by 5%".
_VERB_NOUNS = {"reduc": "reduction", "cut": "reduction", "lower": "reduction", "decreas": "reduction", "sav": "savings",
               "improv": "improvement", "boost": "improvement", "increas": "increase", "accelerat": "speed-up", "speed": "speed-up"}  # fmt: skip
_CLAIM_BY_VERB = re.compile(
    r"\b(reduc|cut|lower|decreas|sav|improv|boost|increas|accelerat|speed)(?:s up|ing up|ed up| up|ups?|ting|ing|es|ed|e|s)?\s+(?:the\s+|our\s+|its\s+)?"
    r"((?:(?!by\b)[A-Za-z][\w-]*\s+){1,4}?)by\s+(?:up to |about |over |nearly |around |roughly |an average of )?"
    + _AMOUNT,
    re.I,
)
# Most abstracts have none: the verbs need not be looked for. ("by" opens it, then the `\b`
# before it as a lookbehind, so that re skips to each "by" rather than trying every character.)
_BY_AN_AMOUNT = re.compile(r"by(?<!\wby)\s+(?:[a-z]+\s+){0,3}\d")
_CLAIM_WORD = re.compile(r"\s+([A-Za-z0-9][\w-]*)")
CLAIM_WORDS = 4  # what the change is of: "higher estimated throughput per dollar"
# Words that end what a claim is of: a comparison ("than", "compared"), another clause.
_CLAIM_STOPS = frozenset(  # a word list reads better as text
    """
    than compared versus vs with while when and or on over against for at by as under the a an
    its their our both from to relative without respectively using which that but across
    """.split()  # noqa: SIM905
)
_CLAIM_CONNECTORS = frozenset({"in", "of", "per"})  # inside a claim, never at its end
# A claim reports a gain. More of a cost ("30× more compute" a baseline used, "2× higher
# perplexity") or less of a quality ("50% less efficient", "10% reduction in accuracy") is
# a comparison or a price, not the paper's result; so is a measure named without a change
# ("98% accuracy") or with a loss ("1% accuracy drop"), and "larger" or "more" of nothing
# said ("outperforms models 10× larger"). What a claim is of is its head word, the last
# before "in", "of" or "per": "memory efficiency" is an efficiency, and "tokens per second" a rate.
_UP = frozenset({"more", "higher", "larger", "increase", "longer"})
_DOWN = frozenset({"less", "lower", "fewer", "decrease", "reduction"})
_COSTS = frozenset(  # a word list reads better as text
    """
    compute memory cost costs parameters latency time energy power consumption gpus gpu flops tokens
    resources storage steps perplexity error errors loss overhead data samples communication
    """.split()  # noqa: SIM905
)
_QUALITIES = frozenset({"efficient", "efficiency", "accurate", "accuracy", "quality", "performance", "throughput", "utilization"})
_MEASURES = frozenset({"throughput", "memory", "accuracy"})  # a claim only with a change after them
_GAINS = frozenset({"reduction", "reductions", "savings", "saving", "improvement", "increase", "boost", "gain", "gains", "speedup", "speed-up"})
_RATES = frozenset({"second", "sec", "s", "hour", "gpu", "dollar", "watt", "step"})


@dataclass(frozen=True)
class Summary:
    tldr: str
    short_name: str
    claims: tuple[str, ...]


def contribution_score(sentence: str, position: int, name: str = "") -> float:
    bits = _sentence_bits(sentence)  # which regexes can match: most need not run
    matched = [cue for cue in _possible_cues(bits) if cue.pattern.search(sentence)]
    score = sum(cue.weight for cue in matched)
    if score >= 3 and name and _mentions(sentence, name):
        score += 2  # of the statements, the one naming the paper's method introduces it
    if position == 0 and _BACKGROUND_CUES.search(sentence) and score < 3:
        score -= 2  # the opening sentence is usually background
    if _PROBLEM_OPENING.match(sentence) and score < 3:
        score -= 2  # a problem statement, not a contribution
    if _may_match(_RELEASE_BITS, bits) and _RELEASE.search(sentence):
        score -= 3  # "we release our code": an offer, not the finding
    if _FOLLOW_UP.search(sentence):
        score -= 5
    if not (_may_match(_AUTHORS_BITS, bits) and _AUTHORS.search(sentence)):
        score -= 1  # a statement about the field, not about this paper
    if not any(cue.proposal for cue in matched) and _RESULT_NUMBER.search(sentence):
        score -= 1  # a finding measured in one setting: the general statement of it is the headline
    if _points_back(sentence, name, bits):
        score -= ANAPHORA_PENALTY  # it would not stand alone as the TL;DR
    return score - 0.1 * position  # among equals, the earlier statement


def _points_back(sentence: str, name: str, bits: int) -> bool:
    """Whether the sentence refers back to an earlier one, in a way the TL;DR cannot resolve."""
    opening = _LEAD_IN.sub("", sentence)
    if _ANAPHORIC_OPENING.match(opening):
        return not (name and _METHOD_BACK_REFERENCE.match(opening))
    if _may_match(_PRONOUN_OBJECT_BITS, bits) and _PRONOUN_OBJECT.search(sentence):
        return True
    return _may_match(_ANAPHORIC_OBJECT_BITS, bits) and bool(_ANAPHORIC_OBJECT.search(sentence))


def _sentence_bits(sentence: str) -> int:
    """The prefix groups the sentence's words satisfy; every bit set (-1) when not ASCII,
    since re.I also folds a few non-ASCII letters onto ASCII ones ("ſ" onto "s") which
    lower() does not: there the word check would not be exact, so every pattern runs."""
    if not sentence.isascii():
        return -1
    words = set(sentence.lower().translate(_NON_WORD).split())
    return reduce(or_, map(_word_bits, words), 0)


def _may_match(needed: int, bits: int) -> bool:
    return needed & bits == needed


def _mentions(sentence: str, name: str) -> bool:
    r"""Whether `name` occurs in `sentence` as a whole word: the regex `(?<!\w)name(?!\w)`,
    without compiling one per paper (every paper has its own name; compiling cost a fifth
    of summarising)."""
    start = sentence.find(name)
    while start != -1:
        end = start + len(name)
        if not (start and _is_word_char(sentence[start - 1])) and not (end < len(sentence) and _is_word_char(sentence[end])):
            return True
        start = sentence.find(name, start + 1)
    return False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what the regex `\w` matches


# Scraped abstracts lose the space after some full stops ("overheads.We propose"): a stop
# after a lowercase word and before a capital still ends a sentence ("e.g.We" does not).
# (The stop comes first in the regex: a regex that opens with a lookaround is tried at every
# character, one that opens with a character class only where that character is.)
_GLUED_STOP = re.compile(r"[.!?](?=[A-Z])(?<=[a-z]{2}.)")


# "et al." or "e.g." followed by a capital is no sentence end: the splitter cannot know.
_ABBREVIATION_END = re.compile(r"(?:\bet al|\be\.g|\bi\.e|\bcf|\bvs|\bFig|\bEq|\bapprox|\bresp)\.$")
_ABBREVIATION_END_LENGTH = len("approx.\n")  # its longest match: only a part's last characters need searching


def _rejoin_abbreviations(parts: list[str]) -> list[str]:
    joined: list[str] = []
    for part in parts:
        if joined and _ABBREVIATION_END.search(joined[-1], len(joined[-1]) - _ABBREVIATION_END_LENGTH):
            joined[-1] = f"{joined[-1]} {part}"
        else:
            joined.append(part)
    return joined


def contribution_sentence(abstract: str, name: str = "") -> str:
    """The sentence stating the contribution; `name` is the method's short name, if any."""
    candidates = _rejoin_abbreviations(sentences(_GLUED_STOP.sub(r"\g<0> ", abstract)))
    if not candidates:
        return ""
    scored = [(contribution_score(s, i, name), -i, s) for i, s in enumerate(candidates) if len(s.split()) >= 5]
    if not scored:
        return candidates[0]
    return max(scored)[2]


# Whatever opens a sentence before "…, we" ("Across four tasks, we find …", "Instead of
# more compute, we introduce …", "Motivated by …, we propose …") is setting or motivation,
# not the contribution. Openings that carry the method ("By …", "Using …") go only when
# the sentence is too long.
_METHOD_WORDS = r"(?:by|using|through|via|with|combining|applying|employing|exploiting|integrating|incorporating|adopting)"
_LEAD_IN_CLAUSE = re.compile(
    rf"^(?!(?:{_METHOD_WORDS}|we|our|this|these|the|it|they)\b)[^;]{{0,300}}?,\s+(?=(?:we|this|our)\b)",
    re.I,
)
_METHOD_LEAD_IN = re.compile(rf"^{_METHOD_WORDS}\b[^;]{{0,300}}?,\s+(?=(?:we|this|our)\b)", re.I)


MIN_WORDS = 8
_ENUMERATION = (
    r"(?:(?:,|:|;| —)\s+(?:that|which|where|whereby|including|such as|e\.g\.|i\.e\.|namely)?\s*\(?(?:i|1|a)\)"
    r"|\s(?:by|with|via|through)\s+\(?(?:i|1)\))"  # "… in TTS by 1) training …"
)
_DETAIL = re.compile(_ENUMERATION + r"|,\s+(?:which|where|whereby|including|such as)\b|;\s+(?:we|it|this|our)\b")
_ENUMERATION_START = re.compile(_ENUMERATION)


# After the statement, its hoped-for consequences ("…, paving the way for …") and a long
# closing parenthesis of numbers ("(up to 56% of latency …)") are not the contribution.
_CONSEQUENCE = re.compile(
    r",\s+(?:thus |thereby |and )?(?:paving the way|opening (?:up )?(?:new )?(?:avenues|doors|possibilities)|facilitating|encouraging|inspiring|shedding light)\b[^;]*$",
    re.I,
)
_CLOSING_ASIDE = re.compile(r"\s*\((?=(?:[^()\s]+\s+){3})[^()]*\)(?=\.?$)")
LONGEST_SENTENCE = 200  # words; beyond this it is no sentence, and not worth a regex's time


# A TL;DR cannot say what "this challenge" was, so the words that point at it go:
# "We address this challenge, and propose X" and "We tackle this issue by introducing X"
# say all there is to say as "We propose X" and "We introduce X"; "… to address these
# issues" and "a solution to this problem" lose the purpose that points back.
_TARGET = r"(?:this|these|those|such|the above|that)\b[^,;.]{0,40}?"
_ADDRESSING = r"(?:address|tackle|solve|overcome|fill|bridge|close|mitigate|alleviate|resolve|remedy)"
_ADDRESS_AND = re.compile(
    rf"^we\s+(?:\w+ly\s+)?{_ADDRESSING}\s+{_TARGET},?\s+and\s+(?=(?:\w+ly\s+)?(?:propose|present|introduce|develop|design|build|offer|devise)\b)",
    re.I,
)
_GERUNDS = {"proposing": "propose", "introducing": "introduce", "presenting": "present", "developing": "develop", "designing": "design", "devising": "devise"}
_ADDRESS_BY = re.compile(
    rf"^we\s+(?:aim to\s+|try to\s+|seek to\s+)?(?:{_ADDRESSING}|study|investigate|approach)\s+{_TARGET}\s+by\s+({'|'.join(_GERUNDS)})\b",
    re.I,
)
_PURPOSE_BACK = re.compile(
    r"\s+(?:(?:in order )?to\s+(?:address|tackle|solve|overcome|loose|loosen|fix|mitigate|alleviate|resolve|remedy|handle|avoid)|to)\s+(?:this|these|those|such|the above)\s+(?:problem|issue|challenge|limitation|constraint|bottleneck|gap|difficult(?:y|ies)|drawback|shortcoming)s?\b",
    re.I,
)


def _drop_back_references(sentence: str) -> str:
    sentence = _ADDRESS_AND.sub("We ", sentence)
    sentence = _ADDRESS_BY.sub(lambda found: f"We {_GERUNDS[found[1].lower()]}", sentence)
    return _PURPOSE_BACK.sub("", sentence)


def trim(sentence: str, max_words: int = MAX_WORDS) -> str:
    sentence = _drop_back_references(_LEAD_IN.sub("", sentence.strip()))
    if len(sentence.split()) > LONGEST_SENTENCE:
        sentence = " ".join(sentence.split()[:LONGEST_SENTENCE])
    shorter = _CLOSING_ASIDE.sub("", _CONSEQUENCE.sub(".", sentence))
    if len(shorter.split()) >= MIN_WORDS:
        sentence = shorter
    sentence = _LEAD_IN_CLAUSE.sub("", sentence)
    if len(sentence.split()) > max_words:
        sentence = _METHOD_LEAD_IN.sub("", sentence)
    sentence = sentence[:1].upper() + sentence[1:]
    # "… with three techniques: 1) …, 2) …": the list is detail, even in a short sentence.
    listed = _ENUMERATION_START.search(sentence)
    if listed and len(sentence[: listed.start()].split()) >= MIN_WORDS:
        return sentence[: listed.start()].rstrip(",;:( ") + " …"
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    # An enumeration or a relative clause after the main statement is detail: stop before it.
    detail = _DETAIL.search(sentence)
    if detail and MIN_WORDS <= len(sentence[: detail.start()].split()) <= max_words:
        return sentence[: detail.start()].rstrip(",;:( ") + " …"
    cut = _without_open_aside(" ".join(words[:max_words]))
    # End at the last clause boundary in the second half, not mid-phrase.
    boundary = max(cut.rfind(", "), cut.rfind("; "), cut.rfind(" — "), cut.rfind(" ("))
    if boundary > len(cut) // 2:
        cut = _without_open_aside(cut[:boundary])
    return cut.rstrip(",;:( ") + " …"


def _without_open_aside(cut: str) -> str:
    """A cut that would leave a bracket open ("with various model sizes (8B, 70B …") loses
    the aside whole, if enough is left."""
    opened = _unclosed_bracket(cut)
    return cut[:opened] if opened is not None and len(cut[:opened].split()) >= MIN_WORDS else cut


def _unclosed_bracket(text: str) -> int | None:
    """Where the first bracket `text` leaves open starts, if any."""
    opened: list[int] = []
    for index, char in enumerate(text):
        if char == "(":
            opened.append(index)
        elif char == ")" and opened:
            opened.pop()
    return opened[0] if opened else None


def short_name(title: str) -> str:
    """`GPTQ` from `GPTQ: Accurate …`; empty when the title has no such prefix."""
    match = _SHORT_NAME.match(title)
    if not match or len(match[1]) > 24 or match[1].lower() in {"a", "an", "the"}:
        return ""
    name = match[1]
    return name if re.search(r"[A-Z0-9]", name[1:]) or len(name.split()) == 1 else ""


def claims(abstract: str, limit: int = 3) -> tuple[str, ...]:
    """The abstract's quantitative gains, in the order written, each as the amount, what
    changed and of what, in the authors' words: "3.25× faster in training", "1.48–12.1×
    higher estimated throughput per dollar", "11× inference speedup", and "2.5× reduction
    in latency" for "reduces latency by 2.5x"."""
    found: dict[int, str] = {}
    for match in _CLAIM.finditer(abstract):
        change = (match[4] or match[6]).lower()
        words = _claim_object(abstract, match.end())
        if not _is_a_cost(change, words):
            between = match[5].split() if match[5] else []
            found[match.start()] = " ".join([_amount(match), *between, change, *words])
    for match in _CLAIM_BY_VERB.finditer(abstract) if _BY_AN_AMOUNT.search(abstract) else ():
        change = _VERB_NOUNS[match[1].lower()]
        words = match[2].split()
        if not _is_a_cost(change, words):
            found.setdefault(match.start(3), " ".join([_amount(match, 3), change, "in", *words]))
    ordered = list(dict.fromkeys(found[position] for position in sorted(found)))
    return tuple(ordered[:limit])


def _amount(match: re.Match[str], first: int = 1) -> str:
    """"3.25×", "1.48–12.1×", "50%": the amount of a claim, from the groups at `first`."""
    low, high, unit = match[first], match[first + 1], match[first + 2]
    number = f"{low}–{high}" if high else low
    return number + ("%" if unit.strip().lower() in ("%", "percent") else "×")


def _claim_object(text: str, position: int) -> list[str]:
    """The words after a claim's change that say what changed, up to a comparison,
    punctuation or another clause."""
    words: list[str] = []
    while len(words) < CLAIM_WORDS and (word := _CLAIM_WORD.match(text, position)):
        if word[1].lower() in _CLAIM_STOPS or not re.search(r"[A-Za-z]", word[1]):
            break
        words.append(word[1])
        position = word.end()
    while words and words[-1].lower() in _CLAIM_CONNECTORS:
        words.pop()
    return words


def _is_a_cost(change: str, words: list[str]) -> bool:
    """Whether a claim is a price or a comparison rather than a gain (see `_COSTS`)."""
    said = [word.lower() for word in words]
    if change in _MEASURES:  # "4× memory reduction" yes; "98% accuracy", "1% accuracy drop" no
        return not set(said) & _GAINS
    if change in ("larger", "more") and not said:
        return True  # "models 10× larger": the size of what it is compared with
    of = said[1:] if said and said[0] in _CLAIM_CONNECTORS else said  # "reduction in accuracy"
    cut = next((index for index, word in enumerate(of) if word in _CLAIM_CONNECTORS), len(of))
    head = of[cut - 1] if cut else ""
    if any(word == "per" and unit.rstrip("s") in _RATES for word, unit in itertools.pairwise(said)):
        return change in _DOWN  # a rate ("tokens per second"): fewer is a loss, more is the gain
    return (change in _UP and head in _COSTS) or (change in _DOWN and head in _QUALITIES)


def summarize(paper: Paper) -> Summary:
    return summarize_text((paper.title, paper.abstract))


def summary_key(paper: Paper) -> str:
    """What a summary depends on: the paper's title and abstract, and the code that makes it."""
    return hashlib.sha256(f"{_CODE_DIGEST}\0{paper.title}\0{paper.abstract}".encode()).hexdigest()[:32]


# Summaries depend on this module and on text.py's sentence splitter.
_CODE_DIGEST = hashlib.sha256(b"".join(path.read_bytes() for path in (Path(__file__), Path(__file__).with_name("text.py")))).hexdigest()


def summarize_all(papers: list[Paper], known: Mapping[str, Summary] | None = None) -> list[Summary]:
    """`summarize` for every paper, in order; on several processes for large corpora.
    `known` holds summaries made earlier, by `summary_key`: a summary depends on nothing
    else, so only new or edited papers are summarised again."""
    missing = unsummarised(papers, known)
    made = fork_map(summarize_text, missing)  # pure Python, paper by paper: shared among the cores
    return gathered(papers, known, dict(zip(missing, made)))


def unsummarised(papers: list[Paper], known: Mapping[str, Summary] | None = None) -> list[tuple[str, str]]:
    """The title and abstract of each paper whose summary `known` lacks, each text once."""
    known = known or {}
    return list(dict.fromkeys((paper.title, paper.abstract) for paper in papers if summary_key(paper) not in known))


def gathered(papers: list[Paper], known: Mapping[str, Summary] | None, made: Mapping[tuple[str, str], Summary]) -> list[Summary]:
    """Each paper's summary, from `known` (by `summary_key`) or `made` (by title and abstract)."""
    known = known or {}
    return [known[key] if (key := summary_key(paper)) in known else made[paper.title, paper.abstract] for paper in papers]


def summarize_text(title_and_abstract: tuple[str, str]) -> Summary:
    title, abstract = title_and_abstract
    name = short_name(title)
    sentence = contribution_sentence(abstract, name)
    tldr = _resolve_method_reference(trim(sentence), name) if sentence else ""
    if addition := title_addition(tldr, title, abstract):
        tldr = f"{tldr.rstrip('. ')} — {addition}."
    return Summary(tldr=tldr, short_name=name, claims=claims(abstract))


TITLE_COVERED = 0.5  # share of the title's words a TL;DR has when it already says what the title says
ROOM_FOR_TITLE = 20  # words; a longer TL;DR has said enough, and with the title would run past MAX_WORDS
# "… via affinity mimicking": where a title turns from what to how.
_HOW = re.compile(r"\s(?=(?:via|with|through|using|by)\s)", re.I)


def title_addition(tldr: str, title: str, abstract: str) -> str:
    """What the title says that the TL;DR does not, as running text to follow a dash; empty
    when the TL;DR has most of it. Titles carry the task and the key idea that a TL;DR
    naming its method often lacks ("We propose a novel cross-modal distillation method,
    called TinyCLIP, …" — "via affinity mimicking and weight inheritance"). The title is
    the authors' own one-line summary: nothing is invented."""
    description = _title_description(title)
    said = _content_words(tldr)
    if not tldr or len(tldr.split()) > ROOM_FOR_TITLE or "?" in description or _covered(description, said):
        return ""  # a question ("Clustering is all you need?") describes nothing
    what, *how = _HOW.split(description, maxsplit=1)
    if how and _covered(what, said):
        description = how[0]  # the TL;DR says what; the title adds how
    elif how and _content_words(how[0]) <= said:
        description = what  # "… with C4", where the TL;DR names C4 already
    if len(_content_words(description) - said) < 2:
        return ""
    return _sentence_case(description, abstract)


def _covered(text: str, said: set[str]) -> bool:
    wanted = _content_words(text)
    return len(wanted & said) >= TITLE_COVERED * len(wanted)


def _title_description(title: str) -> str:
    """The part of the title that describes: after "GPTQ:", else the longer side of a
    colon ("Hyperparameters in Continual Learning: a Reality Check")."""
    if ":" not in title:
        return title
    before, after = (part.strip() for part in title.split(":", 1))
    return after if short_name(title) or len(after.split()) >= len(before.split()) else before


def _content_words(text: str) -> set[str]:
    return {word.lower()[:5] for word in re.findall(r"[A-Za-z][A-Za-z0-9]+", text) if word.lower() not in _SMALL_WORDS}


# English function words (scikit-learn's list), and the "need" of "… is all you need".
_SMALL_WORDS = ENGLISH_STOP_WORDS | {"does", "need", "needs"}
_NAME_IN_TEXT = re.compile(r"(?<=[a-z0-9,;)] )[A-Z][a-z]+")  # a capitalised word inside a sentence


def _sentence_case(title: str, abstract: str) -> str:
    """Title Case as running text: "Efficient Memory Management" → "efficient memory
    management". A word the abstract capitalises inside its sentences is a name and keeps
    its capital ("Transformer", "Adam"), as do acronyms and mixed case ("LLMs", "PagedAttention")."""
    words = [word.split("-") for word in title.split()]
    capitalised = {part for parts in words for part in parts if part[:1].isupper() and (part[1:].islower() or part == "A")}
    # A name is written in the abstract: most titles have none, and need not read it for names.
    names = _names(abstract) if any(part in abstract for part in capitalised) else set()
    return " ".join("-".join(part.lower() if part in capitalised and part not in names else part for part in parts) for parts in words)


def _names(abstract: str) -> set[str]:
    """The words the abstract capitalises inside its sentences and never writes in lowercase."""
    written_lower = set(re.findall(r"[a-z][a-z]+", abstract))
    return {word for word in _NAME_IN_TEXT.findall(abstract) if word.lower() not in written_lower}


def _resolve_method_reference(tldr: str, name: str) -> str:
    """"This approach reduces …" → "GPTQ reduces …": the TL;DR then stands alone."""
    return _METHOD_BACK_REFERENCE.sub(name, tldr, count=1) if name else tldr
