"""review.yml: defaults, validation errors that name path:line, and the topic taxonomy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.config import KNOWN_KEYS, ConfigError, load_config
from generator.models import Topic

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "review.yml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def test_minimal_config_and_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: My Review\n"))
    assert config.title == "My Review"
    assert config.root == tmp_path.resolve()
    assert config.inputs == ("papers/",)
    assert config.reference_year is None
    assert config.topics == ()
    assert config.tags == ()
    assert config.keys_path == tmp_path.resolve() / "citation-keys.yml"


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "# nothing yet\n"))
    assert config.inputs == ("papers/",)


def test_full_config(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "more.bib").write_text("", encoding="utf-8")
    text = """\
title: Efficient Training
description: A review.
inputs:
  - papers/
  - extra/*.bib
reference_year: 2025
tags: [LoRA, FP8]
keys_file: keys.yml
topics:
  - title: Distributed and parallel training
    slug: distributed-training
    description: Scaling across accelerators.
    keywords: [pipeline parallelism, all-reduce]
  - title: Quantization & Low Precision
    description: Fewer bits.
"""
    config = load_config(write(tmp_path, text))
    assert (config.title, config.description) == ("Efficient Training", "A review.")
    assert config.inputs == ("papers/", "extra/*.bib")
    assert config.reference_year == 2025
    assert config.tags == ("LoRA", "FP8")
    assert config.keys_path == tmp_path.resolve() / "keys.yml"
    assert config.topics == (
        Topic(
            "distributed-training",
            "Distributed and parallel training",
            "Scaling across accelerators.",
            ("pipeline parallelism", "all-reduce"),
        ),
        Topic("quantization-low-precision", "Quantization & Low Precision", "Fewer bits.", ()),
    )


def test_a_single_input_string_is_a_list(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").touch()
    assert load_config(write(tmp_path, "inputs: refs.bib\n")).inputs == ("refs.bib",)


def test_the_repository_config_loads() -> None:
    config = load_config(REPO / "review.yml")
    assert config.reference_year is not None
    assert config.topics
    assert len({t.slug for t in config.topics}) == len(config.topics)


UNKNOWN_KEY_CASES = [
    ("title: T\ncolour: blue\n", "colour", 2),
    ("title: T\ninputs: [papers/]\n\n# comment\nreferenceyear: 2025\n", "referenceyear", 5),
    ("input: papers/\n", "input", 1),
]


@pytest.mark.parametrize(("text", "key", "line"), UNKNOWN_KEY_CASES)
def test_unknown_key_names_path_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'review.yml'}:{line}:")
    assert key in message
    assert all(known in message for known in KNOWN_KEYS)  # and says what is allowed


BAD_YEARS = ['"2025"', "25", "3000", "1899", "true", "2025.5", "[2025]", "next year"]


@pytest.mark.parametrize("value", BAD_YEARS)
def test_bad_reference_year(tmp_path: Path, value: str) -> None:
    message = error_of(tmp_path, f"title: T\n\nreference_year: {value}\n")
    assert message.startswith(f"{tmp_path / 'review.yml'}:3:")
    assert "reference_year" in message


@pytest.mark.parametrize("value", ["2025", "1999", "2100"])
def test_good_reference_year(tmp_path: Path, value: str) -> None:
    assert load_config(write(tmp_path, f"reference_year: {value}\n")).reference_year == int(value)


BAD_CONFIGS = [
    # text, what the message must mention, line
    ("inputs: {a: b}\n", "inputs", 1),
    ("inputs: [papers/, 3]\n", "inputs", 1),
    ("tags: LoRA\n", "tags", 1),
    ("title: T\ntopics: Distributed\n", "topics", 2),
    ("topics:\n  - description: no title\n", "title", 1),
    ("topics:\n  - title: A\n    colour: red\n", "colour", 1),
    ("topics:\n  - title: A\n    keywords: pipeline\n", "keywords", 1),
    ("topics:\n  - title: Same\n  - title: same\n", "same", 1),
    ("topics:\n  - title: Other\n", "other", 1),
    ("topics:\n  - title: Index\n", "index", 1),  # topics/index.md lists the topics
    ("search: lunr\n", "search", 1),
    ("- just\n- a list\n", "mapping", 1),
]


@pytest.mark.parametrize(("text", "mentions", "line"), BAD_CONFIGS)
def test_invalid_settings_are_config_errors(tmp_path: Path, text: str, mentions: str, line: int) -> None:
    message = error_of(tmp_path, text)
    assert re.match(rf"{re.escape(str(tmp_path / 'review.yml'))}:{line}: ", message), message
    assert mentions in message


INVALID_YAML = [
    ("title: T\ninputs: [papers/\n", 3),
    ("title: T\n  bad: indent\n", 2),
    ("title: T\n\ttopics: []\n", 2),
]


@pytest.mark.parametrize(("text", "line"), INVALID_YAML)
def test_invalid_yaml_names_path_and_line(tmp_path: Path, text: str, line: int) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'review.yml'}:{line}: invalid YAML")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yml")


TOPIC_SLUGS = [
    ("Distributed and parallel training", "distributed-and-parallel-training"),
    ("LLM inference & serving", "llm-inference-serving"),
    ("Über-efficient models", "uber-efficient-models"),
    ("Café Ångström", "cafe-angstrom"),
    ("量子化", "topic-986029"),  # no ASCII letter: a hash of the title
    ("  Spaces   everywhere  ", "spaces-everywhere"),
]


@pytest.mark.parametrize(("title", "slug"), TOPIC_SLUGS)
def test_topic_slugs_from_titles(tmp_path: Path, title: str, slug: str) -> None:
    config = load_config(write(tmp_path, f'topics:\n  - title: "{title}"\n'))
    assert [t.slug for t in config.topics] == [slug]


def test_two_titles_without_ascii_letters_get_two_slugs(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "topics:\n  - title: 量子化\n  - title: 分布式训练\n"))
    assert len({t.slug for t in config.topics}) == 2


def test_explicit_slug_is_slugified(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "topics:\n  - title: A\n    slug: My Slug!\n"))
    assert config.topics[0].slug == "my-slug"


def test_an_input_that_does_not_exist_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    assert error_of(tmp_path, "title: T\ninputs:\n  - paper/\n").endswith("review.yml:2: `inputs`: 'paper/' not found; nothing was built, and the site is as it was")
    # A pattern matching nothing is as likely a typo (`paper/*.txt`), which would build a
    # site without those papers over the good one.
    assert error_of(tmp_path, "inputs:\n  - papers/\n  - 'extra/*.bib'\n").endswith("review.yml:1: `inputs`: 'extra/*.bib' matches no file; nothing was built, and the site is as it was")
    (tmp_path / "papers" / "a.bib").write_text("", encoding="utf-8")
    assert load_config(write(tmp_path, "inputs: ['papers/*.bib']\n")).inputs == ("papers/*.bib",)


def test_a_keys_file_in_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    assert "`keys_file`: 'state/keys.yml' must name a file in an existing folder" in error_of(tmp_path, "keys_file: state/keys.yml\n")


def test_a_config_that_is_not_utf8_is_a_config_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "review.yml"
    path.write_bytes("title: T\ndescription: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"review.yml:2: not UTF-8"):
        load_config(path)


def test_topic_term_weights_as_discovered_topics_writes_them(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "topics:\n  - title: A\n    term_weights: {lora: 0.52, 'low rank': 1, 'true': 0}\n"))
    assert config.topics[0].term_weights == (("lora", 0.52), ("low rank", 1.0), ("true", 0.0))


@pytest.mark.parametrize("weights", ["[lora, 0.5]", "{lora: high}", "{lora: -1}", "{lora: .nan}", "{lora: true}"])
def test_topic_term_weights_must_be_weights(tmp_path: Path, weights: str) -> None:
    assert "`term_weights` must map terms to weights of 0 or more" in error_of(tmp_path, f"topics:\n  - title: A\n    term_weights: {weights}\n")


@pytest.mark.parametrize("topics", ["topics:\n", "topics: []\n", "topics:\n# - title: Quantization\n"])
def test_an_empty_topics_list_stops_the_build_rather_than_discover_topics(tmp_path: Path, topics: str) -> None:
    assert "`topics`: is empty: list the topics under it, or remove the key for automatic topics" in error_of(tmp_path, "title: T\n" + topics)
