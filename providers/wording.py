"""What providers and staff are told, and whom to tell. Messages are marked for
translation here and translated into each reader's language when read or mailed."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.notifications import in_each_language, notify
from accounts.roles import staff_covering
from providers.models import Provider

APPROVED = gettext_noop("%(provider)s has been approved and can now publish services.")
REJECTED = gettext_noop("The application of %(provider)s was rejected: %(reason)s")
CHANGES_REQUESTED = gettext_noop(
    "Community staff ask %(provider)s to change its application: %(reason)s"
)
SUSPENDED = gettext_noop("%(provider)s has been suspended: %(reason)s")
REINSTATED = gettext_noop("%(provider)s has been reinstated: %(reason)s")
REINSTATED_BY_DOCUMENT = gettext_noop(
    "%(provider)s is active again: its new document has been approved."
)
DOCUMENT_REJECTED = gettext_noop("%(document)s of %(provider)s was not accepted: %(reason)s")
APPLICATION_WAITS = gettext_noop("%(provider)s has applied to serve your community.")
EXPIRES_SOON = gettext_noop(
    "%(document)s of %(provider)s expires on %(date)s. Please upload the renewed document."
)
EXPIRED_PROVIDER = gettext_noop(
    "%(document)s of %(provider)s has expired, so %(provider)s is suspended until a new "
    "one is approved."
)
EXPIRED_WORKER = gettext_noop(
    "%(document)s of %(worker)s (%(provider)s) has expired, so %(worker)s cannot take "
    "visits until a new one is approved."
)
ON_WARNING = gettext_noop(
    "%(provider)s has been graded D this quarter and is on warning: a second D in a row "
    "suspends it."
)
MEMBER_JOINED = gettext_noop("%(person)s has joined %(provider)s as %(role)s.")


def managers_of(provider: Provider):
    return [member.user for member in provider.members.managing().select_related("user")]


def manage_url(provider: Provider) -> str:
    return reverse("providers:manage", kwargs={"pk": provider.pk})


def tell_managers(provider: Provider, message: str, *, extra_users=(), **params) -> None:
    notify(
        users=[*managers_of(provider), *extra_users],
        kind="provider",
        message=message,
        params={"provider": provider.name, **params},
        url=manage_url(provider),
    )


def tell_staff_application_waits(provider: Provider) -> None:
    community_ids = list(provider.communities.values_list("pk", flat=True))
    notify(
        users=staff_covering(community_ids),
        kind="vetting",
        message=APPLICATION_WAITS,
        params={"provider": provider.name},
        url=reverse("vetting:detail", kwargs={"pk": provider.pk}),
    )


COMMUNITY_WAITS = gettext_noop("%(provider)s asks to serve %(community)s.")
COMMUNITY_ADDED = gettext_noop(
    "%(provider)s now serves %(community)s: its services can be offered there."
)
COMMUNITY_REFUSED = gettext_noop("%(provider)s may not serve %(community)s: %(reason)s")


def community_name(community) -> dict:
    return in_each_language(community.name_zh, community.name_en)


def tell_staff_community_waits(request) -> None:
    notify(
        users=staff_covering([request.community_id]),
        kind="vetting",
        message=COMMUNITY_WAITS,
        params={"provider": request.provider.name, "community": community_name(request.community)},
        url=reverse("vetting:community", kwargs={"pk": request.pk}),
    )
