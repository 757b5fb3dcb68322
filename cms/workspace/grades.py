"""Community staff confirm each quarter's proposed grades of the providers in their scope,
with a note; the figures behind each score are shown beside it."""

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
from providers import services
from providers.models import ProviderGrade

GRADES = [(grade, grade) for grade in "ABCD"]

# The figures in the order the formula applies them (providers.grading.score).
FIGURE_LABELS = {
    "visits": gettext_lazy("Visits"),
    "rating_average": gettext_lazy("Average rating"),
    "rating_count": gettext_lazy("Number of ratings"),
    "upheld_complaints": gettext_lazy("Upheld complaints"),
    "provider_no_shows": gettext_lazy("Visits the provider missed"),
    "late_check_ins": gettext_lazy("Check-ins more than 15 minutes late"),
    "verification_exceptions": gettext_lazy("Visits not verified or corrected"),
    "negative_feedback": gettext_lazy("Families answering “no” in feedback"),
    "failed_spot_checks": gettext_lazy("Failed spot checks"),
    "expired_documents": gettext_lazy("Documents that ran out without renewal"),
}


class ConfirmForm(forms.Form):
    confirmed = forms.ChoiceField(label=gettext_lazy("Grade"), choices=GRADES)
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class GradesView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Provider grades")
    header_icon = "pick"
    template_name = "cms/workspace/grades.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grades = ProviderGrade.objects.in_scope_of(self.request.user).select_related(
            "provider", "confirmed_by"
        )
        waiting = grades.filter(confirmed="").order_by("-quarter", "score")
        context.update(
            waiting=[
                {
                    "grade": grade,
                    "figures": [
                        (label, grade.inputs.get(key)) for key, label in FIGURE_LABELS.items()
                    ],
                    "form": ConfirmForm(
                        initial={"confirmed": grade.proposed}, prefix=f"grade-{grade.pk}"
                    ),
                }
                for grade in waiting
            ],
            confirmed=grades.exclude(confirmed="").order_by("-quarter", "provider__name")[:100],
        )
        return context


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require_community_staff(request.user)
    grade = get_object_or_404(ProviderGrade.objects.in_scope_of(request.user), pk=pk)
    form = ConfirmForm(request.POST, prefix=f"grade-{grade.pk}")
    if not form.is_valid():
        messages.error(request, _("Please choose a grade and add a note."))
        return redirect("grades:index")
    attempt(
        request,
        lambda: services.confirm_grade(grade=grade, by=request.user, **form.cleaned_data),
        success=_("Grade confirmed."),
    )
    return redirect("grades:index")


class GradesViewSet(ViewSet):
    name = "grades"
    icon = "pick"
    menu_label = gettext_lazy("Provider grades")
    menu_order = 215
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", GradesView.as_view(), name="index"),
            path("<int:pk>/confirm/", confirm, name="confirm"),
        ]
