"""Community staff's vetting queue: applications oldest first, documents awaiting review,
and the providers in their scope with suspension and reinstatement."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from cms.workspace.access import CommunityStaffMenuItem, StaffOnlyMixin, require_community_staff
from linli.views import attempt
from providers import areas, services
from providers.access import may_decide_application
from providers.models import CommunityRequest, DocumentKind, Provider, ProviderDocument


class QueueView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Provider applications")
    header_icon = "clipboard-list"
    template_name = "cms/workspace/vetting_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        in_scope = Provider.objects.in_scope_of(self.request.user)
        context["applications"] = in_scope.awaiting_review().prefetch_related("communities")
        context["decidable"] = set(
            Provider.objects.decidable_by(self.request.user).values_list("pk", flat=True)
        )
        context["community_requests"] = (
            CommunityRequest.objects.in_scope_of(self.request.user)
            .pending()
            .select_related("provider", "community")
        )
        context["documents"] = (
            ProviderDocument.objects.filter(
                provider__in=in_scope,
                status=ProviderDocument.Status.PENDING,
                provider__status__in=[Provider.Status.APPROVED, Provider.Status.SUSPENDED],
            )
            .select_related("provider", "member__user")
            .order_by("uploaded_at")
        )
        context["providers"] = in_scope.exclude(
            status__in=[Provider.Status.DRAFT, Provider.Status.SUBMITTED]
        ).order_by("status", "name")
        return context


class ProviderReviewView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "clipboard-list"
    template_name = "cms/workspace/vetting_provider.html"

    def get_page_title(self):
        return self.provider.name

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        self.provider = get_object_or_404(
            Provider.objects.in_scope_of(request.user), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("vetting:queue"), "label": _("Provider applications")},
            {"url": "", "label": self.provider.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider = self.provider
        context.update(
            provider=provider,
            documents=provider.documents.select_related("member__user"),
            members=provider.members.select_related("user"),
            events=provider.events.select_related("actor", "document", "member__user")[:100],
            missing=[DocumentKind(kind).label for kind in services.missing_documents(provider)],
            may_decide=may_decide_application(self.request.user, provider),
        )
        return context


class CommunityRequestView(WagtailAdminTemplateMixin, TemplateView):
    """A provider asks to serve one of this staff member's communities: who it is, where it
    already works, and the decision."""

    header_icon = "clipboard-list"
    template_name = "cms/workspace/vetting_community.html"

    def get_page_title(self):
        return _("%(provider)s asks to serve %(community)s") % {
            "provider": self.request_row.provider.name,
            "community": self.request_row.community.name,
        }

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        self.request_row = get_object_or_404(
            CommunityRequest.objects.in_scope_of(request.user).select_related(
                "provider", "community"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("vetting:queue"), "label": _("Provider applications")},
            {"url": "", "label": self.request_row.provider.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider = self.request_row.provider
        context.update(
            community_request=self.request_row,
            provider=provider,
            served=provider.communities.select_related("parent__parent"),
        )
        return context


# Each staff decision: the service to call and the name of its written-reason argument.
DECISIONS = {
    "approve": (services.approve_application, "note"),
    "reject": (services.reject_application, "reason"),
    "request_changes": (services.request_changes, "note"),
    "suspend": (services.suspend_provider, "reason"),
    "reinstate": (services.reinstate_provider, "reason"),
}


@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_community_staff(request.user)
    provider = get_object_or_404(Provider.objects.in_scope_of(request.user), pk=pk)
    if decision not in DECISIONS:
        raise PermissionDenied
    service, text_argument = DECISIONS[decision]
    attempt(
        request,
        lambda: service(
            provider=provider, by=request.user, **{text_argument: request.POST.get("reason", "")}
        ),
        success=_("Decision recorded."),
    )
    return redirect("vetting:detail", pk=provider.pk)


@require_POST
def decide_document(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_community_staff(request.user)
    document = get_object_or_404(
        ProviderDocument.objects.in_scope_of(request.user),
        pk=pk,
    )
    if decision == "approve":
        action = partial(services.approve_document, document=document, by=request.user)
    elif decision == "reject":
        action = partial(
            services.reject_document,
            document=document,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    else:
        raise PermissionDenied
    attempt(request, action, success=_("Decision recorded."))
    return redirect("vetting:detail", pk=document.provider_id)


@require_POST
def decide_community(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_community_staff(request.user)
    community_request = get_object_or_404(CommunityRequest.objects.in_scope_of(request.user), pk=pk)
    if decision == "approve":
        action = partial(
            areas.approve_community_request, request=community_request, by=request.user
        )
    elif decision == "refuse":
        action = partial(
            areas.refuse_community_request,
            request=community_request,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    else:
        raise PermissionDenied
    attempt(request, action, success=_("Decision recorded."))
    return redirect("vetting:community", pk=community_request.pk)


class VettingViewSet(ViewSet):
    name = "vetting"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Provider applications")
    menu_order = 210
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", QueueView.as_view(), name="queue"),
            path("<int:pk>/", ProviderReviewView.as_view(), name="detail"),
            path("<int:pk>/<slug:decision>/", decide, name="decide"),
            path("documents/<int:pk>/<slug:decision>/", decide_document, name="decide_document"),
            path("communities/<int:pk>/", CommunityRequestView.as_view(), name="community"),
            path(
                "communities/<int:pk>/<slug:decision>/",
                decide_community,
                name="decide_community",
            ),
        ]
