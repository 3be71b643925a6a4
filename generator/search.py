"""Which in-browser search a site gets, and the Pagefind index for large ones.

Material's built-in search ships the whole index as one JSON file that every visitor
downloads (25 MB at 10,000 papers here) before the first result. Past
`MATERIAL_SEARCH_LIMIT` papers the site uses Pagefind instead: its index is split into
small fragments, and a query fetches only the ones it needs.

Pagefind indexes the built HTML, so it runs after `mkdocs build` (`make site` does it).
It reads only the topic pages, where every paper has its own heading, so each hit links
to the paper's entry; listings, code blocks and links are left out of the index.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MATERIAL_SEARCH_LIMIT = 3_000
SEARCH_PAGE = "review/search.md"  # relative to docs/; exists only when Pagefind is used
PAGEFIND_OPTIONS = (
    "--glob",
    "review/topics/**/*.html",
    "--root-selector",
    "article",
    "--exclude-selectors",
    ".highlight",  # BibTeX blocks
    "--exclude-selectors",
    "details.quote",
    "--exclude-selectors",
    ".headerlink",
    "--force-language",
    "en",
    "--output-subdir",
    "pagefind",
)


def search_engine(mode: str, paper_count: int) -> str:
    """"material" or "pagefind" for a configured mode; "auto" picks by corpus size."""
    if mode != "auto":
        return mode
    return "material" if paper_count <= MATERIAL_SEARCH_LIMIT else "pagefind"


def uses_pagefind(site_dir: Path) -> bool:
    """Whether a built site was generated for Pagefind: only then does it have the search page."""
    return (site_dir / Path(SEARCH_PAGE).with_suffix("") / "index.html").is_file()


def index_site(site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Runs Pagefind (the binary its PyPI package ships) over a built site."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), *PAGEFIND_OPTIONS]
    return subprocess.run(command, capture_output=True, text=True, check=False)
