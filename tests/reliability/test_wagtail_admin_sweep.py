"""Wagtail's own admin URLs (page explorer, chooser, search, usage, history, revisions,
reports, forms, API...), as the staff who can reach /cms-admin/ open them with their path
filled with another community's pages: never a 500, and no page of that community in
what they get (docs/decisions/0021). Our workspace views inside /cms-admin/ are swept by
test_authorisation_sweep."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.reliability import elsewhere

pytestmark = pytest.mark.django_db

# Wagtail admin URLs left out, with the reason.
LEFT_OUT = {
    "wagtailadmin_logout": "signs the person out (the rest of the sweep would be anonymous)",
    "wagtailadmin_login": "the sign-in page, before anyone is anyone",
    "wagtailadmin_password_reset": "password reset is allauth's (the admin's form is unused)",
    "wagtailadmin_password_reset_done": "as above",
    "wagtailadmin_password_reset_confirm": "as above",
    "wagtailadmin_password_reset_complete": "as above",
    "wagtailadmin_error_test": "Wagtail's deliberate 500, to test error pages",
    "wagtailadmin_sprite": "the icon sprite",
    "wagtailadmin_javascript_catalog": "the admin's JavaScript translations",
}
# A server error that is Wagtail's, with what triggers it; reported, not hidden elsewhere.
KNOWN_500 = {
    ("post", "wagtailadmin_choose_page_external_link"): "Wagtail 8.0's external-link "
    "chooser compares the posted URL with each site's root URL, which is None for the test "
    "site (AttributeError in ExternalLinkView.post)",
}
STAFF = ["community_staff", "street_staff", "district_officer"]


def wagtail_admin_routes() -> list[tuple[str, list[str]]]:
    """(namespace:name, parameter names) of every named Wagtail admin URL, once each."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace: str, admin: bool):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace)))
                inside = admin or str(pattern.pattern) == "cms-admin/"
                yield from walk(pattern.url_patterns, inner, inside)
            elif isinstance(pattern, URLPattern) and admin and pattern.name:
                callback = getattr(pattern.callback, "view_class", pattern.callback)
                if not callback.__module__.startswith(("wagtail", "simple_translation")):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, list(pattern.pattern.regex.groupindex)

    for name, params in walk(get_resolver().url_patterns, "", False):
        found.setdefault(name, params)
    return [(name, params) for name, params in found.items() if name not in LEFT_OUT]


@pytest.fixture
def own_channel(world, weifang_1):
    """The cast's community channel, which the other community's draft links to: its
    "usage" lists that draft."""
    from cms.models import CommunityChannelPage

    channel = CommunityChannelPage.objects.get(region=weifang_1, locale__language_code="zh-hans")
    secret = world["secret_page"]
    secret.body += f'<p><a linktype="page" id="{channel.pk}">邻居</a></p>'
    secret.save_revision()
    secret.save()
    return channel


# Routes whose page is the staff's own (what they may open), to see what it lists.
OWN_PAGE_ROUTES = {"wagtailadmin_pages:usage"}


def values(world: dict) -> dict:
    """What each parameter is filled with: the other community's draft page wherever a page
    is meant, its latest revision, its page type."""
    page = world["secret_page"]
    return {
        "page_id": page.pk,
        "parent_page_id": world["channel"].pk,
        "page_to_move_id": page.pk,
        "destination_id": world["channel"].pk,
        "page_pk": page.pk,
        "object_id": page.pk,
        "revision_id": page.latest_revision_id,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "content_type_app_name": "cms",
        "content_type_model_name": "channelpostpage",
        "app_label": "cms",
        "model_name": "channelpostpage",
        "app_name": "cms",
        "action": "publish",
        "action_name": "approve",
        "image_id": world["photo"].image_id,
        "filter_spec": "original",
        "str:pk": page.pk,
    }


def fill(name: str, params: list[str], world: dict, own_page=None) -> str | None:
    given = values(world)
    if name in OWN_PAGE_ROUTES and own_page is not None:
        given["page_id"] = own_page.pk
    kwargs = {}
    for param in params:
        if param == "pk":
            # A page in the page views and the admin API; some other object elsewhere.
            kwargs[param] = given["page_id"] if "pages" in name else 1
        else:
            kwargs[param] = given.get(param, 1)
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    # Search and bulk views read these: a search for the start of the secret title (a view
    # that repeats the query must not count as showing the page), a bulk action on it.
    return f"{path}?q={elsewhere.SECRET_PAGE[:4]}&id={given['page_id']}"


def foreign_pages_in(body: str) -> list[str]:
    return [title for title in elsewhere.PAGE_TITLES if title in body]


def test_every_wagtail_admin_url_can_be_filled(world):
    unfilled = [name for name, params in wagtail_admin_routes() if not fill(name, params, world)]
    assert unfilled == []
    assert len(wagtail_admin_routes()) > 150  # the resolver really was walked


@pytest.mark.parametrize("who", STAFF)
def test_staff_never_see_another_communitys_pages_in_wagtails_admin(
    client, cast, world, own_channel, who
):
    client.force_login(cast[who])
    problems = []
    for name, params in wagtail_admin_routes():
        url = fill(name, params, world, own_channel)
        for method in ("get", "post"):
            if (method, name) in KNOWN_500:
                continue
            try:
                response = getattr(client, method)(url)
            except Exception as exc:  # noqa: BLE001  (an exception is the 500 being looked for)
                problems.append(f"{method.upper()} {url}: raised {exc!r}")
                continue
            if response.status_code >= 500:
                problems.append(f"{method.upper()} {url}: {response.status_code}")
            elif response.status_code == 200 and not getattr(response, "streaming", False):
                shown = foreign_pages_in(response.content.decode(errors="replace"))
                if shown:
                    problems.append(f"{method.upper()} {name} {url}: shows {shown}")
    assert not problems, "\n".join(problems)
