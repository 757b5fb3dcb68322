"""The only doors to care plans: made by staff (assisted) or the family (a self-paid
series), accepted or declined once by the provider, then paused, skipped, changed from a
date or ended, each change kept in the plan's history. Visits are made by
care.occurrences as ordinary orders."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, Role, User
from billing import subsidy
from billing.contracts import below_minimum, confirmed_grade, contract_for_month
from billing.models import Eligibility, Programme
from care import wording
from care.exceptions import CareError
from care.models import CarePlan, Occurrence, PlanEvent, PlanItem, PlanPause
from care.occurrences import make_occurrences
from care.patterns import VisitPattern, check_patterns
from communities.scoping import may_act_on_community
from linli.refusals import Refusal
from marketplace.models import FundingMode
from marketplace.money import yuan
from orders import saved_cards
from orders import services as order_services
from orders.models import Order
from orders.moves import lock_slots
from orders.plan_visits import AllowanceUsedUp, PlanTerms, place_plan_visit
from orders.rosters import worker_is_free
from orders.workers import worker_is_qualified
from providers.access import can_manage_provider
from providers.models import Provider, ProviderMember

STAFF = Role.COMMUNITY_STAFF


def _is_staff_for(user: User, recipient: CareRecipient) -> bool:
    return may_act_on_community(user, recipient.community_id, role=STAFF)


def _lock(plan: CarePlan) -> CarePlan:
    return CarePlan.objects.select_for_update().select_related("care_recipient").get(pk=plan.pk)


def _event(plan: CarePlan, action: str, by: User | None, detail: str = "") -> None:
    PlanEvent.objects.create(plan=plan, action=action, actor=by, detail=detail)


def may_change(user: User, plan: CarePlan) -> bool:
    """The family of the person, and community staff of their community."""
    recipient = plan.care_recipient
    return recipient.is_linked_to(user) or _is_staff_for(user, recipient)


def _check_programme(programme: Programme, recipient: CareRecipient, day: datetime.date) -> None:
    eligible = Eligibility.objects.filter(
        care_recipient=recipient,
        programme=programme,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
    ).exists()
    if not eligible:
        raise CareError(
            _("%(name)s is not registered as eligible for %(programme)s on %(day)s.")
            % {"name": recipient.name, "programme": programme.name, "day": day.isoformat()}
        )


def _check_contracted(programme: Programme, provider: Provider, day: datetime.date) -> None:
    """A plan paid by a programme is with one of the programme's contracted providers: only
    they may bill it (decision 0033), and only if the programme's minimum grade allows it (0039)."""
    if contract_for_month(programme_id=programme.pk, provider_id=provider.pk, month=day) is None:
        raise CareError(
            _(
                "%(provider)s has no contract with %(programme)s for %(month)s, so the "
                "programme cannot pay for its visits. Choose one of the programme's "
                "contracted providers, or ask the purchaser's officer to contract this one."
            )
            % {"provider": provider.name, "programme": programme.name, "month": f"{day:%Y-%m}"}
        )
    grade = confirmed_grade(provider.pk)
    if below_minimum(programme, grade):
        raise CareError(
            _(
                "%(programme)s pays only for providers graded %(minimum)s or better; "
                "%(provider)s's latest grade is %(grade)s. Choose another contracted provider."
            )
            % {
                "programme": programme.name,
                "minimum": programme.minimum_grade,
                "provider": provider.name,
                "grade": grade,
            }
        )


def _check_who_pays(
    patterns: list[VisitPattern], recipient: CareRecipient, day: datetime.date
) -> None:
    """Refuse a plan whose visits would all be refused: a public service is free to the
    eligible and never sold, so some programme the person is eligible for must pay its
    whole price."""
    for pattern in patterns:
        service = pattern.service
        if service.funding_mode != FundingMode.PUBLIC:
            continue
        left_to_pay = [
            cover.unit_price_fen * pattern.quantity
            - subsidy.subsidy_by_rule(
                cover.programme, unit_price_fen=cover.unit_price_fen, quantity=pattern.quantity
            )[1]
            for cover in subsidy.contracted_covers(service, recipient, day)
        ]
        if min(left_to_pay, default=1) > 0:
            raise CareError(
                _(
                    "%(service)s is a public service, free only when a programme pays all of "
                    "it, and no programme %(name)s is registered for pays its whole price."
                )
                % {"service": service.title, "name": recipient.name}
            )


