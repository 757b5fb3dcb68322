"""Community staff read reviews of orders in their communities before they are published,
and may hide one later, saying why."""

from django.http import Http404, HttpRequest, HttpResponse
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
from reviews import services
from reviews.models import Review


class ModerationQueueView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Reviews to read")
    header_icon = "openquote"
    template_name = "cms/workspace/review_moderation.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = (
            Review.objects.in_scope_of(self.request.user)
            .select_related("order", "provider", "service", "author", "moderated_by")
            .prefetch_related("photos__image")
        )
        context.update(
            pending=reviews.filter(status=Review.Status.PENDING).order_by("created_at"),
            decided=reviews.exclude(status=Review.Status.PENDING).order_by("-moderated_at")[:50],
        )
        return context


@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_community_staff(request.user)
    review = get_object_or_404(Review.objects.in_scope_of(request.user), pk=pk)
    if decision not in ("publish", "hide"):
        raise Http404
    attempt(
        request,
        lambda: services.moderate_review(
            review=review,
            by=request.user,
            publish=decision == "publish",
            reason=request.POST.get("reason", ""),
        ),
        success=_("Decision recorded."),
    )
    return redirect("review_moderation:queue")


class ReviewModerationViewSet(ViewSet):
    name = "review_moderation"
    icon = "openquote"
    menu_label = gettext_lazy("Reviews")
    menu_order = 245
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", ModerationQueueView.as_view(), name="queue"),
            path("<int:pk>/<slug:decision>/", decide, name="decide"),
        ]
