"""What every page's frame needs: preferences and the navigation of the user's roles."""

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.notifications import unread_count
from accounts.roles import member_roles_of, scoped_roles_of
from config.landing import landing_url


def _navigation(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [
        {"label": _("My Linli"), "url": reverse("accounts:home")},
        {"label": _("My orders"), "url": reverse("orders:mine")},
        {"label": _("People I care for"), "url": reverse("accounts:care_recipients")},
    ]
    # Both from the one query the second-factor check already made for this request.
    member_roles = member_roles_of(user)
    roles = scoped_roles_of(user) | member_roles
    if "worker" in member_roles:
        items.append({"label": _("My visits"), "url": reverse("orders:visits")})
    if member_roles:
        items.append({"label": _("My provider"), "url": reverse("providers:dashboard")})
    if Role.COMMUNITY_STAFF in roles or Role.PURCHASER_OFFICER in roles or user.is_superuser:
        items.append({"label": _("Staff workspace"), "url": reverse("wagtailadmin_home")})
    if user.is_superuser:
        items.append({"label": _("Platform admin"), "url": reverse("admin:index")})
    return items


def site_chrome(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "nav_items": _navigation(user) if signed_in else [],
        "unread_count": unread_count(user) if signed_in else 0,
        # Called (and queried) only by the pages that show it, such as the recovery codes.
        "landing_url": partial(landing_url, user),
    }
