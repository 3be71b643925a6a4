"""The light stemmer makes a word's singular and plural one feature, also for words in -e."""

from __future__ import annotations

import pytest

from generator.text import stem


@pytest.mark.parametrize(("one", "other"), [("architecture", "architectures"), ("sample", "samples"), ("device", "devices"), ("scale", "scaling")])
def test_forms_of_a_word_share_a_stem(one: str, other: str) -> None:
    assert stem(one) == stem(other)