def _check_way_to_pay(pays_by: str, *, provider: Provider, by: User, assisted: bool) -> None:
    """A self-paid plan is paid as its provider allows; by card only with a saved card.
    Plans staff make for someone without an account are paid at the door."""
    if pays_by not in CarePlan.PaysBy.values:
        raise CareError(_("Choose how the visits are paid."))
    if pays_by == CarePlan.PaysBy.CARD:
        if assisted:
            raise CareError(_("Plans made by community staff are paid at the door."))
        if not saved_cards.provider_takes_card(provider):
            raise CareError(
                _("%(provider)s takes payment for plan visits at the door only.")
                % {"provider": provider.name}
            )
        if saved_cards.active_card(by) is None:
            raise CareError(_("Save a card first to pay the visits with it."))
    elif not assisted and not saved_cards.provider_takes_door(provider):
        raise CareError(
            _("%(provider)s takes payment for plan visits by card only: save a card first.")
            % {"provider": provider.name}
        )


@transaction.atomic
def propose_plan(
    *,
    care_recipient: CareRecipient,
    provider: Provider,
    by: User,
    starts_on: datetime.date,
    patterns: list[VisitPattern],
    ends_on: datetime.date | None = None,
    programme: Programme | None = None,
    case_worker: User | None = None,
    notes: str = "",
    goals: str = "",
    pays_by: str = CarePlan.PaysBy.DOOR,
) -> CarePlan:
    """Staff make a plan for someone in their community (assisted: what is left to pay is
    paid at the door), or the family make a self-paid series, paid at the door or with
    their saved card as the provider allows (decision 0029). The provider is asked."""
    recipient = CareRecipient.objects.select_for_update().get(pk=care_recipient.pk)
    staff = _is_staff_for(by, recipient)
    family = recipient.is_linked_to(by)
    if not (staff or family):
        raise PermissionDenied
    if programme is not None and not staff:
        raise CareError(_("Only community staff can make a plan paid by a subsidy programme."))
    if starts_on <= timezone.localdate():
        raise CareError(_("A plan starts tomorrow at the earliest."))
    if ends_on is not None and ends_on < starts_on:
        raise CareError(_("The plan ends before it starts."))
    if not provider.is_vetted:
        raise CareError(_("%(provider)s is not taking new work.") % {"provider": provider.name})
    if not provider.communities.filter(pk=recipient.community_id).exists():
        raise CareError(
            _("%(provider)s does not serve %(community)s, where %(name)s lives.")
            % {
                "provider": provider.name,
                "community": recipient.community.name,
                "name": recipient.name,
            }
        )
    check_patterns(patterns, provider_id=provider.pk, community_id=recipient.community_id)
    if programme is not None:
        _check_programme(programme, recipient, starts_on)
        _check_contracted(programme, provider, starts_on)
    _check_who_pays(patterns, recipient, starts_on)
    if case_worker is not None and not _is_staff_for(case_worker, recipient):
        raise CareError(_("The case worker must be community staff of the person's community."))
    assisted = staff and not family
    _check_way_to_pay(pays_by, provider=provider, by=by, assisted=assisted)
    plan = CarePlan.objects.create(
        care_recipient=recipient,
        provider=provider,
        programme=programme,
        pays_by=pays_by,
        case_worker=case_worker or (by if staff else None),
        created_by=by,
        assisted=assisted,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes.strip(),
        goals=goals.strip(),
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            service=p.service,
            weekday=p.weekday,
            starts_at=p.starts_at,
            quantity=p.quantity,
            valid_from=starts_on,
        )
        for p in patterns
    )
    _event(plan, "propose", by)
    wording.tell_provider_of_new_plan(plan)
    return plan


