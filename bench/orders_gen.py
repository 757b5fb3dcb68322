"""Orders over twelve months with everything the order services write along the way:
events, visit records, payments, refunds, transfers, slot places and subsidy usage."""

import datetime
import math
import random
import zoneinfo
from dataclasses import dataclass, field

from bench.bulk import Table
from bench.catalogue import Catalogue, ServiceInfo
from bench.people import Recipient
from bench.timeline import Step, live, pick_fate, plan_steps
from billing.models import MonthlyUsage, Programme
from billing.subsidy import subsidy_by_rule, within_monthly_cap
from marketplace.models import FundingMode, Slot
from orders.models import (
    CODE_ALPHABET,
    Order,
    OrderEvent,
    Payment,
    Refund,
    Transfer,
    VisitRecord,
)
from orders.policy import request_expires_at
from orders.transitions import HOLDS_A_PLACE, SUBSIDY_RELEASED

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
REFUND_RULES = {"decline": "full", "cancel": "free_cancellation", "expire": "full"}
REFUND_RULES["no_show"] = "provider_absent"
# Elderly parents are booked for more often than residents book for themselves.
ELDER_SHARE = 0.7


@dataclass
class Usage:
    """What billing.subsidy reads of a MonthlyUsage row."""

    used_fen: int = 0
    used_minutes: int = 0


@dataclass
class SlotEntry:
    id: int
    service_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    booked: int = 0


@dataclass
class OrderState:
    usage: dict[tuple[int, int, datetime.date], Usage] = field(default_factory=dict)
    reserved: dict[int, int] = field(default_factory=dict)  # programme id → fen
    codes: set[str] = field(default_factory=set)
    slots: dict[datetime.date, dict[tuple[int, datetime.datetime], SlotEntry]] = field(
        default_factory=dict
    )
    written: set[datetime.date] = field(default_factory=set)  # months whose slots are out


def order_tables() -> dict[str, Table]:
    return {
        "slots": Table(Slot),
        "orders": Table(Order),
        "events": Table(OrderEvent),
        "visits": Table(VisitRecord),
        "payments": Table(Payment),
        "refunds": Table(Refund),
        "transfers": Table(Transfer),
    }


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def open_day(weekdays: set[int], day: datetime.date, last: datetime.date) -> datetime.date | None:
    """The first of `weekdays` from `day` on, or the one a week before it, staying in
    `day`'s month and not after `last`; None when neither does. Orders are written month
    by month: a slot in a month already written would be made a second time
    (slot_unique_start), which a week back from a month's first days did when `last`
    (--today + 6) fell in that first week."""
    ahead = min((w - day.weekday()) % 7 for w in weekdays)
    moved = day + datetime.timedelta(days=ahead)
    if moved > last or month_of(moved) != month_of(day):
        moved -= datetime.timedelta(days=7)
    if month_of(moved) != month_of(day):
        return None
    return moved


