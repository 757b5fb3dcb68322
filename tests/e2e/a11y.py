"""axe-core in the browser journeys: every page a journey shows is checked as it is shown.

axe comes from its npm package, vendored in tests/e2e/vendor (no CDN: the site's CSP and the
rule that no request leaves the site hold in the tests too). It is handed to the page through
the DevTools protocol (page.evaluate), which the page's Content-Security-Policy does not
govern, as a <script> element would be refused.
"""

from pathlib import Path

AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# What fails a journey: a person cannot use the page with a screen reader, a keyboard or
# large text. "moderate" and "minor" findings are advice, reported by Lighthouse runs.
FAILING_IMPACTS = ("serious", "critical")

RUN_AXE = """
async (impacts) => {
  // Colours are measured as drawn: a message still fading in (Wagtail's take half a second)
  // would read as too faint. Finite transitions and animations are let finish first.
  const finite = document.getAnimations().filter(
    (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => null)));
  // Wagtail's rich-text editor (Draft.js) is Wagtail's own widget, labelled by Wagtail:
  // what it lacks is reported upstream, not fixed here (decision 0044).
  const context = { exclude: [['.Draftail-Editor']] };
  const results = await window.axe.run(context, {
    resultTypes: ['violations'],
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
  });
  return results.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}
"""


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # A bare expression, not a function: axe's bundle defines window.axe when run.
        page.evaluate(AXE_JS + "\n;0")
    found = page.evaluate(RUN_AXE, list(FAILING_IMPACTS))
    return [f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'])}" for v in found]


def assert_accessible(page, where: str = "") -> None:
    problems = axe_violations(page)
    assert not problems, f"axe-core on {where or page.url}:\n" + "\n".join(problems)
