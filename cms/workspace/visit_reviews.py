"""Community staff review the visits of their communities that fell outside the limits
(too short, too long, checked in far from the booked start): confirm with a reason, or
reject (ADR 0019). Each decision goes through one orders service."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from linli.views import attempt
from orders import visits
from orders.models import Order, VisitReview


def reviews_in_scope(user):
    return VisitReview.objects.filter(order__in=Order.objects.in_scope_of(user)).select_related(
        "order__care_recipient", "order__provider", "order__worker__user", "decided_by"
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class VisitReviewsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Visits to review")
    header_icon = "time"
    template_name = "cms/workspace/visit_reviews.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = reviews_in_scope(self.request.user)
        pending = reviews.filter(status=VisitReview.Status.PENDING).order_by("opened_at")
        context.update(
            pending=[
                {
                    "review": review,
                    "times": review.order.visit_records.filter(
                        kind__in=("check_in", "check_out")
                    ).order_by("pk"),
                    "form": DecisionForm(prefix=f"review-{review.pk}"),
                }
                for review in pending
            ],
            decided=reviews.exclude(status=VisitReview.Status.PENDING).order_by("-decided_at")[
                :100
            ],
        )
        return context


def _decide(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    require_community_staff(request.user)
    review = get_object_or_404(reviews_in_scope(request.user), pk=pk)
    form = DecisionForm(request.POST, prefix=f"review-{review.pk}")
    if not form.is_valid():
        messages.error(request, _("Please give the reason for your decision."))
        return redirect("visit_reviews:index")
    attempt(
        request,
        lambda: service(order=review.order, by=request.user, reason=form.cleaned_data["reason"]),
        success=success,
    )
    return redirect("visit_reviews:index")


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        visits.confirm_reviewed_visit,
        _("The visit is confirmed and may be billed."),
    )


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        visits.reject_reviewed_visit,
        _("The visit is rejected and will not be billed to the purchaser."),
    )


class VisitReviewsViewSet(ViewSet):
    name = "visit_reviews"
    icon = "time"
    menu_label = gettext_lazy("Visits to review")
    menu_order = 245
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", VisitReviewsView.as_view(), name="index"),
            path("<int:pk>/confirm/", confirm, name="confirm"),
            path("<int:pk>/reject/", reject, name="reject"),
        ]