class OrderMaker:
    def __init__(
        self,
        rng: random.Random,
        tables: dict[str, Table],
        catalogue: Catalogue,
        recipients: list[Recipient],
        programmes: list[Programme],
        now: datetime.datetime,
    ) -> None:
        self.rng, self.tables, self.catalogue = rng, tables, catalogue
        self.now = now
        half = len(recipients) // 2
        self.selves, self.elders = recipients[:half] or recipients, recipients[half:]
        self.programmes = programmes
        self.state = OrderState()
        self.staff = catalogue.staff_by_community

    # Slots -------------------------------------------------------------------------

    def slot(self, service: ServiceInfo, starts: datetime.datetime, capacity: int) -> SlotEntry:
        if month_of(starts.date()) in self.state.written:
            raise ValueError(f"slot on {starts:%Y-%m-%d} after its month was written")
        month = self.state.slots.setdefault(month_of(starts.date()), {})
        key = (service.id, starts)
        entry = month.get(key)
        if entry is None:
            table = self.tables["slots"]
            entry = SlotEntry(
                table.next_id,
                service.id,
                starts,
                starts + datetime.timedelta(minutes=service.duration),
                capacity,
            )
            table.next_id += 1
            month[key] = entry
        return entry

    def materialise_ahead(self, days: int) -> None:
        """Every slot of the weekly plans for the days ahead, as the daily job keeps them."""
        today = self.now.astimezone(TZ).date()
        for service in self.catalogue.services:
            if not service.published:
                continue
            for offset in range(days):
                day = today + datetime.timedelta(days=offset)
                for start, capacity in service.plan.get(day.weekday(), []):
                    self.slot(service, datetime.datetime.combine(day, start, tzinfo=TZ), capacity)

    def write_slots(self, month: datetime.date) -> None:
        self.state.written.add(month)
        for entry in self.state.slots.pop(month, {}).values():
            self.tables["slots"].add(
                id=entry.id,
                service_id=entry.service_id,
                starts_at=entry.starts_at,
                ends_at=entry.ends_at,
                capacity=entry.capacity,
                booked=entry.booked,
                closed=False,
            )

    # Subsidy -------------------------------------------------------------------------

    def quote(
        self, service: ServiceInfo, recipient: Recipient, quantity: int, month: datetime.date
    ) -> tuple[int, Programme | None, int]:
        """billing.subsidy.quote, with the usage kept in memory: (subsidy, programme,
        minutes) of the programme that pays most."""
        best = (0, None, 0)
        if service.funding_mode == FundingMode.COMMERCIAL:
            return best
        for programme in recipient.programmes:
            if not programme.category_ids & {service.category_id, service.parent_id}:
                continue
            _recognised, by_rule = subsidy_by_rule(
                programme, unit_price_fen=service.price_fen, quantity=quantity
            )
            usage = self.state.usage.get((recipient.id, programme.pk, month))
            amount, minutes = within_monthly_cap(
                programme, usage, amount_fen=by_rule, minutes=service.duration
            )
            budget_left = programme.budget_fen - self.state.reserved.get(programme.pk, 0)
            amount = min(amount, budget_left)
            if amount > best[0]:
                best = (amount, programme, minutes)
        return best

    def hold_subsidy(
        self,
        recipient: Recipient,
        programme: Programme,
        month: datetime.date,
        amount: int,
        minutes: int,
    ) -> None:
        usage = self.state.usage.setdefault((recipient.id, programme.pk, month), Usage())
        usage.used_fen += amount
        usage.used_minutes += minutes
        self.state.reserved[programme.pk] = self.state.reserved.get(programme.pk, 0) + amount

    # Orders --------------------------------------------------------------------------

    def new_code(self) -> str:
        while True:
            code = "".join(self.rng.choices(CODE_ALPHABET, k=8))
            if code not in self.state.codes:
                self.state.codes.add(code)
                return code

    def pick_time(
        self, service: ServiceInfo, day: datetime.date, last: datetime.date
    ) -> tuple[datetime.datetime, int] | None:
        opens = open_day(set(service.plan), day, last)
        if opens is None:
            return None
        day = opens
        start, capacity = self.rng.choice(service.plan[day.weekday()])
        return datetime.datetime.combine(day, start, tzinfo=TZ), capacity

    def make(self, day: datetime.date, last: datetime.date) -> bool:
        """One order starting on `day` (or the service's next open day); False when the
        draw found nothing bookable (a public service for someone without a subsidy, a
        full slot)."""
        rng = self.rng
        pool = self.elders if self.elders and rng.random() < ELDER_SHARE else self.selves
        recipient = rng.choice(pool)
        offered = self.catalogue.services_by_community.get(recipient.community_id)
        if not offered:
            return False
        service = rng.choice(offered)
        picked = self.pick_time(service, day, last)
        if picked is None:
            return False
        starts, capacity = picked
        quantity = _quantity(service, rng)
        month = month_of(starts.date())
        subsidy, programme, minutes = self.quote(service, recipient, quantity, month)
        list_price = service.price_fen * quantity
        if service.funding_mode == FundingMode.PUBLIC and subsidy < list_price:
            return False  # free for eligible people only: not bookable by this person
        slot = self.slot(service, starts, capacity)
        created = starts - datetime.timedelta(hours=rng.uniform(26, 168))
        if created > self.now:
            created = self.now - datetime.timedelta(minutes=rng.uniform(10, 360))
        needs_payment = list_price - subsidy > 0
        fate = pick_fate(rng)
        steps = live(
            plan_steps(
                rng,
                fate,
                needs_payment=needs_payment,
                created=created,
                starts=starts,
                ends=slot.ends_at,
            ),
            self.now,
            needs_payment,
        )
        status = steps[-1].after
        if status in HOLDS_A_PLACE:
            if slot.booked >= slot.capacity:
                return False
            slot.booked += 1
        if subsidy and status not in SUBSIDY_RELEASED:
            self.hold_subsidy(recipient, programme, month, subsidy, minutes)
        self.write(
            service=service,
            recipient=recipient,
            slot=slot,
            steps=steps,
            quantity=quantity,
            subsidy=(subsidy, programme, minutes, month),
            created=created,
        )
        return True

    def write(
        self,
        *,
        service: ServiceInfo,
        recipient: Recipient,
        slot: SlotEntry,
        steps: list[Step],
        quantity: int,
        subsidy: tuple[int, Programme | None, int, datetime.date],
        created: datetime.datetime,
    ) -> None:
        rng, tables = self.rng, self.tables
        provider = self.catalogue.providers[service.provider_id]
        subsidy_fen, programme, minutes, month = subsidy
        list_price = service.price_fen * quantity
        booker = rng.choice(recipient.bookers)
        actors = {
            "booker": booker,
            "manager": provider.manager_user_ids[0],
            "staff": self.staff[recipient.community_id],
            "": None,
        }
        worker = rng.choice(provider.workers)
        actors["worker"] = worker[1]
        done = {step.action: step for step in steps}
        status = steps[-1].after
        code = self.new_code()
        order_id = tables["orders"].next_id
        paid = list_price - subsidy_fen if "pay" in done else 0
        requested_at = done["pay"].at if "pay" in done else created
        tables["orders"].add(
            id=order_id,
            code=code,
            status=status,
            service_id=service.id,
            provider_id=service.provider_id,
            slot_id=slot.id,
            community_id=recipient.community_id,
            booked_by_id=booker,
            care_recipient_id=recipient.id,
            worker_id=worker[0] if "assign" in done else None,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            title=service.title_zh,
            address=recipient.address,
            quantity=quantity,
            currency="CNY",
            unit_price_fen=service.price_fen,
            list_price_fen=list_price,
            subsidy_fen=subsidy_fen,
            copay_fen=list_price - subsidy_fen,
            programme_id=programme.pk if programme else None,
            subsidy_month=month if programme else None,
            subsidy_minutes=minutes if programme else 0,
            copay_offline=False,
            free_cancel_hours=service.free_cancel_hours,
            late_cancel_fee_percent=service.late_cancel_fee_percent,
            idempotency_key=f"bench-{order_id}",
            no_show_by="provider" if "no_show" in done else "",
            dispute_reason="服务时间比约定短。" if "dispute" in done else "",
            expires_at=(
                created + datetime.timedelta(minutes=30)
                if list_price - subsidy_fen > 0 and "pay" not in done
                else request_expires_at(
                    requested_at=requested_at, starts_at=slot.starts_at, answer_within_hours=12
                )
            ),
            created_at=created,
            updated_at=steps[-1].at,
            completed_at=done["check_out"].at if "check_out" in done else None,
            closed_at=steps[-1].at if status == "closed" else None,
        )
        for step in steps:
            tables["events"].add(
                order_id=order_id,
                actor_id=actors[step.actor],
                action=step.action,
                from_status=step.before,
                to_status=step.after,
                reason="",
                created_at=step.at,
            )
        self.write_visits(order_id, done, worker, booker)
        self.write_money(order_id, code, done, list_price - subsidy_fen, paid, status, steps)

    def write_visits(
        self, order_id: int, done: dict[str, Step], worker: tuple[int, int], booker: int
    ) -> None:
        records = [("check_in", "worker_app", worker[1]), ("check_out", "worker_app", worker[1])]
        records.append(("confirm", "family", booker))
        for action, method, by in records:
            if action not in done:
                continue
            kind = "recipient_confirmed" if action == "confirm" else action
            at = done[action].at
            self.tables["visits"].add(
                order_id=order_id,
                kind=kind,
                method=method,
                at=at,
                worker_id=worker[0],
                recorded_by_id=by,
                created_at=at,
            )

    def write_money(
        self,
        order_id: int,
        code: str,
        done: dict[str, Step],
        copay: int,
        paid: int,
        status: str,
        steps: list[Step],
    ) -> None:
        if copay <= 0:
            return
        tables = self.tables
        payment = tables["payments"].add(
            order_id=order_id,
            amount_fen=copay,
            currency="CNY",
            status="succeeded" if paid else "created",
            stripe_payment_intent_id=f"pi_bench_{code}" if paid else None,
            created_at=steps[0].at,
            succeeded_at=done["pay"].at if paid else None,
        )
        last = steps[-1]
        if paid and last.action in REFUND_RULES:
            tables["refunds"].add(
                payment_id=payment,
                amount_fen=paid,
                reason=REFUND_RULES[last.action],
                status="succeeded",
                stripe_refund_id=f"re_bench_{code}",
                created_at=last.at,
            )
        if paid and status == "closed":
            tables["transfers"].add(
                order_id=order_id,
                amount_fen=paid,
                stripe_transfer_id=f"tr_bench_{code}",
                created_at=last.at,
            )

    def flush(self, month: datetime.date) -> None:
        """Parents before children: each COPY commits, and checks its foreign keys."""
        self.write_slots(month)
        for name in ("slots", "orders", "events", "visits", "payments", "refunds", "transfers"):
            self.tables[name].flush()

    def write_usage(self) -> Table:
        usage = Table(MonthlyUsage)
        for (recipient, programme, month), used in sorted(self.state.usage.items()):
            usage.add(
                care_recipient_id=recipient,
                programme_id=programme,
                month=month,
                used_fen=used.used_fen,
                used_minutes=used.used_minutes,
            )
        usage.flush()
        for programme in self.programmes:
            Programme.objects.filter(pk=programme.pk).update(
                reserved_fen=self.state.reserved.get(programme.pk, 0)
            )
        return usage


def _quantity(service: ServiceInfo, rng: random.Random) -> int:
    # orders.services._quantity: hours come from the length, items are chosen.
    if service.unit == "hour":
        return max(1, math.ceil(service.duration / 60))
    if service.unit == "visit":
        return 1
    return rng.randint(1, 3)


def make_orders(maker: OrderMaker, *, count: int, first: datetime.date, last: datetime.date) -> int:
    """`count` orders spread evenly over the days from `first` to `last`, written month by
    month."""
    days = (last - first).days + 1
    made = 0
    month = month_of(first)
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        if month_of(day) != month:
            maker.flush(month)
            month = month_of(day)
        target = count * (offset + 1) // days
        misses = 0
        while made < target and misses < 1000:
            if maker.make(day, last):
                made += 1
            else:
                misses += 1
    maker.flush(month)
    # Slots ahead that no order took are written too.
    for remaining in sorted(maker.state.slots):
        maker.flush(remaining)
    return made
