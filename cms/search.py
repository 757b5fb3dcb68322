"""The site search: community pages and policies as well as services. Pages are matched
word by word on their text (Chinese has no spaces for a full-text index to split on, and
a community's pages are few); services go through the catalogue's own search."""

from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Page

from cms.models import (
    ActivityPage,
    ChannelPostPage,
    CommunityChannelPage,
    PolicyPage,
    SurveyPage,
)
from marketplace.selectors import CatalogueFilters, search_services

# Each page type and the fields its text lives in.
SEARCHED = [
    (ChannelPostPage, ("title", "body")),
    (ActivityPage, ("title", "body", "place")),
    (PolicyPage, ("title", "summary", "body")),
    (CommunityChannelPage, ("title", "intro")),
    (SurveyPage, ("title", "intro")),
]
MOST = 20


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def search_pages(query: str) -> list[Page]:
    terms = query.split()[:5]
    found: dict = {}
    for model, fields in SEARCHED:
        matches = model.objects.live()
        for term in terms:
            any_field = Q()
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": term})
            matches = matches.filter(any_field)
        for page in matches.select_related("locale")[:MOST]:
            # One result per page: the reader's language where it exists, else Chinese.
            key = page.translation_key
            kept = found.get(key)
            if kept is None or page.locale.language_code == _language():
                found[key] = page
    return list(found.values())[:MOST]


def search_site(query: str) -> tuple[list[Page], list]:
    services = list(search_services(CatalogueFilters(query=query))[:10])
    return search_pages(query), services
