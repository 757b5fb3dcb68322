"""The one place that adds staff and purchaser work screens to the Wagtail admin."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from accounts.middleware import elder_mode_now
from billing import contracting
from billing import services as billing_services
from cms import activities
from cms.models import ActivityPage
from cms.page_scope import pages_in_scope
from cms.workspace.access import CommunityStaffMenuItem
from cms.workspace.applications import ApplicationQueueViewSet
from cms.workspace.assessments import AssessmentsViewSet
from cms.workspace.channels import ChannelWorkViewSet
from cms.workspace.complaints import ComplaintsViewSet
from cms.workspace.contests import ContestsViewSet
from cms.workspace.dashboard import WaitingForYouPanel
from cms.workspace.eligibility import EligibilityViewSet
from cms.workspace.grades import GradesViewSet
from cms.workspace.moderation import ReviewModerationViewSet
from cms.workspace.money import MoneyViewSet
from cms.workspace.orders import CommunityOrdersViewSet
from cms.workspace.purchase import PurchaseViewSet
from cms.workspace.purchasers import PurchasersViewSet
from cms.workspace.service_review import CategoryViewSet, ServiceReviewViewSet
from cms.workspace.spot_checks import SpotChecksViewSet
from cms.workspace.vetting import VettingViewSet
from cms.workspace.visit_reviews import VisitReviewsViewSet


@hooks.register("register_admin_viewset")
def register_vetting():
    return VettingViewSet()


@hooks.register("register_admin_viewset")
def register_service_review():
    return ServiceReviewViewSet()


@hooks.register("register_admin_viewset")
def register_categories():
    return CategoryViewSet()


@hooks.register("register_admin_viewset")
def register_community_orders():
    return CommunityOrdersViewSet()


@hooks.register("register_admin_viewset")
def register_purchase():
    return PurchaseViewSet()


@hooks.register("register_admin_viewset")
def register_contests():
    return ContestsViewSet()


@hooks.register("register_admin_viewset")
def register_purchasers():
    return PurchasersViewSet()


@hooks.register("register_log_actions")
def contract_log_actions(actions):
    """The audit log entries billing.contracting writes on a programme's contracts."""

    class ContractFormatter(LogFormatter):
        def format_message(self, log_entry):
            data = log_entry.data
            if "reason" in data:
                return _("Ends after %(month)s: %(reason)s") % {
                    "month": data.get("last_month", ""),
                    "reason": data.get("reason", ""),
                }
            return _("%(provider)s, %(months)s: %(items)s") % {
                "provider": data.get("provider", ""),
                "months": data.get("months", ""),
                "items": "; ".join(data.get("items") or [str(_("everything, at list price"))]),
            }

    @actions.register_action(contracting.CONTRACT_CREATED)
    class Created(ContractFormatter):
        label = _("Contract a provider")

    @actions.register_action(contracting.CONTRACT_CHANGED)
    class Changed(ContractFormatter):
        label = _("Change a contract")

    @actions.register_action(contracting.CONTRACT_ENDED)
    class Ended(ContractFormatter):
        label = _("End a contract")


@hooks.register("register_log_actions")
def purchaser_log_actions(actions):
    """The audit log entries billing.services writes for purchasers and their officers."""
    actions.register_action(
        billing_services.PURCHASER_CREATED, _("Create purchaser"), _("Purchaser created")
    )

    @actions.register_action(billing_services.OFFICER_APPOINTED)
    class Appointed(LogFormatter):
        label = _("Appoint officer")

        def format_message(self, log_entry):
            return _("Appointed %(officer)s as an officer") % {
                "officer": log_entry.data.get("officer", "")
            }

    @actions.register_action(billing_services.OFFICER_REMOVED)
    class Removed(LogFormatter):
        label = _("Remove officer")

        def format_message(self, log_entry):
            return _("Removed %(officer)s as an officer") % {
                "officer": log_entry.data.get("officer", "")
            }


@hooks.register("register_admin_viewset")
def register_eligibility():
    return EligibilityViewSet()


@hooks.register("register_admin_viewset")
def register_application_queue():
    return ApplicationQueueViewSet()


@hooks.register("register_admin_viewset")
def register_assessments():
    return AssessmentsViewSet()


@hooks.register("register_admin_viewset")
def register_review_moderation():
    return ReviewModerationViewSet()


@hooks.register("register_admin_viewset")
def register_complaints():
    return ComplaintsViewSet()


@hooks.register("register_admin_viewset")
def register_spot_checks():
    return SpotChecksViewSet()


@hooks.register("register_admin_viewset")
def register_money():
    return MoneyViewSet()


@hooks.register("register_admin_viewset")
def register_grades():
    return GradesViewSet()


@hooks.register("register_admin_viewset")
def register_visit_reviews():
    return VisitReviewsViewSet()


@hooks.register("register_admin_viewset")
def register_channel_work():
    return ChannelWorkViewSet()


@hooks.register("register_admin_menu_item")
def care_plans_menu():
    return CommunityStaffMenuItem(
        _("Care plans"), reverse("care:plans"), icon_name="calendar", order=216
    )


@hooks.register("register_admin_menu_item")
def activity_check_in_menu():
    return CommunityStaffMenuItem(
        _("Activity check-in"), reverse("channel_work:activities"), icon_name="date", order=261
    )


@hooks.register("register_admin_menu_item")
def survey_results_menu():
    return CommunityStaffMenuItem(
        _("Survey results"), reverse("channel_work:surveys"), icon_name="form", order=262
    )


@hooks.register("construct_homepage_panels")
def what_waits_for_staff(request, panels):
    if WaitingForYouPanel.is_shown_to(request.user):
        panels.insert(0, WaitingForYouPanel(request.user))


@hooks.register("construct_page_chooser_queryset")
def chooser_shows_pages_in_scope(pages, request):
    return pages_in_scope(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def explorer_shows_pages_in_scope(parent_page, pages, request):
    return pages_in_scope(pages, request.user)


@hooks.register("after_publish_page")
def places_follow_the_published_capacity(request, page):
    """An editor who publishes an activity with another number of places changes them in
    every language; more places move the waiting list up (cms.activities.set_capacity)."""
    activity = page.specific
    if isinstance(activity, ActivityPage):
        activities.set_capacity(activity=activity, by=None, capacity=activity.capacity)


@hooks.register("insert_global_admin_css")
def workspace_css():
    """The workspace's own sizes (targets a finger wide), and elder mode when the person
    chose it on the site: staff who read large text read it in the workspace too."""
    sheets = [format_html('<link rel="stylesheet" href="{}">', static("css/workspace.css"))]
    if elder_mode_now.get():
        sheets.append(
            format_html('<link rel="stylesheet" href="{}">', static("css/workspace-elder.css"))
        )
    return "".join(sheets)