def _require_manager(by: User, plan: CarePlan) -> None:
    if not can_manage_provider(by, plan.provider_id):
        raise PermissionDenied


def _check_worker(plan: CarePlan, worker: ProviderMember | None) -> None:
    if worker is None:
        return
    if worker.provider_id != plan.provider_id:
        raise PermissionDenied
    day = max(plan.starts_on, timezone.localdate())
    for item in plan.items.select_related("service"):
        if not worker_is_qualified(worker, item.service, day):
            raise CareError(
                _("%(worker)s does not hold a valid qualification for %(service)s.")
                % {"worker": worker.user, "service": item.service.title}
            )


@transaction.atomic
def accept_plan(*, plan: CarePlan, by: User, worker: ProviderMember | None = None) -> CarePlan:
    """The provider accepts the whole plan once; its visits are made from then on, with the
    carer chosen here on every one where they are free."""
    plan = _lock(plan)
    _require_manager(by, plan)
    if plan.status != CarePlan.Status.PROPOSED:
        raise CareError(_("This plan is no longer waiting for an answer."))
    provider = Provider.objects.get(pk=plan.provider_id)
    if not provider.is_vetted:
        raise CareError(_("%(provider)s is not taking new work.") % {"provider": provider.name})
    _check_worker(plan, worker)
    plan.status = CarePlan.Status.ACTIVE
    plan.worker = worker
    plan.accepted_at = timezone.now()
    plan.save(update_fields=["status", "worker", "accepted_at"])
    _event(plan, "accept", by, str(worker.user) if worker else "")
    wording.tell_plan_accepted(plan)
    if worker is not None:
        wording.tell_plan_carer(plan)
    make_occurrences(plan)
    return plan


@transaction.atomic
def decline_plan(*, plan: CarePlan, by: User, reason: str) -> CarePlan:
    plan = _lock(plan)
    _require_manager(by, plan)
    if plan.status != CarePlan.Status.PROPOSED:
        raise CareError(_("This plan is no longer waiting for an answer."))
    if not reason.strip():
        raise CareError(_("Please say why the plan is declined."))
    plan.status = CarePlan.Status.DECLINED
    plan.decline_reason = reason.strip()
    plan.save(update_fields=["status", "decline_reason"])
    _event(plan, "decline", by, plan.decline_reason)
    wording.tell_plan_declined(plan)
    return plan


def _cancel_booked(occurrences, *, by: User, status: str, reason: str) -> int:
    """Cancel the orders of booked visits still to come and mark them; returns how many."""
    cancelled = 0
    occurrences = list(occurrences.select_related("order"))
    # Every order, then every slot, each lowest id first, before any programme: as one
    # cancellation takes them (order, slot, programme), so neither can wait on the other.
    orders = sorted(o.order_id for o in occurrences if o.order_id)
    list(Order.objects.select_for_update().filter(pk__in=orders).order_by("pk").values("pk"))
    lock_slots(o.order.slot_id for o in occurrences if o.order is not None and o.order.slot_id)
    for occurrence in occurrences:
        order = occurrence.order
        if order is not None and order.status in (
            Order.Status.REQUESTED,
            Order.Status.CONFIRMED,
            Order.Status.PENDING_PAYMENT,
        ):
            order_services.cancel_order(order=order, by=by, reason=reason)
            cancelled += 1
        occurrence.status, occurrence.reason = status, reason
        occurrence.save(update_fields=["status", "reason", "updated_at"])
    return cancelled


def _still_to_come(plan: CarePlan, start: datetime.date, end: datetime.date | None = None):
    upcoming = plan.occurrences.filter(day__gte=max(start, timezone.localdate())).exclude(
        status__in=[Occurrence.Status.SKIPPED, Occurrence.Status.ENDED]
    )
    if end is not None:
        upcoming = upcoming.filter(day__lte=end)
    return upcoming


