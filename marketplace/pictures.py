"""Drawn pictures of the catalogue: an icon per category and a placeholder for a service or
provider without a photo (static/img/, drawn for the project; no CDN, decision 0041).

A sub-category without its own drawing takes its parent's, and anything else the generic one,
so a category added by staff never shows a broken image."""

from django.templatetags.static import static

# The drawings in static/img/categories/ and static/img/placeholders/, by category slug.
DRAWN = frozenset(
    {
        "household",
        "eldercare",
        "convenience",
        "cleaning",
        "plumbing",
        "bathing",
        "meal-assistance",
        "medical-escort",
        "companionship",
    }
)
GENERIC = "generic"


def drawing_for(category) -> str:
    """The slug whose drawing stands for the category. Reads category.parent: callers
    select_related it, so lists stay at one query."""
    if category is None:
        return GENERIC
    if category.slug in DRAWN:
        return category.slug
    parent = category.parent if category.parent_id else None
    if parent is not None and parent.slug in DRAWN:
        return parent.slug
    return GENERIC


def icon_url(category) -> str:
    return static(f"img/categories/{drawing_for(category)}.svg")


def placeholder_url(category) -> str:
    return static(f"img/placeholders/{drawing_for(category)}.svg")


def provider_placeholder_url() -> str:
    return static("img/placeholders/provider.svg")
