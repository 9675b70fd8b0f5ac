"""Result files (``benchmarks/out/NAME.json``) and the Markdown tables of results.md."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness.env import OUT_DIR


def save_result(name: str, result: dict) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=1, default=str) + "\n")
    return path


def publish(name: str, result: dict, markdown: Callable[[dict], str]) -> None:
    """A stand-alone benchmark's ending: save the JSON, print its results.md section."""
    save_result(name, result)
    print()
    print(markdown(result))
    print()


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "–"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], digits: int | Sequence[int] = 1) -> str:
    """A GitHub Markdown table (floats with ``digits`` decimals: one for all columns, or one per column)."""
    per_col = [digits] * len(headers) if isinstance(digits, int) else list(digits)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(fmt(v, d) for v, d in zip(row, per_col)) + " |")
    return "\n".join(lines)
