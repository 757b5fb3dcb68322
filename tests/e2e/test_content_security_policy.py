"""The CSP count every journey carries (tests/e2e/conftest.py) really counts: a script
slipped into a page is blocked by the site's policy and reported to the test."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_inline_script_on_a_page_is_blocked_and_counted(live_site, new_page, csp_violations):
    page = new_page()
    page.goto(live_site.url + "/services/")
    assert csp_violations.settle() == []

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ranInline = true";
          document.body.appendChild(script);
        }"""
    )

    found = csp_violations.settle()
    assert page.evaluate("window.ranInline === undefined")
    assert [v["directive"] for v in found] == ["script-src-elem"]
    assert found[0]["blocked"] == "inline"
    found.clear()  # seen on purpose; the journey check after the test would fail on it
