from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from communities.scoping import communities_scoped_to
from providers.querysets import MANAGING_ROLES


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrderQuerySet":
        """The booking account and the recipient's other family accounts, the provider's
        managers, the assigned worker (their own visits only), and community staff of the
        order's community."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(booked_by=user)
            | Q(care_recipient__links__account=user)
            | Q(care_recipient__account=user)
            | Q(provider__members__user=user, provider__members__role__in=MANAGING_ROLES)
            | Q(worker__user=user)
            | Q(community__in=communities_scoped_to(user, role="community_staff"))
        ).distinct()

    def in_scope_of(self, user) -> "OrderQuerySet":
        """Orders in the communities this staff member acts on."""
        return self.filter(community__in=communities_scoped_to(user, role="community_staff"))

    def for_family_of(self, user) -> "OrderQuerySet":
        """Orders a resident follows: booked by them or for someone they care for.

        A union of three indexed look-ups: the same rows as one filter ORing the three
        conditions across joins, which PostgreSQL can only answer by scanning every order
        (0.8 s at 500,000 orders, bench/README.md)."""
        orders = apps.get_model("orders", "Order").objects
        ids = (
            orders.filter(booked_by=user)
            .values("pk")
            .union(orders.filter(care_recipient__links__account=user).values("pk"))
            .union(orders.filter(care_recipient__account=user).values("pk"))
        )
        return self.filter(pk__in=ids)

    def managed_by(self, user) -> "OrderQuerySet":
        return self.filter(
            provider__members__user=user, provider__members__role__in=MANAGING_ROLES
        ).distinct()

    def assigned_to(self, user) -> "OrderQuerySet":
        return self.filter(worker__user=user)

    def with_verified_visit(self) -> "OrderQuerySet":
        """Checked in and out, and vouched for by the recipient's side (a code from the
        card at check-in, the family) or by community staff (docs/decisions/0009)."""
        records = apps.get_model("orders", "VisitRecord").objects.filter(order=OuterRef("pk"))
        # A visit outside the limits counts only once community staff confirmed it (ADR 0019).
        doubted = apps.get_model("orders", "VisitReview").objects.filter(
            order=OuterRef("pk"), status__in=("pending", "rejected")
        )
        return self.filter(
            Exists(records.filter(kind="check_in")),
            Exists(records.filter(kind="check_out")),
            ~Exists(doubted),
        ).filter(
            Exists(records.filter(kind="check_in", visit_code__isnull=False))
            # Seen at the venue's roll call, in person (decision 0028).
            | Exists(records.filter(kind="check_in", method="roll_call"))
            | Exists(records.filter(kind__in=("recipient_confirmed", "staff_confirmed")))
        )

    @staticmethod
    def _open_holds():
        return apps.get_model("orders", "OrderHold").objects.filter(
            order=OuterRef("pk"), released_at__isnull=True
        )

    def on_hold(self) -> "OrderQuerySet":
        return self.filter(Q(Exists(self._open_holds())) | Q(status="disputed"))

    def not_on_hold(self) -> "OrderQuerySet":
        """The orders `on_hold` leaves out, as NOT EXISTS: PostgreSQL plans that as an
        anti-join whatever its figures say, where `NOT IN (held)` could be run once per row
        when it misjudged the held orders' number."""
        return self.exclude(status="disputed").filter(~Exists(self._open_holds()))

    def excluded_from_billing(self) -> "OrderQuerySet":
        """Orders never to be billed to the purchaser (orders.OrderExclusion)."""
        return self.filter(billing_exclusion__isnull=False)

    def not_excluded_from_billing(self) -> "OrderQuerySet":
        return self.filter(billing_exclusion__isnull=True)
