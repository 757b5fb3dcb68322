"""The one place that adds staff and purchaser work screens to the Wagtail admin."""

from wagtail import hooks

from cms.workspace.complaints import ComplaintsViewSet
from cms.workspace.eligibility import EligibilityViewSet
from cms.workspace.grades import GradesViewSet
from cms.workspace.moderation import ReviewModerationViewSet
from cms.workspace.orders import CommunityOrdersViewSet
from cms.workspace.purchase import PurchaseViewSet
from cms.workspace.service_review import CategoryViewSet, ServiceReviewViewSet
from cms.workspace.vetting import VettingViewSet


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
def register_eligibility():
    return EligibilityViewSet()


@hooks.register("register_admin_viewset")
def register_review_moderation():
    return ReviewModerationViewSet()


@hooks.register("register_admin_viewset")
def register_complaints():
    return ComplaintsViewSet()


@hooks.register("register_admin_viewset")
def register_grades():
    return GradesViewSet()
