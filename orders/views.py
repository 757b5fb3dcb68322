import datetime
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import CareRecipient
from accounts.rate_limits import BOOKING, PAYMENT, VISIT_CODE, rate_limited
from billing import subsidy
from linli.refusals import Refusal
from linli.views import attempt
from marketplace.models import Service, Slot
from marketplace.money import fen_from_yuan
from orders import access, booking_page, payments, receipts, rosters, selectors, services, visits
from orders.forms import (
    AssignForm,
    BookingForm,
    CheckInForm,
    CorrectionForm,
    ReasonForm,
    RequiredReasonForm,
    RescheduleForm,
    ResolveForm,
)
from orders.models import Order, ProviderChange
from orders.transitions import WORKER_MAY_BE_SENT
from providers.models import Provider


def _visible(request: HttpRequest, code: str) -> Order:
    return get_object_or_404(
        Order.objects.visible_to(request.user).select_related(
            "service",
            "provider",
            "care_recipient",
            "community",
            "worker__user",
            "booked_by",
            "programme__purchaser",
        ),
        code=code,
    )


def _open_slots(service: Service):
    return (
        Slot.objects.open_for_booking(now=timezone.now())
        .filter(service=service)
        .order_by("starts_at")[:30]
    )


def _quotes(service: Service, recipients, slots) -> dict[tuple[int, datetime.date], subsidy.Split]:
    """What each person would pay, for each month the bookable times fall in: a month's cap
    and budget decide its price (quoted for the first time in that month)."""
    first_day = {}
    for starts_at in slots.order_by("starts_at").values_list("starts_at", flat=True):
        day = timezone.localdate(starts_at)
        first_day.setdefault(day.replace(day=1), day)
    if not first_day:
        day = timezone.localdate() + datetime.timedelta(days=service.min_notice_hours // 24 + 1)
        first_day[day.replace(day=1)] = day
    quantity = services.quantity_for(service, 1)
    quotes = {}
    for recipient in recipients:
        for month, day in first_day.items():
            try:
                quotes[(recipient.pk, month)] = subsidy.quote(
                    service=service, care_recipient=recipient, quantity=quantity, on=day
                )
            except subsidy.NotEligible:
                continue
    return quotes


@login_required
@rate_limited(BOOKING)
def book(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.bookable().select_related("provider", "category"), pk=pk
    )
    slots = Slot.objects.open_for_booking(now=timezone.now()).filter(service=service)
    recipients = CareRecipient.objects.visible_to(request.user).order_by("name", "pk")
    person = booking_page.preselected_person(request.user, recipients)
    form = BookingForm(
        request.POST or None,
        service=service,
        user=request.user,
        slots=slots,
        initial={"submission": uuid.uuid4().hex, "care_recipient": person},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.place_order(
                booked_by=request.user,
                slot=data["slot"],
                care_recipient=data["care_recipient"],
                idempotency_key=data["submission"],
                address=data.get("address", ""),
                notes=data["notes"],
                quantity=data.get("quantity") or 1,
                expected_copay_fen=form.quoted_copay(data["care_recipient"].pk, data["slot"]),
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            if order.status == Order.Status.PENDING_PAYMENT:
                return redirect("orders:pay", code=order.code)
            messages.success(request, _("Your request has been sent to the provider."))
            return redirect(order)
    # The strip of days, and the chosen day's times as chips (a sent-back form keeps its day).
    strip = booking_page.day_strip(slots, today=timezone.localdate())
    day = booking_page.chosen_day(
        strip,
        request.GET.get("day")
        or str(booking_page.day_of_slot(slots, request.POST.get("slot")) or ""),
    )
    form.fields["slot"].queryset = slots.on_day(day).order_by("starts_at") if day else slots.none()
    if day:
        form.fields["slot"].label = _("Time on %(day)s") % {
            "day": f"{date_format(day, 'MONTH_DAY_FORMAT')} {date_format(day, 'l')}"
        }
    # Quoted for every month a bookable time falls in, not only the chosen day's.
    quotes = _quotes(service, form.fields["care_recipient"].queryset, slots)
    form.show_quotes(quotes)
    month = (day or timezone.localdate()).replace(day=1)
    splits = [(r, quotes.get((r.pk, month))) for r in form.fields["care_recipient"].queryset]
    return render(
        request,
        "orders/book.html",
        {
            "service": service,
            "form": form,
            "strip": strip,
            "day": day,
            "splits": splits,
            "person": person,
        },
    )


@login_required
@rate_limited(PAYMENT)
def pay(request: HttpRequest, code: str) -> HttpResponse:
    """The pay page: Stripe.js's Payment Element confirms the order's PaymentIntent in the
    browser (cards, and Alipay / WeChat Pay where switched on) and comes back to `paid`."""
    order = _visible(request, code)
    relation = access.relation_to(request.user, order)
    if "pay" not in selectors.actions_for(order, relation):
        return redirect(order)
    try:
        payment = payments.start_payment(order)
    except payments.PaymentsUnavailable as exc:
        messages.error(request, exc.message)
        return redirect(order)
    return render(
        request,
        "orders/pay.html",
        {
            "order": order,
            "payment": payment,
            "stripe_js": settings.STRIPE_JS_URL,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_locale": "en" if get_language().startswith("en") else "zh",
            "return_url": request.build_absolute_uri(
                reverse("orders:paid", kwargs={"code": order.code})
            ),
            "refusals": payments.refusal_messages(),
        },
    )


@login_required
@rate_limited(PAYMENT)
def paid(request: HttpRequest, code: str) -> HttpResponse:
    """Where Stripe.js sends the payer back (after a card, a 3-D Secure check, Alipay or
    WeChat Pay), with `payment_intent`, `payment_intent_client_secret` and `redirect_status`
    in the query. None of them is believed: Stripe is asked how the order's payment stands."""
    order = _visible(request, code)
    settled = payments.settle_payment(order)
    if settled.state == "refused":
        messages.error(request, settled.reason)
        if "pay" in selectors.actions_for(order, access.relation_to(request.user, order)):
            return redirect("orders:pay", code=order.code)
    elif settled.state == "processing":
        messages.info(
            request, _("Your payment is being processed. This page changes by itself when done.")
        )
    elif settled.state == "unknown":
        messages.warning(request, payments.CHECK_LATER)
    return redirect(order)


def _detail_context(request: HttpRequest, order: Order) -> dict:
    # Worked out once: the actions shown and the refund preview both depend on it.
    relation = access.relation_to(request.user, order)
    actions = selectors.actions_for(order, relation)
    context = {
        "order": order,
        "actions": actions,
        "events": order.events.select_related("actor"),
        "visit_records": order.visit_records.select_related("worker__user", "recorded_by"),
        "payment": getattr(order, "payment", None),
        "refunds": order.payment.refunds.all() if hasattr(order, "payment") else [],
        "verified": visits.is_verified(order),
        "visit_times": visits.visit_times(order),
        "visit_review": getattr(order, "visit_review", None),
        "provider_change": (
            order.provider_changes.filter(status=ProviderChange.Status.PROPOSED)
            .select_related("to_slot__service__provider")
            .first()
            if relation.family or relation.staff
            else None
        ),
        "relation": relation,
        "receipt_explanation": subsidy.explain(
            programme=order.programme, subsidy_fen=order.subsidy_fen, copay_fen=order.copay_fen
        ),
    }
    if "cancel" in actions:
        context["cancel_preview"] = services.cancellation_preview(order, relation=relation)
    if "reschedule" in actions:
        context["reschedule_form"] = RescheduleForm(slots=_open_slots(order.service))
    if "assign" in actions:
        context["assign_form"] = AssignForm(order=order)
    if "check_in" in actions:
        context["check_in_form"] = CheckInForm()
    if "resolve" in actions:
        context["resolve_form"] = ResolveForm()
    if "correct_visit" in actions:
        context["correction_form"] = CorrectionForm()
    return context


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    return render(request, "orders/detail.html", _detail_context(request, order))


@login_required
def live(request: HttpRequest, code: str) -> HttpResponse:
    """The changing part of the order page, fetched again when the order changes."""
    order = _visible(request, code)
    return render(request, "orders/includes/order_live.html", _detail_context(request, order))


@login_required
@require_POST
def accept(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    attempt(
        request,
        lambda: services.accept_order(order=order, by=request.user),
        success=_("Accepted. The family has been told."),
    )
    return redirect(order)


@login_required
@require_POST
def decline(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.decline_order(order=order, by=request.user, reason=reason),
        success=_("Declined. Anything paid is refunded."),
    )
    return redirect(order)


@login_required
@require_POST
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.cancel_order(order=order, by=request.user, reason=reason),
        success=_("The order is cancelled."),
    )
    return redirect(order)


@login_required
@require_POST
def reschedule(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = RescheduleForm(request.POST, slots=_open_slots(order.service))
    if not form.is_valid():
        messages.error(request, _("This time is no longer free. Please choose another."))
        return redirect(order)
    attempt(
        request,
        lambda: services.reschedule_order(
            order=order, by=request.user, slot=form.cleaned_data["slot"]
        ),
        success=_("The new time has been sent to the provider."),
    )
    return redirect(order)


@login_required
@require_POST
def assign(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = AssignForm(request.POST, order=order)
    if not form.is_valid():
        raise PermissionDenied
    attempt(
        request,
        lambda: services.assign_worker(
            order=order, by=request.user, worker=form.cleaned_data["worker"]
        ),
        success=_("The worker has been told."),
    )
    return redirect(order)


@login_required
@require_POST
@rate_limited(VISIT_CODE)
def check_in(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = CheckInForm(request.POST)
    visit_code = form.cleaned_data["visit_code"] if form.is_valid() else ""
    attempt(
        request,
        lambda: visits.check_in(order=order, by=request.user, visit_code=visit_code),
        success=_("Checked in."),
    )
    return redirect(order)


@login_required
@require_POST
def check_out(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    attempt(
        request,
        lambda: visits.check_out(order=order, by=request.user),
        success=_("Checked out. The family is asked to confirm."),
    )
    return redirect(order)


@login_required
@require_POST
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    attempt(
        request,
        lambda: services.confirm_completion(order=order, by=request.user),
        success=_("Thank you. The order is closed."),
    )
    return redirect(order)


@login_required
@require_POST
def no_show(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = ReasonForm(request.POST)
    note = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.report_no_show(order=order, by=request.user, note=note),
        success=_("Recorded. Any refund due is on its way."),
    )
    return redirect(order)


@login_required
@require_POST
def dispute(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = RequiredReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please describe what went wrong."))
        return redirect(order)
    attempt(
        request,
        lambda: services.open_dispute(
            order=order, by=request.user, reason=form.cleaned_data["reason"]
        ),
        success=_("Community staff will look into it."),
    )
    return redirect(order)


@login_required
@require_POST
def resolve(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write down how the dispute was settled."))
        return redirect(order)
    refund = form.cleaned_data["refund"]
    attempt(
        request,
        lambda: services.resolve_dispute(
            order=order,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            refund_fen=fen_from_yuan(refund) if refund else 0,
        ),
        success=_("The dispute is settled."),
    )
    return redirect(order)


@login_required
@require_POST
def confirm_visit(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = ReasonForm(request.POST)
    note = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: visits.confirm_visit_by_staff(order=order, by=request.user, note=note),
        success=_("The visit is confirmed."),
    )
    return redirect(order)


@login_required
@require_POST
def correct_visit(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose the reason and the correct time."))
        return redirect(order)
    attempt(
        request,
        lambda: visits.correct_visit(
            order=order,
            by=request.user,
            reason=form.cleaned_data["reason"],
            at=form.cleaned_data["at"],
            note=form.cleaned_data["note"],
        ),
        success=_("The correction is recorded."),
    )
    return redirect(order)


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    # Tabs are links with ?tab=, so they work without JavaScript (decision 0042).
    tab, counts, orders = selectors.order_tabs(
        Order.objects.for_family_of(request.user), request.GET.get("tab")
    )
    tabs = [
        {"name": name, "label": TAB_LABELS[name], "count": counts[name]}
        for name in selectors.ORDER_TABS
    ]
    orders = orders.select_related("care_recipient", "provider", "service")
    return render(
        request,
        "orders/my_orders.html",
        {
            "orders": Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page")),
            "tab": tab,
            "tabs": tabs,
            "query_string": urlencode({"tab": tab}),
        },
    )


# A resident with years of orders, a provider with a busy week: lists come a page at a time.
PAGE_SIZE = 15


TAB_LABELS = {
    "to_pay": pgettext_lazy("order tab", "To pay"),
    "upcoming": pgettext_lazy("order tab", "Upcoming"),
    "to_review": pgettext_lazy("order tab", "To review"),
    "past": pgettext_lazy("order tab", "Past"),
}


def _receipt_order(request: HttpRequest, code: str) -> Order:
    """Only the family sees the receipt: what they paid is theirs (decision 0042)."""
    order = _visible(request, code)
    if not access.relation_to(request.user, order).family or not selectors.may_have_receipt(order):
        raise Http404
    return order


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    order = _receipt_order(request, code)
    return render(request, "orders/receipt.html", {"receipt": receipts.receipt_for(order)})


@login_required
def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    order = _receipt_order(request, code)
    try:
        document = receipts.receipt_pdf(receipts.receipt_for(order))
    except receipts.NoFont as exc:
        messages.error(request, exc.message)
        return redirect("orders:receipt", code=order.code)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{order.code}.pdf"'
    return response


@login_required
def my_visits(request: HttpRequest) -> HttpResponse:
    visits_list = (
        Order.objects.assigned_to(request.user)
        .select_related("care_recipient", "provider")
        .order_by("starts_at")[:100]
    )
    return render(request, "orders/my_visits.html", {"orders": visits_list})


@login_required
def provider_orders(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(
        Provider.objects.managed_by(request.user).select_related("payout_account"), pk=pk
    )
    today = timezone.localdate()
    orders = Order.objects.filter(provider=provider).select_related(
        "care_recipient", "worker__user"
    )
    todays = orders.filter(
        starts_at__date=today,
        status__in=(Order.Status.CONFIRMED, Order.Status.IN_SERVICE, Order.Status.COMPLETED),
    ).order_by("worker__pk", "starts_at")
    by_worker: dict = {}
    for order in todays:
        by_worker.setdefault(order.worker, []).append(order)
    return render(
        request,
        "orders/provider_orders.html",
        {
            "provider": provider,
            "requests": Paginator(
                orders.filter(status=Order.Status.REQUESTED).order_by("starts_at"), PAGE_SIZE
            ).get_page(request.GET.get("page")),
            # A suspended worker's visits still to come wait for someone else (ADR 0020).
            "to_reassign": orders.filter(
                status__in=WORKER_MAY_BE_SENT, worker__suspended_at__isnull=False
            ).order_by("starts_at"),
            "upcoming": orders.filter(
                status=Order.Status.CONFIRMED, starts_at__date__gt=today
            ).order_by("starts_at")[:50],
            "today_by_worker": by_worker,
            "payout_account": getattr(provider, "payout_account", None),
        },
    )


@login_required
def provider_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The provider's week, one row per worker (and one for visits nobody is sent to yet):
    one-off bookings and care-plan visits alike."""
    provider = get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)
    today = timezone.localdate()
    try:
        asked = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        asked = today
    monday = asked - datetime.timedelta(days=asked.weekday())
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    rows: dict = {}
    for order in rosters.week_of(provider.pk, monday):
        row = rows.setdefault(order.worker, {day: [] for day in days})
        row[timezone.localdate(order.starts_at)].append(order)
    workers = sorted(rows, key=lambda w: (w is None, str(w.user) if w else ""))
    return render(
        request,
        "orders/roster.html",
        {
            "provider": provider,
            "days": days,
            "rows": [(worker, [rows[worker][day] for day in days]) for worker in workers],
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "today": today,
        },
    )


@login_required
def visit_card(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(CareRecipient.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        visits.issue_visit_card(care_recipient=recipient, by=request.user)
        messages.success(request, _("A new card is ready to print; the old one stops working."))
        return redirect("orders:visit_card", pk=recipient.pk)
    card = recipient.visit_cards.filter(revoked_at__isnull=True).order_by("-issued_at").first()
    codes = card.codes.all() if card else []
    return render(
        request, "orders/visit_card.html", {"recipient": recipient, "card": card, "codes": codes}
    )


@login_required
@require_POST
def start_payouts(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)
    base = request.build_absolute_uri("/").rstrip("/")
    back = reverse("orders:payouts_return", kwargs={"pk": provider.pk})
    url = payments.onboarding_link(provider, return_url=base + back, refresh_url=base + back)
    return redirect(url)


@login_required
def payouts_return(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)
    account = getattr(provider, "payout_account", None)
    if account is not None:
        payments.refresh_payout_account(account)
        if account.payouts_enabled:
            messages.success(request, _("Your payout account is ready."))
    return redirect("orders:provider_orders", pk=provider.pk)
