"""Every URL of the site, discovered from the URL resolver, requested by every role of the
cast with its path filled with somebody else's objects (tests/reliability/elsewhere.py):
never a 500, never a 200 for someone else's object, no page with someone else's private
data, and nothing written by anyone's GET or POST.

A new URL of one of our apps is swept without anyone touching this file, as long as its
path parameters have a meaning in `FILL` (else the test says which one is missing).
Third-party URL trees are left out by module, each with its reason; a URL that belongs
to neither fails the inventory test.
"""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import LOGGED_IN_CAST
from tests.reliability import elsewhere

pytestmark = pytest.mark.django_db

OUR_APPS = (
    "accounts",
    "communities",
    "providers",
    "marketplace",
    "orders",
    "billing",
    "assessments",
    "care",
    "statements",
    "reviews",
)
# The staff workspaces live in cms/ and are registered inside Wagtail's admin.
OUR_MODULES = (*OUR_APPS, "cms.workspace", "cms.views")
NOT_OURS = {
    "wagtail": "Wagtail's own admin and page serving, guarded by Wagtail's permissions; its "
    "admin URLs are swept page by page in test_wagtail_admin_sweep",
    "django.contrib.admin": "Django admin answers to platform admins only (config/urls.py)",
    "django.contrib.auth.admin": "Django admin's user screens (platform admins only)",
    "django.contrib.contenttypes.views": "Django admin's view-on-site shortcut",
    "django.contrib.auth.views": "Wagtail's login for password-protected pages (we have none)",
    "django.views.generic.base": "the redirect of Wagtail's login to allauth's",
    "django.views.static": "media files, served only when SERVE_MEDIA is on (never in tests)",
    "allauth": "sign-up, login and the signed-in person's own e-mail, password and MFA",
    "taggit": "tag merging inside Django admin (platform admins only)",
    "config.csp": "browsers post CSP violation reports there; it only logs them and shows "
    "nothing (tests/reliability/test_security_headers.py)",
}
# 200 for anyone, with the reason; their pages are still searched for private data.
PUBLIC = {
    "marketplace:catalogue": "the catalogue of published services",
    "marketplace:service": "a published service's page",
    "providers:profile": "an approved provider's public page",
    "orders:book": "anyone may book a published service; the form lists only the "
    "requester's own care recipients",
    "providers:invitation": "the token is the invitation, sent by e-mail; accepting checks "
    "that the signed-in person owns the invited address",
    "orders:stripe_webhook": "Stripe's callback, authenticated by its signature (see "
    "test_webhooks); GET is 405",
}
# What a public page may show of the private strings, and why.
MAY_SHOW = {
    "providers:invitation": {elsewhere.INVITEE},  # "this invitation was sent to …"
}
ROLES = ["anonymous", *(who for who in LOGGED_IN_CAST if who != "platform_admin")]
# Word parameters: a decision, a workflow step or a format the view really accepts.
SLUG = {"decision": "approve", "step": "approve", "fmt": "csv"}
SLUG_OF_ROUTE = {("review_moderation:decide", "decision"): "hide"}
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "orders/<str:code>/accept/"
    name: str  # namespace:name
    module: str

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.route)


def all_routes() -> list[Route]:
    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace)))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                module = getattr(callback, "view_class", callback).__module__
                name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
                yield Route(prefix + str(pattern.pattern), name, module)

    return list(walk(get_resolver().url_patterns, "", ""))


def is_ours(route: Route) -> bool:
    return route.module.startswith(OUR_MODULES)


def not_ours_reason(route: Route) -> str:
    return next((why for prefix, why in NOT_OURS.items() if route.module.startswith(prefix)), "")