@transaction.atomic
def pause_plan(
    *, plan: CarePlan, by: User, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> PlanPause:
    """No visits between two dates (a hospital stay); those booked are cancelled."""
    plan = _lock(plan)
    if not may_change(by, plan):
        raise PermissionDenied
    if plan.status != CarePlan.Status.ACTIVE:
        raise CareError(_("Only an active plan can be paused."))
    if ends_on < starts_on:
        raise CareError(_("The pause ends before it starts."))
    if starts_on < timezone.localdate():
        raise CareError(_("A pause cannot start in the past."))
    if not reason.strip():
        raise CareError(_("Please say why the visits pause."))
    pause = PlanPause.objects.create(
        plan=plan, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), created_by=by
    )
    _cancel_booked(
        _still_to_come(plan, starts_on, ends_on),
        by=by,
        status=Occurrence.Status.PAUSED,
        reason=pause.reason,
    )
    _event(plan, "pause", by, f"{starts_on} – {ends_on}: {pause.reason}")
    return pause


@transaction.atomic
def skip_occurrence(*, occurrence: Occurrence, by: User, reason: str) -> Occurrence:
    """The family or staff skip one visit; the provider's manager may decline one, with
    a reason (staff then see it as not covered)."""
    occurrence = Occurrence.objects.select_for_update().select_related("plan").get(pk=occurrence.pk)
    plan = occurrence.plan
    manager = can_manage_provider(by, plan.provider_id)
    if not (may_change(by, plan) or manager):
        raise PermissionDenied
    if occurrence.status != Occurrence.Status.BOOKED or occurrence.day < timezone.localdate():
        raise CareError(_("Only a booked visit still to come can be skipped."))
    if not reason.strip():
        raise CareError(_("Please say why this visit does not happen."))
    by_provider = manager and not may_change(by, plan)
    status = Occurrence.Status.UNCOVERED if by_provider else Occurrence.Status.SKIPPED
    _cancel_booked(
        Occurrence.objects.filter(pk=occurrence.pk), by=by, status=status, reason=reason.strip()
    )
    action = "decline_visit" if by_provider else "skip"
    _event(plan, action, by, f"{occurrence.day}: {reason.strip()}")
    occurrence.refresh_from_db()
    if by_provider:
        # Staff decide what becomes of it (try again, or let it go); the family know.
        wording.tell_visit_uncovered(occurrence)
    return occurrence


HELD_OR_UNCOVERED = (Occurrence.Status.HELD, Occurrence.Status.UNCOVERED)


def _visit_to_decide(occurrence: Occurrence, by: User, statuses: tuple) -> Occurrence:
    """The visit, locked, if `by` is staff of the person's community and it is still to
    come in one of `statuses` on an active plan."""
    occurrence = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("plan__care_recipient", "plan__programme", "item__service", "order")
        .get(pk=occurrence.pk)
    )
    plan = occurrence.plan
    if not _is_staff_for(by, plan.care_recipient):
        raise PermissionDenied
    if occurrence.status not in statuses:
        raise CareError(_("This visit has already been decided."))
    starts_at = timezone.make_aware(
        datetime.datetime.combine(occurrence.day, occurrence.item.starts_at)
    )
    if starts_at <= timezone.now():
        raise CareError(_("This visit's time has passed."))
    if plan.status != CarePlan.Status.ACTIVE:
        raise CareError(_("Only an active plan has visits to book."))
    return occurrence


def _book(occurrence: Occurrence, *, hold_when_used_up: bool):
    plan, item, previous = occurrence.plan, occurrence.item, occurrence.order
    # As care.occurrences books it, but staff decide what happens when the allowance is
    # used up; the order a provider declined keeps its key, so a new order needs its own.
    reference = f"plan-{plan.pk}-{item.pk}-{occurrence.day:%Y%m%d}"
    terms = PlanTerms(
        booked_by=plan.created_by,
        assisted=plan.assisted,
        worker=plan.worker,
        programme_id=plan.programme_id,
        hold_when_used_up=hold_when_used_up,
        notes=plan.notes,
        reference=reference + (f"-{previous.pk}" if previous is not None else ""),
    )
    return place_plan_visit(
        terms=terms,
        service=item.service,
        starts_at=timezone.make_aware(datetime.datetime.combine(occurrence.day, item.starts_at)),
        care_recipient=plan.care_recipient,
        quantity=item.quantity,
    )


