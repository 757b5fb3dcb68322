"""Demo data for spot checks (decision 0037): 钱凤英, who has no family online, had a meal
delivered this week, booked at the street's desk by 孙丽; the call-back is waiting for 赵敏,
潍坊一村's own staff, so she can try the call-back at once."""

import datetime

from django.utils import timezone

from accounts import services as account_services
from accounts.models import CareRecipient, User
from cms import demo_history
from communities.models import Region
from marketplace.models import Service, Slot
from marketplace.slots import materialise_slots
from orders.models import Order
from reviews.models import SpotCheck

PERSON = ("钱凤英", "1936-11-02", "310115004001", "潍坊一村 3 号 102 室")


def _last_weeks_slot(service: Service) -> Slot | None:
    today = timezone.localdate()
    for back in range(1, 7):
        day = today - datetime.timedelta(days=back)
        materialise_slots(service, start=day, days=1)
        slot = Slot.objects.filter(service=service, starts_at__date=day).order_by("starts_at")
        if slot.exists():
            return slot.first()
    return None


def seed_call_back() -> None:
    if SpotCheck.objects.filter(order__care_recipient__name=PERSON[0]).exists():
        return
    desk = User.objects.get(email="staff.weifang@linli.local")
    caller = User.objects.get(email="staff.weifang1@linli.local")
    name, born, community_code, address = PERSON
    community = Region.objects.get(code=community_code)
    person = CareRecipient.objects.filter(name=name, community=community).first()
    if person is None:
        person = account_services.register_care_recipient_for_assistance(
            by=desk,
            name=name,
            community=community,
            address=address,
            birth_date=datetime.date.fromisoformat(born),
            living_alone=True,
        )
    meal = Service.objects.get(title_zh="老年助餐送餐")
    slot = _last_weeks_slot(meal)
    if slot is None:
        return
    # As if delivered and checked out last week: the visit itself is not what is shown.
    order = demo_history.written_order(
        slot=slot,
        person=person,
        booked_by=desk,
        status=Order.Status.COMPLETED,
        assisted_by=desk,
        completed_at=slot.ends_at,
        address=address,
    )
    SpotCheck.objects.create(
        order=order,
        provider=meal.provider,
        method=SpotCheck.Method.PHONE,
        drawn_on=timezone.localdate(),
        assigned_to=caller,
    )
