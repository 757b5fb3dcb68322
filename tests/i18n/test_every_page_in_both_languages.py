"""Every page of every role, in Chinese and in English, says nothing in the other
language outside user data (issue 20, point 4; decision 0043).

What counts as user data: an element marked `translate="no"` or `data-user-content`, an
element whose `lang` differs from the page's (the language switcher, an untranslated CMS
page), and any text the database holds (names, addresses, titles people typed). A region
or category kept in both languages (`name_zh`/`name_en`) is not user data in the other
language: a Chinese name on an English page is a bug. Script, style and the Wagtail admin's
own chrome (translated by Wagtail, not us) are left out; our workspace views are in.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models

from tests.reliability.conftest import world  # noqa: F401  (somebody else's objects)
from tests.reliability.test_authorisation_sweep import all_routes, fill, is_ours, request

pytestmark = pytest.mark.django_db

# The roles of the issue: resident, family, provider manager, carer, community staff,
# officer, platform admin, and nobody signed in.
ROLES = [
    "anonymous",
    "other_resident",
    "daughter",
    "provider_manager",
    "caregiver",
    "community_staff",
    "district_officer",
    "platform_admin",
]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# Words a Chinese page may carry: the brand, formats, units and names of outside services.
ALLOWED_IN_CHINESE = {
    "Linli",
    "PDF",
    "CSV",
    "XLSX",
    "JPEG",
    "PNG",
    "ID",
    "IDs",
    "km",
    "min",
    "Stripe",
    "Alipay",
    "WeChat",
    "Pay",
    "Barthel",
    "TOTP",
    "English",
}
TEXT_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
SKIPPED = {"script", "style", "template", "svg"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class PageText(HTMLParser):
    """The words a reader sees in the page's own language."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # per open element: is it outside the check?
        self.texts: list[str] = []

    def _excluded(self, tag: str, attrs: dict) -> bool:
        lang = attrs.get("lang")
        return (
            tag in SKIPPED
            or attrs.get("translate") == "no"
            or "data-user-content" in attrs
            or (lang is not None and not lang.startswith(self.language[:2]))
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        outside = (self.stack and self.stack[-1]) or self._excluded(tag, attrs)
        if not outside:
            self.texts += [v for k, v in attrs.items() if k in TEXT_ATTRIBUTES and v]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append(bool(outside))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.texts.append(data)


def user_data(language: str) -> list[str]:
    """Every text the database holds, longest first; a bilingual field counts only in its
    own language."""
    other = "_en" if language == "zh-hans" else "_zh"
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.attname.endswith(other)
        ]
        if not names:
            continue
        for row in model._base_manager.values_list(*names):
            found.update(str(v) for v in row if v)
    return sorted((t for t in found if len(t.strip()) > 1), key=len, reverse=True)


def foreign_words(html: str, language: str, data: list[str]) -> set[str]:
    parser = PageText(language)
    parser.feed(html)
    text = "\n".join(parser.texts)
    for value in data:
        text = text.replace(value, " ")
    if language == "en":
        return set(CJK.findall(text))
    return {word for word in WORD.findall(text) if word not in ALLOWED_IN_CHINESE}


def pages_of(who: str, world: dict) -> list[str]:  # noqa: F811
    """Every GET page of ours without parameters; with the elsewhere world's objects for
    the platform admin, who may open all of them."""
    urls = []
    for route in all_routes():
        if not is_ours(route):
            continue
        if route.params and who != "platform_admin":
            continue
        urls.append(fill(route, world))
    return sorted(set(urls))


MAIN = re.compile(r"<main\b.*?</main>", re.S)


def our_part(url: str, html: str) -> str:
    """Inside the Wagtail admin, only the <main> our workspace views fill: the chrome
    around it is Wagtail's, translated (or not) by Wagtail."""
    if not url.startswith("/cms-admin/"):
        return html
    found = MAIN.search(html)
    return found.group(0) if found else ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_every_page_speaks_one_language_outside_user_data(
    client,
    cast,
    world,  # noqa: F811
    who,
    language,
):
    if cast[who] is not None:
        client.force_login(cast[who])
    client.post("/prefs/language/", {"language": language})
    data = user_data(language)
    problems = {}
    for url in pages_of(who, world):
        response = request(client, "get", url)
        if isinstance(response, Exception) or response.status_code != 200:
            continue
        if getattr(response, "streaming", False):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = our_part(url, response.content.decode())
        found = foreign_words(html, language, data)
        if found:
            problems[url] = sorted(found)
    assert problems == {}