def _booked(occurrence: Occurrence, order: Order) -> None:
    occurrence.status, occurrence.order, occurrence.reason = (
        Occurrence.Status.BOOKED,
        order,
        "",
    )
    occurrence.save(update_fields=["status", "order", "reason", "updated_at"])


def _holds(plan: CarePlan) -> bool:
    programme = plan.programme
    return programme is not None and programme.when_used_up == Programme.WhenUsedUp.HOLD


@transaction.atomic
def book_held_visit(*, occurrence: Occurrence, by: User) -> Occurrence:
    """Staff book a visit held because the allowance or budget was used up: it goes ahead
    and the family pays what the programme does not (told the amount, at the door)."""
    occurrence = _visit_to_decide(occurrence, by, (Occurrence.Status.HELD,))
    try:
        visit = _book(occurrence, hold_when_used_up=False)
    except Refusal as refusal:
        raise CareError(refusal.message) from None
    _booked(occurrence, visit.order)
    _event(
        occurrence.plan,
        "book_held",
        by,
        f"{occurrence.day}: {yuan(visit.order.copay_fen)}",
    )
    wording.tell_visit_booked_by_staff(occurrence)
    return occurrence


@transaction.atomic
def retry_visit(*, occurrence: Occurrence, by: User) -> Occurrence:
    """Staff try again to book a visit that was not covered (the slot has freed, the
    carer changed), under the programme's rule: if the allowance is now used up, the
    family pays the rest (they are told the amount), or, where the programme holds, the
    visit is held instead (staff may then book it anyway); any other refusal leaves it
    as it was and says why."""
    occurrence = _visit_to_decide(occurrence, by, (Occurrence.Status.UNCOVERED,))
    plan = occurrence.plan
    if plan.pauses.filter(starts_on__lte=occurrence.day, ends_on__gte=occurrence.day).exists():
        raise CareError(_("The plan is paused on this day."))
    try:
        visit = _book(occurrence, hold_when_used_up=_holds(plan))
    except AllowanceUsedUp as refusal:
        occurrence.status, occurrence.reason = Occurrence.Status.HELD, str(refusal.message)
        occurrence.save(update_fields=["status", "reason", "updated_at"])
        _event(plan, "retry", by, f"{occurrence.day}: {occurrence.reason}")
        wording.tell_visit_held(occurrence)
        return occurrence
    except Refusal as refusal:
        raise CareError(refusal.message) from None
    _booked(occurrence, visit.order)
    _event(plan, "retry", by, f"{occurrence.day}")
    wording.tell_visit_booked_by_staff(occurrence)
    return occurrence


@transaction.atomic
def let_visit_go(*, occurrence: Occurrence, by: User, reason: str) -> Occurrence:
    """Staff decide a held or not covered visit does not happen; the family are told why.
    It stays in the plan's calendar as skipped, with the reason."""
    occurrence = _visit_to_decide(occurrence, by, HELD_OR_UNCOVERED)
    if not reason.strip():
        raise CareError(_("Please say why this visit does not happen."))
    occurrence.status, occurrence.reason = Occurrence.Status.SKIPPED, reason.strip()
    occurrence.save(update_fields=["status", "reason", "updated_at"])
    _event(occurrence.plan, "let_go", by, f"{occurrence.day}: {occurrence.reason}")
    wording.tell_visit_let_go(occurrence)
    return occurrence


