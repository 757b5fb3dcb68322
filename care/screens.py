"""Screens that change a plan: make one, and the actions on the plan's page. Each loads
the plan through `visible_to`, calls one care service, and shows its refusal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import CareRecipient
from care import services
from care.forms import EndForm, PauseForm, PlanForm, ReasonForm
from care.models import CarePlan, Occurrence
from communities.scoping import may_act_on_community
from linli.refusals import Refusal
from linli.views import attempt
from orders import saved_cards
from orders.workers import qualified_workers
from providers.models import Provider, ProviderMember


@login_required
def new_plan(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(CareRecipient.objects.visible_to(request.user), pk=pk)
    staff = may_act_on_community(request.user, recipient.community_id, role="community_staff")
    chosen = request.POST.get("provider") or request.GET.get("provider")
    provider = Provider.objects.filter(pk=chosen).first() if (chosen or "").isdigit() else None
    card = saved_cards.active_card(request.user)
    form = PlanForm(
        request.POST or None,
        recipient=recipient,
        staff=staff,
        provider=provider,
        card=card,
        initial={"provider": provider},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.propose_plan(
                care_recipient=recipient,
                provider=form.cleaned_data["provider"],
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                programme=form.cleaned_data.get("programme"),
                patterns=form.patterns(),
                notes=form.cleaned_data["notes"],
                goals=form.cleaned_data["goals"],
                pays_by=form.cleaned_data.get("pays_by", CarePlan.PaysBy.DOOR),
            )
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:  # a weekly line half filled in
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan is sent to the provider to accept."))
            return redirect("care:plan", pk=plan.pk)
    return render(
        request,
        "care/plan_form.html",
        {
            "recipient": recipient,
            "form": form,
            "provider": provider,
            "card_payment": provider is None or saved_cards.provider_takes_card(provider),
            "saved_card": card,
        },
    )


def _plan(request: HttpRequest, pk: int) -> CarePlan:
    return get_object_or_404(CarePlan.objects.visible_to(request.user), pk=pk)


def _member(request: HttpRequest, plan: CarePlan) -> ProviderMember | None:
    chosen = request.POST.get("worker", "")
    if not chosen:
        return None
    return get_object_or_404(ProviderMember.objects.filter(provider=plan.provider_id), pk=chosen)


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    worker = _member(request, plan)
    attempt(
        request,
        lambda: services.accept_plan(plan=plan, by=request.user, worker=worker),
        success=_("The plan is accepted; its visits are booked."),
    )
    return redirect("care:plan", pk=plan.pk)


@require_POST
@login_required
def choose_worker(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    worker = _member(request, plan)
    if worker is None:
        messages.error(request, _("Please choose a carer."))
    else:
        attempt(
            request,
            lambda: services.choose_plan_worker(plan=plan, by=request.user, worker=worker),
            success=_("The carer is chosen for the visits to come."),
        )
    return redirect("care:plan", pk=plan.pk)


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    attempt(
        request,
        lambda: services.decline_plan(
            plan=plan, by=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("The plan is declined."),
    )
    return redirect("care:plan", pk=plan.pk)


@require_POST
@login_required
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the first and last day and why."))
    else:
        attempt(
            request,
            lambda: services.pause_plan(plan=plan, by=request.user, **form.cleaned_data),
            success=_("The visits in these days are cancelled."),
        )
    return redirect("care:plan", pk=plan.pk)


@require_POST
@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the last day and why."))
    else:
        attempt(
            request,
            lambda: services.end_plan(plan=plan, by=request.user, **form.cleaned_data),
            success=_("The plan ends; later visits are cancelled."),
        )
    return redirect("care:plan", pk=plan.pk)


@require_POST
@login_required
def skip(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_object_or_404(
        Occurrence.objects.filter(plan__in=CarePlan.objects.visible_to(request.user)), pk=pk
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why this visit does not happen."))
    else:
        attempt(
            request,
            lambda: services.skip_occurrence(
                occurrence=occurrence, by=request.user, reason=form.cleaned_data["reason"]
            ),
            success=_("The visit is cancelled."),
        )
    return redirect("care:plan", pk=occurrence.plan_id)


def _visit_to_decide(request: HttpRequest, pk: int) -> Occurrence:
    """A held or not covered visit of a plan this person sees (others' are 404); the
    service checks they are staff of the person's community."""
    return get_object_or_404(
        Occurrence.objects.filter(plan__in=CarePlan.objects.visible_to(request.user)), pk=pk
    )


def _back(request: HttpRequest, occurrence: Occurrence) -> HttpResponse:
    if request.POST.get("next") == "visits":
        return redirect("care:visits_to_decide")
    return redirect("care:plan", pk=occurrence.plan_id)


@require_POST
@login_required
def book_held(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = _visit_to_decide(request, pk)
    attempt(
        request,
        lambda: services.book_held_visit(occurrence=occurrence, by=request.user),
        success=_("The visit is booked; the family is told what they pay."),
    )
    return _back(request, occurrence)


@require_POST
@login_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = _visit_to_decide(request, pk)
    if attempt(request, lambda: services.retry_visit(occurrence=occurrence, by=request.user)):
        occurrence.refresh_from_db()
        if occurrence.status == Occurrence.Status.BOOKED:
            messages.success(request, _("The visit is booked; the family is told."))
        else:
            messages.warning(request, occurrence.reason)
    return _back(request, occurrence)


@require_POST
@login_required
def let_go(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = _visit_to_decide(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why this visit does not happen."))
    else:
        attempt(
            request,
            lambda: services.let_visit_go(
                occurrence=occurrence, by=request.user, reason=form.cleaned_data["reason"]
            ),
            success=_("The visit will not take place; the family is told."),
        )
    return _back(request, occurrence)


def plan_actions(user, plan: CarePlan) -> dict:
    """Which forms the plan page shows this person."""
    manager = Provider.objects.managed_by(user).filter(pk=plan.provider_id).exists()
    changer = services.may_change(user, plan)
    active = plan.status == CarePlan.Status.ACTIVE
    workers = []
    if manager and plan.status in (CarePlan.Status.PROPOSED, CarePlan.Status.ACTIVE):
        services_of_plan = [item.service for item in plan.items.select_related("service")]
        day = plan.starts_on
        candidates = None
        for service in services_of_plan:
            ids = set(qualified_workers(plan.provider, service, day).values_list("pk", flat=True))
            candidates = ids if candidates is None else candidates & ids
        workers = ProviderMember.objects.filter(pk__in=candidates or []).select_related("user")
    return {
        "may_answer": manager and plan.status == CarePlan.Status.PROPOSED,
        "may_staff": manager and active,
        "may_change": changer and active,
        "may_end": changer and plan.status in (CarePlan.Status.ACTIVE, CarePlan.Status.PROPOSED),
        "may_skip": (changer or manager) and active,
        # The provider declines one visit (with a reason); the family and staff skip it.
        "declines_as_provider": manager and not changer,
        "may_decide": active
        and may_act_on_community(user, plan.care_recipient.community_id, role="community_staff"),
        "workers": workers,
        "pause_form": PauseForm(),
        "end_form": EndForm(),
    }
