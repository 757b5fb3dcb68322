"""The panel at the top of the staff dashboard: what waits for them in their scope."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from cms.workspace import applications, spot_checks
from cms.workspace.access import is_community_staff
from marketplace.models import Service, ServiceChange
from orders import settling
from orders.models import Order
from providers.models import CommunityRequest, Provider, ProviderDocument
from reviews.models import Complaint, Review

NEAR_DEADLINE = datetime.timedelta(hours=12)


class WaitingForYouPanel(Component):
    name = "waiting_for_you"
    order = 10
    template_name = "cms/workspace/waiting_panel.html"

    def __init__(self, user):
        self.user = user

    @staticmethod
    def is_shown_to(user) -> bool:
        return is_community_staff(user)

    def get_context_data(self, parent_context=None):
        user = self.user
        now = timezone.now()
        providers = Provider.objects.in_scope_of(user)
        services = Service.objects.in_scope_of(user)
        complaints = Complaint.objects.in_scope_of(user).filter(closed_at__isnull=True)
        today = timezone.localdate()
        rows = [
            (
                _("Provider applications"),
                # Only the applications this person may decide wait for them.
                Provider.objects.decidable_by(user).awaiting_review().count()
                + ProviderDocument.objects.filter(
                    provider__in=providers, status=ProviderDocument.Status.PENDING
                ).count()
                + CommunityRequest.objects.in_scope_of(user).pending().count(),
                reverse("vetting:queue"),
            ),
            (
                _("Services and changes to review"),
                services.filter(status=Service.Status.PENDING_REVIEW).count()
                + ServiceChange.objects.filter(
                    service__in=services, status=ServiceChange.Status.PENDING
                ).count(),
                reverse("service_review:queue"),
            ),
            (
                _("Complaints due within 12 hours or overdue"),
                complaints.filter(due_at__lt=now + NEAR_DEADLINE).count(),
                reverse("complaints:index"),
            ),
            (
                _("Call-backs and follow-ups of spot checks"),
                spot_checks.waiting_count(user),
                reverse("spot_checks:index"),
            ),
            (
                _("Missed visits today"),
                Order.objects.in_scope_of(user)
                .filter(
                    Q(status=Order.Status.CONFIRMED, missed_visit_alert_at__isnull=False)
                    | Q(status=Order.Status.NO_SHOW),
                    starts_at__date=today,
                )
                .count(),
                reverse("community_orders:index"),
            ),
            (
                _("Refunds Stripe could not make"),
                settling.refunds_for_staff(user).count(),
                reverse("money:index"),
            ),
            (
                _("Subsidy applications to decide"),
                applications.to_decide(user).count(),
                reverse("application_queue:queue"),
            ),
            (
                _("Needs assessments that applications wait for"),
                applications.to_assess(user).count(),
                reverse("assessments:queue"),
            ),
            (
                _("Reviews to read"),
                Review.objects.in_scope_of(user).filter(status=Review.Status.PENDING).count(),
                reverse("review_moderation:queue"),
            ),
        ]
        return {"rows": rows}
