"""What families, staff and providers are told about care plans."""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import CareLink
from accounts.notifications import Notice, in_each_language, notify, notify_each
from accounts.roles import staff_covering
from care.models import CarePlan, Occurrence
from marketplace.money import yuan

NEW_PLAN = gettext_noop(
    "A care plan for %(recipient)s asks for weekly visits from %(start)s. Please accept or "
    "decline it."
)
ACCEPTED = gettext_noop(
    "%(provider)s accepted the care plan for %(recipient)s: visits start on %(start)s."
)
YOUR_PLAN = gettext_noop(
    "You are the carer of %(recipient)s's care plan from %(start)s: every visit of it that "
    "you are free for is on your list of visits, with the plan's notes."
)
DECLINED = gettext_noop("%(provider)s declined the care plan for %(recipient)s: %(reason)s")
HELD = gettext_noop(
    "The visit of %(service)s for %(recipient)s on %(day)s is held: %(reason)s Community "
    "staff will decide."
)
UNCOVERED = gettext_noop(
    "The visit of %(service)s for %(recipient)s on %(day)s could not be booked: %(reason)s"
)
COSTS_MORE = gettext_noop(
    "This month's allowance for %(recipient)s is used up: the visit of %(service)s on "
    "%(day)s goes ahead, and the family pays %(copay)s for it at the door."
)
BOOKED_BY_STAFF = gettext_noop(
    "The visit of %(service)s for %(recipient)s on %(day)s is booked after all: the family "
    "pays %(copay)s for it at the door."
)
RUN_SUMMARY = gettext_noop(
    "Visits of %(recipient)s's care plan up to %(until)s: %(booked)s booked. Not every visit "
    "went as planned: %(visits)s"
)
LET_GO = gettext_noop(
    "The visit of %(service)s for %(recipient)s on %(day)s will not take place: %(reason)s"
)


def _family(plan: CarePlan) -> list:
    return plan.care_recipient.family_accounts()


def _staff(plan: CarePlan) -> list:
    people = list(staff_covering([plan.care_recipient.community_id]))
    if plan.case_worker is not None:
        people.append(plan.case_worker)
    return people


def _managers(plan: CarePlan) -> list:
    return [m.user for m in plan.provider.members.managing().select_related("user")]


def _plan_params(plan: CarePlan, **extra) -> dict:
    return {
        "recipient": plan.care_recipient.name,
        "provider": plan.provider.name,
        "start": plan.starts_on.isoformat(),
        **extra,
    }


def _url(plan: CarePlan) -> str:
    return reverse("care:plan", kwargs={"pk": plan.pk})


def tell_provider_of_new_plan(plan: CarePlan) -> None:
    notify(
        users=_managers(plan),
        kind="plan",
        message=NEW_PLAN,
        params=_plan_params(plan),
        url=_url(plan),
    )


def tell_plan_accepted(plan: CarePlan) -> None:
    notify(
        users=_family(plan) + _staff(plan),
        kind="plan",
        message=ACCEPTED,
        params=_plan_params(plan),
        url=_url(plan),
    )


def tell_plan_carer(plan: CarePlan) -> None:
    """Once per plan, not once per visit: the carer learns of the plan, and finds its
    visits on their list as they are made, four weeks ahead."""
    notify(
        users=[plan.worker.user],
        kind="plan",
        message=YOUR_PLAN,
        params=_plan_params(plan),
        url=_url(plan),
    )


def tell_plan_declined(plan: CarePlan) -> None:
    notify(
        users=_family(plan) + _staff(plan) + [plan.created_by],
        kind="plan",
        message=DECLINED,
        params=_plan_params(plan, reason=plan.decline_reason),
        url=_url(plan),
    )


def _visit_params(occurrence: Occurrence, **extra) -> dict:
    return visit_params(
        occurrence.plan, occurrence.item.service, occurrence.day, occurrence.reason, **extra
    )


def tell_visit_held(occurrence: Occurrence) -> None:
    plan = occurrence.plan
    notify(
        users=_family(plan) + _staff(plan),
        kind="plan",
        message=HELD,
        params=_visit_params(occurrence),
        url=_url(plan),
    )


def tell_visit_uncovered(occurrence: Occurrence) -> None:
    plan = occurrence.plan
    notify(
        users=_family(plan) + _staff(plan),
        kind="plan",
        message=UNCOVERED,
        params=_visit_params(occurrence),
        url=_url(plan),
    )


