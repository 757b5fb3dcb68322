"""Who hears about an order, and what they are told (translated when read)."""

from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.notifications import in_each_language, notify, translatable
from accounts.roles import staff_covering
from orders.models import Order

NEW_REQUEST = gettext_noop(
    "New request %(code)s: %(service)s on %(when)s for %(recipient)s. Please accept or decline."
)
NEW_TIME = gettext_noop(
    "%(recipient)s's visit %(code)s (%(service)s) moves from %(old)s to %(when)s%(worker)s. "
    "This is a change to a booked visit, not a new request: please confirm the new time."
)
WORKER_KEPT = gettext_noop(", with the same worker")
CONFIRMED = gettext_noop("%(provider)s has confirmed %(service)s on %(when)s (order %(code)s).")
DECLINED = gettext_noop(
    "%(provider)s cannot do %(service)s on %(when)s (order %(code)s): %(reason)s. Anything "
    "paid is refunded."
)
EXPIRED = gettext_noop(
    "%(provider)s did not answer in time, so order %(code)s for %(when)s is cancelled and "
    "anything paid is refunded."
)
REFUND_STUCK = gettext_noop(
    "The refund of %(amount)s for order %(code)s could not be made through Stripe after "
    "%(attempts)s tries. Please try again or hand the money over another way, on the money page."
)
CHARGEBACK = gettext_noop(
    "The resident's bank opened a chargeback of %(amount)s for order %(code)s. It is answered "
    "with evidence in Stripe's dashboard; Linli lists it on the money page."
)
CANCELLED = gettext_noop("Order %(code)s (%(service)s on %(when)s) has been cancelled.")
NO_SHOW = gettext_noop("Order %(code)s (%(service)s on %(when)s) was reported as not done.")
DISPUTED = gettext_noop("The family disputes order %(code)s (%(service)s): %(reason)s")
RESOLVED = gettext_noop("The dispute about order %(code)s is settled: %(outcome)s")
ASSIGNED = gettext_noop(
    "You are to visit %(recipient)s for %(service)s on %(when)s (order %(code)s)."
)
MISSED_VISIT = gettext_noop(
    "Nobody has checked in yet for %(service)s at %(recipient)s's home, due at %(when)s "
    "(order %(code)s). Please check that %(recipient)s is all right."
)
COMPLETED = gettext_noop(
    "%(service)s for %(recipient)s is done (order %(code)s). Please confirm, or tell us if "
    "something went wrong."
)
VISIT_NEEDS_REVIEW = gettext_noop(
    "The visit for order %(code)s (%(service)s for %(recipient)s) is outside the limits and "
    "needs your review before it can be billed."
)
COPAY_REFUNDED = gettext_noop(
    "Your complaint about order %(code)s (%(service)s) was upheld: %(amount)s you paid is "
    "being refunded."
)
PROVIDER_CHANGE_PROPOSED = gettext_noop(
    "%(provider)s is suspended. Community staff propose %(new_provider)s for %(service)s on "
    "%(new_when)s instead (order %(code)s). Please accept, or decline to cancel with a full "
    "refund."
)


def _params(order: Order, **extra) -> dict:
    return {
        "code": order.code,
        "service": in_each_language(order.title, order.title_en),
        "provider": order.provider.name,
        "recipient": order.care_recipient.name,
        "when": f"{timezone.localtime(order.starts_at):%Y-%m-%d %H:%M}",
        **extra,
    }


def family_of(order: Order) -> list:
    people = {order.booked_by_id: order.booked_by}
    for link in order.care_recipient.links.select_related("account"):
        people.setdefault(link.account_id, link.account)
    return list(people.values())


def managers_of(order: Order) -> list:
    return [member.user for member in order.provider.members.managing().select_related("user")]


def tell_provider_new_request(order: Order) -> None:
    notify(
        users=managers_of(order),
        kind="order",
        message=NEW_REQUEST,
        params=_params(order),
        url=order.get_absolute_url(),
    )


def tell_provider_of_new_time(order: Order, *, old_start) -> None:
    kept = translatable(WORKER_KEPT) if order.worker_id else ""
    notify(
        users=managers_of(order),
        kind="order",
        message=NEW_TIME,
        params=_params(order, old=f"{old_start:%Y-%m-%d %H:%M}", worker=kept),
        url=order.get_absolute_url(),
    )
    if order.worker_id:
        tell_worker(order)


def tell_family(order: Order, message: str, **extra) -> None:
    notify(
        users=family_of(order),
        kind="order",
        message=message,
        params=_params(order, **extra),
        url=order.get_absolute_url(),
    )


def tell_booker(order: Order, message: str, *, url: str, **extra) -> None:
    """Only the person who booked (a saved card's owner, decision 0029), sent to `url`."""
    notify(
        users=[order.booked_by],
        kind="order",
        message=message,
        params=_params(order, **extra),
        url=url,
    )


def tell_everyone(order: Order, message: str, *, by, **extra) -> None:
    people = {user.pk: user for user in family_of(order) + managers_of(order)}
    if order.worker_id:
        people[order.worker.user_id] = order.worker.user
    people.pop(getattr(by, "pk", None), None)
    notify(
        users=people.values(),
        kind="order",
        message=message,
        params=_params(order, **extra),
        url=order.get_absolute_url(),
    )


def tell_worker(order: Order) -> None:
    notify(
        users=[order.worker.user],
        kind="visit",
        message=ASSIGNED,
        params=_params(order),
        url=order.get_absolute_url(),
    )


def tell_staff(order: Order, message: str, **extra) -> None:
    notify(
        users=staff_covering([order.community_id]),
        kind="order",
        message=message,
        params=_params(order, **extra),
        url=order.get_absolute_url(),
    )


def alert_missed_visit(order: Order) -> None:
    people = {user.pk: user for user in family_of(order)}
    people.update({user.pk: user for user in staff_covering([order.community_id])})
    notify(
        users=people.values(),
        kind="missed_visit",
        message=MISSED_VISIT,
        params=_params(order),
        url=order.get_absolute_url(),
    )
