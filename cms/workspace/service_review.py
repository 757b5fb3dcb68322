"""Community staff review new services and price or funding-mode changes before they go
live, for the providers in their scope."""

from functools import partial

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from linli.views import attempt
from marketplace import services
from marketplace.models import Category, Service, ServiceChange


class ReviewQueueView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Service reviews")
    header_icon = "tasks"
    template_name = "cms/workspace/service_review.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        in_scope = Service.objects.in_scope_of(self.request.user)
        context["services"] = (
            in_scope.filter(status=Service.Status.PENDING_REVIEW)
            .select_related("provider", "category")
            .prefetch_related("communities")
            .order_by("created_at")
        )
        context["changes"] = (
            ServiceChange.objects.filter(service__in=in_scope, status=ServiceChange.Status.PENDING)
            .select_related("service__provider")
            .order_by("requested_at")
        )
        return context


@require_POST
def decide_service(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_community_staff(request.user)
    service = get_object_or_404(Service.objects.in_scope_of(request.user), pk=pk)
    if decision == "approve":
        action = partial(services.approve_service, service=service, by=request.user)
    elif decision == "reject":
        action = partial(
            services.reject_service,
            service=service,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    else:
        raise Http404
    attempt(request, action, success=_("Decision recorded."))
    return redirect("service_review:queue")


@require_POST
def decide_change(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_community_staff(request.user)
    change = get_object_or_404(
        ServiceChange.objects.in_scope_of(request.user),
        pk=pk,
    )
    if decision == "approve":
        action = partial(services.approve_change, change=change, by=request.user)
    elif decision == "reject":
        action = partial(
            services.reject_change,
            change=change,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    else:
        raise Http404
    attempt(request, action, success=_("Decision recorded."))
    return redirect("service_review:queue")


class ServiceReviewViewSet(ViewSet):
    name = "service_review"
    icon = "tasks"
    menu_label = gettext_lazy("Service reviews")
    menu_order = 220
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", ReviewQueueView.as_view(), name="queue"),
            path("services/<int:pk>/<slug:decision>/", decide_service, name="decide_service"),
            path("changes/<int:pk>/<slug:decision>/", decide_change, name="decide_change"),
        ]


class CategoryViewSet(ModelViewSet):
    """The category tree; staff may add and rename, nobody deletes one in use (PROTECT)."""

    model = Category
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Service categories")
    menu_order = 230
    add_to_admin_menu = True
    form_fields = ["parent", "slug", "name_zh", "name_en", "sort_order"]
    list_display = ["name_zh", "name_en", "parent", "sort_order"]