@transaction.atomic
def change_pattern(
    *, plan: CarePlan, by: User, from_day: datetime.date, patterns: list[VisitPattern]
) -> CarePlan:
    """The weekly visits change from a date: the old lines end the day before (their
    visits from then on are cancelled), the new ones start that day."""
    plan = _lock(plan)
    if not may_change(by, plan):
        raise PermissionDenied
    if plan.status != CarePlan.Status.ACTIVE:
        raise CareError(_("Only an active plan can be changed."))
    if from_day <= timezone.localdate():
        raise CareError(_("A change takes effect tomorrow at the earliest."))
    check_patterns(
        patterns, provider_id=plan.provider_id, community_id=plan.care_recipient.community_id
    )
    _check_who_pays(patterns, plan.care_recipient, from_day)
    day_before = from_day - datetime.timedelta(days=1)
    current = plan.items.filter(valid_until__isnull=True) | plan.items.filter(
        valid_until__gte=from_day
    )
    _cancel_booked(
        _still_to_come(plan, from_day).filter(item__in=current),
        by=by,
        status=Occurrence.Status.ENDED,
        reason=str(_("The weekly visits changed.")),
    )
    for item in current:
        if item.valid_from >= from_day:
            # A line from an earlier change that has not begun yet: it never held.
            if not item.occurrences.exists():
                item.delete()
                continue
            item.valid_until = item.valid_from  # its first day's visit is ended above
        else:
            item.valid_until = day_before
        item.save(update_fields=["valid_until"])
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            service=p.service,
            weekday=p.weekday,
            starts_at=p.starts_at,
            quantity=p.quantity,
            valid_from=from_day,
        )
        for p in patterns
    )
    _event(plan, "change", by, f"{from_day}")
    make_occurrences(plan)
    return plan


@transaction.atomic
def end_plan(*, plan: CarePlan, by: User, last_day: datetime.date, reason: str) -> CarePlan:
    """The plan ends after `last_day`; visits after it are cancelled."""
    plan = _lock(plan)
    if not may_change(by, plan):
        raise PermissionDenied
    if plan.status not in (CarePlan.Status.ACTIVE, CarePlan.Status.PROPOSED):
        raise CareError(_("This plan has already ended."))
    if last_day < timezone.localdate() - datetime.timedelta(days=1):
        raise CareError(_("A plan cannot end in the past."))
    if not reason.strip():
        raise CareError(_("Please say why the plan ends."))
    plan.ends_on = max(last_day, plan.starts_on)
    if last_day < plan.starts_on or plan.status == CarePlan.Status.PROPOSED:
        plan.status = CarePlan.Status.ENDED
    if plan.ends_on <= timezone.localdate():
        plan.status = CarePlan.Status.ENDED
    if plan.status == CarePlan.Status.ENDED:
        plan.ended_at = timezone.now()
    plan.save(update_fields=["ends_on", "status", "ended_at"])
    _cancel_booked(
        _still_to_come(plan, last_day + datetime.timedelta(days=1)),
        by=by,
        status=Occurrence.Status.ENDED,
        reason=reason.strip(),
    )
    _event(plan, "end", by, f"{last_day}: {reason.strip()}")
    return plan


@transaction.atomic
def choose_plan_worker(*, plan: CarePlan, by: User, worker: ProviderMember) -> CarePlan:
    """The provider chooses (or changes) the plan's carer; booked visits to come that have
    no carer, or the previous one, get the new one where they are free."""
    plan = _lock(plan)
    _require_manager(by, plan)
    if plan.status != CarePlan.Status.ACTIVE:
        raise CareError(_("Only an active plan has visits to staff."))
    _check_worker(plan, worker)
    previous = plan.worker_id
    plan.worker = worker
    plan.save(update_fields=["worker"])
    for occurrence in (
        _still_to_come(plan, timezone.localdate())
        .filter(status=Occurrence.Status.BOOKED)
        .select_related("order")
    ):
        order = occurrence.order
        if order.worker_id not in (None, previous) or order.status not in (
            Order.Status.REQUESTED,
            Order.Status.CONFIRMED,
        ):
            continue
        if worker_is_free(worker, order.starts_at, order.ends_at, besides=order.pk):
            order_services.assign_worker(order=order, by=by, worker=worker)
    _event(plan, "assign", by, str(worker.user))
    wording.tell_plan_carer(plan)
    return plan
