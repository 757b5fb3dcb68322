"""Checks a person would make by eye: nothing overlaps, nothing is cut off."""

from pathlib import Path

LAYOUT_PROBLEMS_JS = (Path(__file__).parent / "layout_problems.js").read_text(encoding="utf-8")


def double_text(page) -> None:
    """The browser's text size doubled. Set through the CSSOM: the strict CSP refuses an
    added <style> element, as it would refuse any inline style."""
    page.evaluate(
        "document.documentElement.style.setProperty("
        "'font-size', 'calc(var(--base-size) * 2)', 'important')"
    )


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS_JS)
