"""Residents' and providers' pages for reviews, complaints and beneficiary feedback. Staff
work on them in the workspace (cms.workspace.reviews). Anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import CareRecipient
from linli.refusals import Refusal
from linli.views import attempt
from orders.models import Order
from providers.models import Provider
from reviews import services
from reviews.forms import ComplaintForm, FeedbackForm, ReplyForm, ReviewForm
from reviews.models import Complaint, FeedbackRequest, Review, SpotCheck


@login_required
def write_review(request: HttpRequest, code: str) -> HttpResponse:
    order = get_object_or_404(
        Order.objects.select_related("service", "provider", "care_recipient"),
        code=code,
        booked_by=request.user,
    )
    existing = getattr(order, "review", None)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and existing is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.write_review(
                order=order,
                by=request.user,
                overall=data["overall"],
                punctuality=data["punctuality"],
                attitude=data["attitude"],
                quality=data["quality"],
                text=data["text"],
                photos=data["photos"],
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Thank you. Your review appears once community staff have read it.")
            )
            return redirect(order)
    return render(
        request, "reviews/write_review.html", {"order": order, "form": form, "review": existing}
    )


@login_required
def provider_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)
    reviews = (
        Review.objects.published()
        .filter(provider=provider)
        .select_related("service", "order")
        .prefetch_related("photos__image")
    )
    waiting = provider.reviews.filter(status="pending").count()
    # The outcomes feed the grade; the provider reads them here, not on its own page, which
    # the providers app draws below reviews (decision 0037).
    checks = SpotCheck.objects.managed_by(request.user).filter(provider=provider)
    return render(
        request,
        "reviews/provider_reviews.html",
        {
            "provider": provider,
            "reviews": reviews,
            "waiting": waiting,
            "spot_checks": checks.select_related("order").order_by("-checked_at")[:50],
        },
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.managed_by(request.user), pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write the reply."))
    else:
        attempt(
            request,
            lambda: services.reply_to_review(
                review=review, by=request.user, text=form.cleaned_data["text"]
            ),
            success=_("Your reply is published."),
        )
    return redirect("reviews:provider_reviews", pk=review.provider_id)


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    complaints = Complaint.objects.for_family_of(request.user).select_related(
        "provider", "care_recipient", "order"
    )
    return render(request, "reviews/my_complaints.html", {"complaints": complaints})


def _complaint_order(request: HttpRequest) -> Order | None:
    code = request.GET.get("order") or request.POST.get("order")
    if not code:
        return None
    return get_object_or_404(
        Order.objects.for_family_of(request.user).select_related("provider", "care_recipient"),
        code=code,
    )


@login_required
def file_complaint(request: HttpRequest) -> HttpResponse:
    order = _complaint_order(request)
    recipients = CareRecipient.objects.linked_to(request.user)
    if order is not None:
        recipients = recipients.filter(pk=order.care_recipient_id)
        providers = Provider.objects.filter(pk=order.provider_id)
        initial = {"provider": order.provider_id, "care_recipient": order.care_recipient_id}
    else:
        # Providers serving the communities of the people this account cares for.
        providers = (
            Provider.objects.filter(
                status__in=[Provider.Status.APPROVED, Provider.Status.SUSPENDED],
                communities__in=recipients.values("community"),
            )
            .distinct()
            .order_by("name")
        )
        initial = {"provider": request.GET.get("provider")}
    form = ComplaintForm(
        request.POST or None, initial=initial, recipients=recipients, providers=providers
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.file_complaint(
                by=request.user,
                provider=data["provider"],
                order=order,
                care_recipient=data["care_recipient"],
                category=data["category"],
                description=data["description"],
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your complaint has been sent to community staff, who answer within "
                    "%(hours)s hours."
                )
                % {"hours": services.response_hours()},
            )
            return redirect(complaint)
    return render(request, "reviews/file_complaint.html", {"form": form, "order": order})


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.for_family_of(request.user).select_related(
            "provider", "care_recipient", "order"
        ),
        pk=pk,
    )
    return render(request, "reviews/complaint.html", {"complaint": complaint})


@login_required
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    feedback_request = get_object_or_404(
        FeedbackRequest.objects.for_family_of(request.user).select_related(
            "order__service", "order__care_recipient", "order__provider"
        ),
        token=token,
    )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_feedback(
                request=feedback_request,
                by=request.user,
                happened_as_recorded=data["happened_as_recorded"] == "yes",
                asked_to_pay_extra=data["asked_to_pay_extra"] == "yes",
                comment=data["comment"],
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect("reviews:feedback", token=token)
    return render(request, "reviews/feedback.html", {"feedback": feedback_request, "form": form})
