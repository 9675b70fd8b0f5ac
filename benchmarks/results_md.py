"""Keep benchmarks/results.md whole: replace only the generated parts a run produced.

results.md mixes generated sections with hand-written ones (history, before/after tables, notes on
runs nobody should repeat). A benchmark's generated section sits between two markers::

    <!-- begin: extract -->
    ## Extraction: ...
    <!-- end: extract -->

and each of its headline lines ends with ``<!-- headline: extract -->``. A regeneration replaces
exactly these parts (``header`` is the generated top of the file) and leaves every other line as
it was. A section or headline seen for the first time is added after the last generated one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

HEADLINES_TITLE = "## Headlines"


def begin_marker(name: str) -> str:
    return f"<!-- begin: {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- end: {name} -->"


def headline_marker(name: str) -> str:
    return f"<!-- headline: {name} -->"


def _span(text: str, name: str) -> tuple[int, int] | None:
    """``(start, end)`` of ``name``'s marked block, markers included; ``None`` when absent."""
    begin, end = begin_marker(name), end_marker(name)
    start = text.find(begin)
    if start < 0:
        return None
    stop = text.find(end, start)
    if stop < 0:
        raise ValueError(f"results.md: {begin} has no matching {end}")
    if text.count(begin) > 1:
        raise ValueError(f"results.md: {begin} appears more than once")
    return start, stop + len(end)


def section_names(text: str) -> list[str]:
    """Names of the marked sections, in file order."""
    return re.findall(r"<!-- begin: ([\w.-]+) -->", text)


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with ``name``'s marked section holding ``body``; everything else unchanged.

    A new section goes after the last marked benchmark section, or at the end when there is none.
    """
    block = f"{begin_marker(name)}\n{body.strip()}\n{end_marker(name)}"
    span = _span(text, name)
    if span is not None:
        return text[: span[0]] + block + text[span[1]:]
    names = [n for n in section_names(text) if n != "header"]
    if names:
        _, stop = _span(text, names[-1])
        return text[:stop] + "\n\n" + block + text[stop:]
    return text.rstrip("\n") + ("\n\n" if text.strip() else "") + block + "\n"


def replace_headlines(text: str, name: str, lines: Sequence[str]) -> str:
    """``text`` with ``name``'s headline lines replaced by ``lines`` (each a list item, marked).

    New lines take the place of the first old one; without old ones they go after the last marked
    headline, else at the end of the ``## Headlines`` list, else into a new list under the header.
    """
    marker = headline_marker(name)
    new = [f"- {line} {marker}" for line in lines]
    rows = text.split("\n")
    old = [i for i, row in enumerate(rows) if row.rstrip().endswith(marker)]
    if old:
        at = old[0]
        rows = [row for i, row in enumerate(rows) if i not in set(old)]
    else:
        marked = [i for i, row in enumerate(rows) if re.search(r"<!-- headline: [\w.-]+ -->\s*$", row)]
        if marked:
            at = marked[-1] + 1
        elif HEADLINES_TITLE in rows:
            at = rows.index(HEADLINES_TITLE) + 1
            while at < len(rows) and not rows[at].strip():
                at += 1
            while at < len(rows) and rows[at].startswith("- "):
                at += 1
        else:
            top = end_marker("header")  # under the generated header, else under the title
            at = rows.index(top) + 1 if top in rows else next(
                (i + 1 for i, row in enumerate(rows) if row.startswith("# ")), 0)
            rows[at:at] = ["", HEADLINES_TITLE, "", *new]
            return "\n".join(rows)
    rows[at:at] = new
    return "\n".join(rows)


def update(text: str, *, header: str | None = None, sections: dict[str, str] | None = None,
           headlines: dict[str, Sequence[str]] | None = None) -> str:
    """Apply a run's generated parts to results.md's ``text`` (``header`` first, if given)."""
    if header is not None:
        if _span(text, "header") is None:  # right under the title
            rows = text.split("\n")
            title = next((i + 1 for i, row in enumerate(rows) if row.startswith("# ")), 0)
            rows[title:title] = ["", begin_marker("header"), header.strip(), end_marker("header")]
            text = "\n".join(rows)
        else:
            text = replace_section(text, "header", header)
    for name, body in (sections or {}).items():
        text = replace_section(text, name, body)
    for name, lines in (headlines or {}).items():
        text = replace_headlines(text, name, lines)
    return text if text.endswith("\n") else text + "\n"