# What each path parameter means, by the path before it: (pattern on the route up to and
# including the parameter, object key in the elsewhere world or a fixed value).
FILL = [
    (r"orders/<str:code>/review/$", lambda w: w["closed"].code),
    (r"orders/<str:code>/$", lambda w: w["requested"].code),
    (r"me/care-recipients/<int:pk>/$", lambda w: w["recipient"].pk),
    (r"care-recipients/<int:pk>/$", lambda w: w["recipient"].pk),
    (r"me/care-links/<int:pk>/$", lambda w: w["care_link"].pk),
    (r"provider/<int:pk>/members/<int:member_pk>/$", lambda w: w["worker"].pk),
    (r"provider/<int:pk>/photos/<int:photo_pk>/$", lambda w: w["photo"].pk),
    (r"^provider/<int:pk>/$", lambda w: w["provider"].pk),
    (r"^providers/<int:pk>/$", lambda w: w["provider"].pk),
    (r"provider/documents/<int:pk>/$", lambda w: w["document"].pk),
    (r"provider/invitations/<uuid:token>/$", lambda w: w["invitation"].token),
    (r"provider/services/<int:pk>/days/<int:exception_pk>/$", lambda w: w["exception"].pk),
    (r"provider/services/<int:pk>/$", lambda w: w["service"].pk),
    (r"^services/<int:pk>/$", lambda w: w["service"].pk),
    (r"provider/venues/<int:pk>/$", lambda w: w["venue"].pk),
    (r"sittings/<int:sitting_pk>/$", lambda w: w["sitting"].pk),
    (r"^venues/<int:pk>/$", lambda w: w["venue"].pk),
    (r"roll-call/<str:when>/$", lambda w: "202611181130"),
    (r"^reviews/<int:pk>/$", lambda w: w["review"].pk),
    (r"^complaints/<int:pk>/$", lambda w: w["complaint"].pk),
    (r"^feedback/<uuid:token>/$", lambda w: w["feedback"].token),
    (r"cms-admin/vetting/<int:pk>/$", lambda w: w["pending_provider"].pk),
    (r"cms-admin/vetting/communities/<int:pk>/$", lambda w: w["community_request"].pk),
    (
        r"cms-admin/vetting/documents/<int:pk>/$",
        lambda w: w["pending_provider"].documents.first().pk,
    ),
    (r"cms-admin/service_review/services/<int:pk>/$", lambda w: w["service"].pk),
    (r"cms-admin/service_review/changes/<int:pk>/$", lambda w: w["change"].pk),
    (r"cms-admin/purchase/statements/<int:pk>/$", lambda w: w["statement"].pk),
    (r"cms-admin/purchase/statements/pdf/<int:pk>/$", lambda w: w["statement_pdf"].pk),
    (r"cms-admin/purchase/lines/<int:pk>/$", lambda w: w["line"].pk),
    (r"cms-admin/purchase/programmes/<int:pk>/$", lambda w: w["programme"].pk),
    (r"cms-admin/contests/<int:pk>/$", lambda w: w["contest"].pk),
    (r"cms-admin/contests/evidence/<int:pk>/$", lambda w: w["contest_evidence"].pk),
    # The provider's side of the bill (decision 0035).
    (r"^provider/statements/<int:pk>/$", lambda w: w["contest"].line.statement_id),
    (r"^provider/statements/lines/<int:pk>/$", lambda w: w["contest"].line_id),
    (r"^provider/statements/evidence/<int:pk>/$", lambda w: w["contest_evidence"].pk),
    (r"cms-admin/purchase/programmes/<int:programme_pk>/$", lambda w: w["programme"].pk),
    (r"cms-admin/purchase/contracts/<int:pk>/$", lambda w: w["programme"].contracts.first().pk),
    # The platform admin's purchaser screens (404 to everyone else).
    (r"cms-admin/purchasers/<int:pk>/$", lambda w: w["programme"].purchaser_id),
    (
        r"cms-admin/purchasers/officers/<int:pk>/$",
        lambda w: w["officer"].purchaser_offices.get().pk,
    ),
    (r"cms-admin/eligibility/<int:pk>/$", lambda w: w["recipient"].pk),
    (r"cms-admin/assessments/people/<int:pk>/$", lambda w: w["recipient"].pk),
    (r"cms-admin/assessments/evidence/<int:pk>/$", lambda w: w["assessment_evidence"].pk),
    (r"cms-admin/assessments/<int:pk>/$", lambda w: w["assessment"].pk),
    (r"^cards/<int:pk>/$", lambda w: w["saved_card"].pk),
    (r"^applications/evidence/<int:pk>/$", lambda w: w["application_evidence"].pk),
    (r"^applications/<int:pk>/$", lambda w: w["application"].pk),
    (r"cms-admin/application_queue/people/<int:pk>/$", lambda w: w["recipient"].pk),
    (r"cms-admin/application_queue/<int:pk>/$", lambda w: w["application"].pk),
    (r"^care/people/<int:pk>/$", lambda w: w["recipient"].pk),
    (r"^care/plans/<int:pk>/$", lambda w: w["plan"].pk),
    (r"^care/visits/<int:pk>/$", lambda w: w["occurrence"].pk),
    (r"cms-admin/eligibility/eligibilities/<int:pk>/$", lambda w: w["eligibility"].pk),
    (r"cms-admin/eligibility/evidence/<int:pk>/$", lambda w: w["evidence"].pk),
    (r"cms-admin/review_moderation/<int:pk>/$", lambda w: w["review"].pk),
    (r"cms-admin/complaints/<int:pk>/$", lambda w: w["complaint"].pk),
    (r"cms-admin/spot_checks/<int:pk>/$", lambda w: w["spot_check"].pk),
    (r"cms-admin/money/refunds/<int:pk>/$", lambda w: w["stuck_refund"].pk),
    (r"cms-admin/grades/<int:pk>/$", lambda w: w["grade"].pk),
    # Checked out at once, so waiting for staff's review (issue 19).
    (r"cms-admin/visit_reviews/<int:pk>/$", lambda w: w["completed"].visit_review.pk),
    (r"^activities/registrations/<int:pk>/$", lambda w: w["registration"].pk),
    (r"^activities/<int:pk>/$", lambda w: w["activity"].pk),
    (r"^notices/<int:pk>/$", lambda w: w["notice"].pk),
    (r"cms-admin/channel_work/notices/<int:pk>/$", lambda w: w["notice"].pk),
    (r"cms-admin/channel_work/activities/<int:pk>/$", lambda w: w["activity"].pk),
    (r"cms-admin/channel_work/registrations/<int:pk>/$", lambda w: w["registration"].pk),
    (r"cms-admin/channel_work/surveys/<int:pk>/$", lambda w: w["survey"].pk),
]


