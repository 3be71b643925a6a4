"""What a paper's links are: its own page, its code, a video.

Links from a listing are the ones its abstract mentions, which are mostly code and project
pages, not the paper. A citation's `url` should point at the paper, and a page should say
where a link goes, so links are told apart by their host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import urlsplit

from generator.normalize import find_arxiv_id

Item = TypeVar("Item")

# Hosts whose links are code, models, data or talks about a paper, never the paper itself.
_KINDS = {
    "github.com": "Code",
    "githubusercontent.com": "Code",
    "gitlab.com": "Code",
    "bitbucket.org": "Code",
    "gitee.com": "Code",
    "colab.research.google.com": "Code",
    "huggingface.co": "Hugging Face",
    "hf.co": "Hugging Face",
    "youtube.com": "Video",
    "youtu.be": "Video",
    "vimeo.com": "Video",
}
# Hosts whose links are the paper.
_PAPER_HOSTS = {
    "arxiv.org": "arXiv",
    "doi.org": "DOI",
    "openreview.net": "OpenReview",
    "aclanthology.org": "ACL Anthology",
    "proceedings.neurips.cc": "NeurIPS",
    "papers.nips.cc": "NeurIPS",
    "proceedings.mlr.press": "PMLR",
    "dl.acm.org": "ACM",
    "ieeexplore.ieee.org": "IEEE",
    "link.springer.com": "Springer",
}


def host(url: str) -> str:
    """The host without `www.` or a final dot: "github.com"; empty for a link that has none."""
    try:
        name = (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed port or IPv6 literal
        return ""
    return name.rstrip(".").removeprefix("www.")


def _known(name: str, hosts: dict[str, str]) -> str:
    """The label of `name` or of the domain it is under ("m.youtube.com" is youtube.com's)."""
    parts = name.split(".")
    return next((hosts[domain] for domain in (".".join(parts[i:]) for i in range(len(parts) - 1)) if domain in hosts), "")


def link_label(url: str) -> str:
    """What a link is, to show beside it: "Code", "Video", "arXiv", else its host."""
    name = host(url)
    return _known(name, _KINDS) or _known(name, _PAPER_HOSTS) or name or "Link"


def is_a_paper(url: str) -> bool:
    """Whether a link is to a paper (arXiv, a DOI, a proceedings page), by its host."""
    return bool(_known(host(url), _PAPER_HOSTS))


def is_about_the_paper(url: str) -> bool:
    """Whether a link may stand for the paper in a citation: not code, models or a talk."""
    return not _known(host(url), _KINDS)


def destination(url: str) -> str:
    """Where a link leads, whatever its spelling: http or https, `www.`, a final slash, and
    for arXiv the abstract, the PDF, any version or its DOI (10.48550/arXiv.…) are one."""
    name = host(url)
    on_arxiv = name in ("arxiv.org", "doi.org") or name.endswith(".arxiv.org")  # export.arxiv.org too
    if on_arxiv and (arxiv_id := find_arxiv_id(url.lower().replace("doi.org/10.48550/arxiv.", "arxiv.org/abs/"))):
        return f"arxiv:{arxiv_id}"
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return f"{name}{path}?{parts.query}" if parts.query else f"{name}{path}"


def distinct(items: Iterable[Item], url_of: Callable[[Item], str] = str) -> list[Item]:
    """`items` (links, or pairs holding one) less any that leads where an earlier one does."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if (where := destination(url_of(item))) not in seen:
            seen.add(where)
            kept.append(item)
    return kept