def tell_visit_costs_more(occurrence: Occurrence) -> None:
    plan = occurrence.plan
    notify(
        users=_family(plan) + _staff(plan),
        kind="plan",
        message=COSTS_MORE,
        params=_visit_params(occurrence, copay=copay(occurrence.order)),
        url=_url(plan),
    )


def copay(order) -> str:
    return "¥" + yuan(order.copay_fen)


def tell_visit_booked_by_staff(occurrence: Occurrence) -> None:
    """A held or not covered visit booked by staff after all, with what the family pays."""
    plan = occurrence.plan
    notify(
        users=_family(plan) + _staff(plan),
        kind="plan",
        message=BOOKED_BY_STAFF,
        params=_visit_params(occurrence, copay=copay(occurrence.order)),
        url=_url(plan),
    )


def tell_visit_let_go(occurrence: Occurrence) -> None:
    plan = occurrence.plan
    notify(
        users=_family(plan) + _staff(plan),
        kind="plan",
        message=LET_GO,
        params=_visit_params(occurrence),
        url=_url(plan),
    )


def _run_summary(
    plan: CarePlan,
    *,
    until,
    booked: int,
    told: list[tuple[str, dict]],
    family: list,
    staff: list,
) -> Notice | None:
    """One notice per plan and run of its visits (decision 0030), to whoever would have been
    told of each visit: every visit held, not covered or costing more is in it, one line
    each in the reader's language. `told`: (message, the visit's parameters) in date
    order, the messages being the one-visit ones above."""
    if not told:
        return
    lines = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # One line of text: it is an e-mail's subject too, and pages wrap it.
            lines[language] = " ".join(
                gettext(message) % {key: _in(value, language) for key, value in params.items()}
                for message, params in told
            )
    case_worker = [plan.case_worker] if plan.case_worker_id else []
    return Notice(
        users=family + staff + case_worker,
        kind="plan",
        message=RUN_SUMMARY,
        params=_plan_params(
            plan,
            until=until.isoformat(),
            booked=str(booked),
            visits=in_each_language(lines["zh-hans"], lines["en"]),
        ),
        url=_url(plan),
    )


def visit_params(plan: CarePlan, service, day, reason: str, **extra) -> dict:
    """A visit's parameters for the one-visit messages, before its occurrence is saved."""
    return _plan_params(
        plan,
        service=in_each_language(service.title_zh, service.title_en),
        day=day.isoformat(),
        reason=reason,
        **extra,
    )


def _in(value, language: str) -> str:
    if isinstance(value, dict):
        return value.get(language) or value.get("zh-hans", "")
    return value


def _families(plans: list[CarePlan]) -> dict[int, list]:
    """`CareRecipient.family_accounts` of these plans' people, in one query."""
    family: dict[int, dict] = defaultdict(dict)
    for plan in plans:
        recipient = plan.care_recipient
        if recipient.account_id:
            family[recipient.pk][recipient.account_id] = recipient.account
    for link in CareLink.objects.filter(
        care_recipient_id__in={plan.care_recipient_id for plan in plans}
    ).select_related("account"):
        family[link.care_recipient_id][link.account_id] = link.account
    return {pk: list(people.values()) for pk, people in family.items()}


def tell_run(visits: list, *, until: datetime.date, staff: Callable[[int], list]) -> None:
    """One notice per plan and run of its visits (care.plan_runs' `Visit`s): the visits
    held, not covered or costing more. `staff`: a community's staff, kept by the run."""
    by_plan = defaultdict(list)
    for visit in visits:
        by_plan[visit.plan.pk].append(visit)
    notices = []
    family = _families(
        [v.plan for v in visits if v.status != Occurrence.Status.BOOKED or v.costs_more]
    )
    for plan_visits in by_plan.values():
        told = []
        for v in plan_visits:
            params = visit_params(v.plan, v.item.service, v.day, v.reason)
            if v.status == Occurrence.Status.HELD:
                told.append((HELD, params))
            elif v.status == Occurrence.Status.UNCOVERED:
                told.append((UNCOVERED, params))
            elif v.costs_more:
                told.append((COSTS_MORE, {**params, "copay": copay(v.order)}))
        notices.append(
            _run_summary(
                plan_visits[0].plan,
                until=until,
                booked=sum(v.status == Occurrence.Status.BOOKED for v in plan_visits),
                told=told,
                family=family.get(plan_visits[0].plan.care_recipient_id, []),
                staff=staff(plan_visits[0].plan.care_recipient.community_id),
            )
        )
    notify_each(notice for notice in notices if notice is not None)