def fill(route: Route, world: dict) -> str:
    """The route with every parameter filled with the elsewhere world's object."""

    def value(match: re.Match) -> str:
        param = match.group(1)
        if param in SLUG:
            return SLUG_OF_ROUTE.get((route.name, param), SLUG[param])
        typed = route.route[: match.end()] + "/"
        filler = next((f for pattern, f in FILL if re.search(pattern, typed)), None)
        if filler is None:
            raise LookupError(f"{route.name} ({route.route}): say in FILL what <{param}> names")
        return str(filler(world))

    return "/" + PARAM.sub(value, route.route)


def snapshot() -> dict:
    """Every row of every model of our apps, as values."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model._meta.proxy
    }


def test_every_url_is_either_swept_or_left_out_with_a_reason():
    unexplained = [r for r in all_routes() if not is_ours(r) and not not_ours_reason(r)]
    assert unexplained == []
    ours = [r for r in all_routes() if is_ours(r)]
    assert len(ours) > 90  # the resolver really was walked
    assert set(PUBLIC) <= {r.name for r in ours}


def secrets_in(body: str, world: dict) -> list[str]:
    secrets = [
        elsewhere.RECIPIENT,
        elsewhere.ADDRESS,
        elsewhere.PHONE,
        elsewhere.COMPLAINT,
        elsewhere.ELIGIBILITY_NOTE,
        elsewhere.EVIDENCE,
        elsewhere.INVITEE,
        elsewhere.STRANGER,
        elsewhere.NOTICE,
        elsewhere.SURVEY_ANSWER,
        elsewhere.ASSESSMENT_NOTE,
        elsewhere.PLAN_NOTE,
        elsewhere.CONTEST,
        elsewhere.APPLICATION_NOTE,
        *world["codes"],
    ]
    return [secret for secret in secrets if secret in body]


def request(client, method: str, url: str):
    try:
        return getattr(client, method)(url)
    except Exception as exc:  # noqa: BLE001  (an exception is the 500 being looked for)
        return exc


def filled_routes(world) -> list[tuple[Route, str]]:
    return [(route, fill(route, world)) for route in all_routes() if is_ours(route)]


@pytest.mark.parametrize("who", ROLES)
def test_nobody_gets_someone_elses_objects_from_any_url(client, cast, world, who):
    if cast[who] is not None:
        client.force_login(cast[who])
    before = snapshot()
    problems = []
    for route, url in filled_routes(world):
        for method in ("get", "post"):
            response = request(client, method, url)
            if isinstance(response, Exception):
                problems.append(f"{method.upper()} {url}: raised {response!r}")
                continue
            status = response.status_code
            if status >= 500:
                problems.append(f"{method.upper()} {url}: {status}")
            elif status == 200 and route.params and route.name not in PUBLIC:
                problems.append(f"{method.upper()} {url}: 200 for someone else's object")
            if status == 200 and not getattr(response, "streaming", False):
                leaked = set(secrets_in(response.content.decode(errors="replace"), world))
                leaked -= MAY_SHOW.get(route.name, set())
                if leaked:
                    problems.append(f"{method.upper()} {url}: shows {leaked}")
    assert problems == []
    after = snapshot()
    assert [label for label in before if before[label] != after[label]] == []


def test_a_platform_admin_sees_every_page_without_a_server_error(client, cast, world):
    client.force_login(cast["platform_admin"])
    problems = []
    for _route, url in filled_routes(world):
        response = request(client, "get", url)
        if isinstance(response, Exception) or response.status_code >= 500:
            problems.append(f"GET {url}: {response}")
    assert problems == []
