"""Checks a person would make by eye: nothing overlaps, nothing is cut off, nothing is too
small to tap, and the page reflows at 320 px (WCAG 1.4.10) without sideways scrolling."""

from pathlib import Path

HERE = Path(__file__).parent
LAYOUT_PROBLEMS_JS = (HERE / "layout_problems.js").read_text(encoding="utf-8")
TAP_TARGETS_JS = (HERE / "tap_targets.js").read_text(encoding="utf-8")

# WCAG 2.5.5 (AAA, what elder mode promises): 44 x 44 CSS pixels.
MIN_TARGET_PX = 44
# Elder mode's radio buttons and checkboxes: large enough to see and hit (they were 18 px).
MIN_ELDER_CHOICE_PX = 28


def double_text(page) -> None:
    """The browser's text size doubled. Set through the CSSOM: the strict CSP refuses an
    added <style> element, as it would refuse any inline style."""
    page.evaluate(
        "document.documentElement.style.setProperty("
        "'font-size', 'calc(var(--base-size) * 2)', 'important')"
    )


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS_JS)


def scrolls_sideways(page) -> str | None:
    """What scrolls sideways, if the page does (at 320 px this is WCAG's reflow failure)."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          if (root.scrollWidth <= root.clientWidth) return null;
          const wide = [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
            .filter((el) => !el.closest('.table-scroll'))
            .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
            .slice(0, 5);
          return `${root.scrollWidth} > ${root.clientWidth}: ${wide.join(', ')}`;
        }"""
    )


def small_targets(page, *, within: str = "body", min_choice: int = 0) -> list[str]:
    return page.evaluate(
        TAP_TARGETS_JS,
        {"minTarget": MIN_TARGET_PX, "minChoice": min_choice, "within": within},
    )


def header_share(page) -> float:
    """How much of the first screen the site's header takes."""
    return page.evaluate(
        "document.querySelector('.site-header').getBoundingClientRect().height / window.innerHeight"
    )
