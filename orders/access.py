"""Who a user is to an order: its family, one of the provider's managers, the worker sent,
or staff of its community. The services check these before they act and the order page
offers the actions they allow, so both ask here. Where several answers are needed (a
page, a cancellation), `relation_to` gives them all from one query."""

from dataclasses import dataclass

from django.db.models import Exists

from accounts.models import CareRecipient, Role, User
from communities.scoping import communities_scoped_to, may_act_on_community
from orders.models import Order
from providers.access import can_manage_provider
from providers.models import ProviderMember


@dataclass(frozen=True)
class Relation:
    family: bool
    manager: bool
    assigned_worker: bool
    staff: bool

    @property
    def provider_side(self) -> bool:
        """Those who may check a visit in and out, or say that nobody opened the door."""
        return self.manager or self.assigned_worker


NOBODY = Relation(family=False, manager=False, assigned_worker=False, staff=False)


def _signed_in(user: User) -> bool:
    # An anonymous user's pk is None, which would match an order's empty assisted_by.
    return getattr(user, "is_authenticated", False)


def _booked_it(user: User, order: Order) -> bool:
    return order.booked_by_id == user.pk or order.assisted_by_id == user.pk


def is_family(user: User, order: Order) -> bool:
    """The booking account, the recipient's linked family, or the staff member who booked
    for a recipient without an account."""
    if not _signed_in(user):
        return False
    if _booked_it(user, order):
        return True
    return CareRecipient.objects.linked_to(user).filter(pk=order.care_recipient_id).exists()


def is_manager(user: User, order: Order) -> bool:
    return can_manage_provider(user, order.provider_id)


def is_assigned_worker(user: User, order: Order) -> bool:
    return order.worker is not None and order.worker.user_id == user.pk


def is_staff(user: User, order: Order) -> bool:
    return may_act_on_community(user, order.community_id, role=Role.COMMUNITY_STAFF)


def relation_to(user: User, order: Order) -> Relation:
    """The four answers above, with the same rules, in one query."""
    if not _signed_in(user):
        return NOBODY
    linked = CareRecipient.objects.linked_to(user).filter(pk=order.care_recipient_id)
    managing = ProviderMember.objects.managing().filter(user=user, provider_id=order.provider_id)
    sent = ProviderMember.objects.filter(pk=order.worker_id, user=user)
    scoped = communities_scoped_to(user, role=Role.COMMUNITY_STAFF).filter(pk=order.community_id)
    family, manager, worker, staff = (
        Order.objects.filter(pk=order.pk)
        .values_list(Exists(linked), Exists(managing), Exists(sent), Exists(scoped))
        .get()
    )
    return Relation(
        family=_booked_it(user, order) or family,
        manager=manager,
        assigned_worker=worker,
        staff=staff,
    )


def can_see(user: User, code: str) -> bool:
    """Whether the user may watch the order's page and its live updates: the people
    above and platform admins, as Order.objects.visible_to lists them."""
    return Order.objects.visible_to(user).filter(code=code).exists()
