"""Community staff's view of the orders in their communities: what needs attention first
(disputes, missed visits, confirmed orders of suspended providers to reassign or cancel),
then everything by status. Actions happen on the order's own page, through the same
services as for everyone else."""

from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from cms.workspace.provider_change import ProposeProviderChangeView
from orders.models import Order


class CommunityOrdersView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Orders in my communities")
    header_icon = "list-ul"
    template_name = "cms/workspace/orders.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        orders = Order.objects.in_scope_of(self.request.user).select_related(
            "provider", "care_recipient", "community", "worker__user"
        )
        status = self.request.GET.get("status", "")
        today = timezone.localdate()
        context.update(
            stranded=orders.filter(
                status__in=(Order.Status.REQUESTED, Order.Status.CONFIRMED),
                provider__status="suspended",
            )
            .prefetch_related("provider_changes")
            .order_by("starts_at"),
            disputed=orders.filter(status=Order.Status.DISPUTED).order_by("starts_at"),
            missed=orders.filter(
                Q(status=Order.Status.CONFIRMED, missed_visit_alert_at__isnull=False)
                | Q(status=Order.Status.NO_SHOW, starts_at__date=today)
            ).order_by("starts_at"),
            orders=(
                orders.filter(status=status) if status in Order.Status.values else orders
            ).order_by("-starts_at")[:200],
            statuses=Order.Status.choices,
            status=status,
        )
        return context


class CommunityOrdersViewSet(ViewSet):
    name = "community_orders"
    icon = "list-ul"
    menu_label = gettext_lazy("Orders")
    menu_order = 240
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", CommunityOrdersView.as_view(), name="index"),
            path("<str:code>/move/", ProposeProviderChangeView.as_view(), name="move"),
        ]
