"""Small static SVG bar charts for the home page: no JavaScript, readable in dark mode."""

from __future__ import annotations

from xml.sax.saxutils import escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 18, 6, 380, 300
LABEL_CHARACTERS = 54  # what LABEL_WIDTH holds at 13 px; longer labels end at a word, with "…"


def bar_chart(rows: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart of (label, value) rows as an SVG document."""
    peak = max((value for _, value in rows), default=1) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
        "<style>text{font:13px sans-serif;fill:#888}rect{fill:#4051b5}</style>",
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = max(1, round(BAR_WIDTH * value / peak))
        shown = _shortened(label)
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end">{escape(shown)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" rx="2"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 13}">{value}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _shortened(label: str) -> str:
    """The label, or as many of its words as fit, then "…"."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    cut = label[: LABEL_CHARACTERS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > LABEL_CHARACTERS // 2 else cut).rstrip(" ,;:") + "…"
