"""What providers and staff are told about services (translated when read)."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.notifications import in_each_language, notify
from accounts.roles import staff_covering
from marketplace.models import Service
from providers.wording import managers_of

SERVICE_PUBLISHED = gettext_noop("Your service “%(service)s” is now published.")
SERVICE_REJECTED = gettext_noop("Your service “%(service)s” was not published: %(reason)s")
CHANGE_APPROVED = gettext_noop("The new price of “%(service)s” is live.")
CHANGE_REJECTED = gettext_noop("The price change of “%(service)s” was not accepted: %(reason)s")
SERVICE_WAITS = gettext_noop("“%(service)s” of %(provider)s waits for your review.")


def tell_managers(service: Service, message: str, **params) -> None:
    notify(
        users=managers_of(service.provider),
        kind="service",
        message=message,
        params={"service": in_each_language(service.title_zh, service.title_en), **params},
        url=reverse("marketplace:manage_service", kwargs={"pk": service.pk}),
    )


def tell_staff_service_waits(service: Service) -> None:
    community_ids = list(service.provider.communities.values_list("pk", flat=True))
    notify(
        users=staff_covering(community_ids),
        kind="service_review",
        message=SERVICE_WAITS,
        params={
            "service": in_each_language(service.title_zh, service.title_en),
            "provider": service.provider.name,
        },
        url=reverse("service_review:queue"),
    )
