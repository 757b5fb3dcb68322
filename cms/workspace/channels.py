"""Community staff's channel work in the Wagtail admin: targeted notices (compose, see the
reach, send, see who read), activity check-in lists and survey results, each limited to the
communities in their scope."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from accounts.models import User
from cms import activities, notices, surveys
from cms.forms import NoticeForm
from cms.models import ActivityPage, ActivityRegistration, SurveyPage, TargetedNotice
from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from linli.refusals import Refusal
from linli.views import attempt


class StaffView(WagtailAdminTemplateMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Views about one object fetch it here, within the user's scope."""


class NoticesView(StaffView):
    page_title = gettext_lazy("Targeted notices")
    header_icon = "mail"
    template_name = "cms/workspace/notices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = NoticeForm(self.request.POST or None, user=self.request.user)
        reach = None
        if self.request.method == "POST" and form.is_valid():
            reach = notices.preview(form.segment())
        sent = TargetedNotice.objects.in_scope_of(self.request.user).select_related("sent_by")
        context.update(form=form, reach=reach, sent=sent[:50])
        return context

    def post(self, request, *args, **kwargs):
        if "send" not in request.POST:
            return self.get(request, *args, **kwargs)  # "how many would it reach?"
        form = NoticeForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = notices.send_notice(
                    by=request.user, title=data["title"], body=data["body"], segment=form.segment()
                )
            except Refusal as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("The notice has been sent to %(reach)s accounts.") % {"reach": notice.reach},
                )
                return redirect("channel_work:notice", pk=notice.pk)
        return self.get(request, *args, **kwargs)


class NoticeDetailView(StaffView):
    header_icon = "mail"
    template_name = "cms/workspace/notice_detail.html"

    def get_page_title(self):
        return self.notice.title

    def load(self, **kwargs) -> None:
        self.notice = get_object_or_404(
            TargetedNotice.objects.in_scope_of(self.request.user), pk=kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deliveries = self.notice.deliveries.select_related("user").order_by("read_at", "pk")
        context.update(
            notice=self.notice,
            deliveries=deliveries,
            read=sum(1 for delivery in deliveries if delivery.read_at),
            communities=self.notice.communities.all(),
        )
        return context


class ActivitiesView(StaffView):
    page_title = gettext_lazy("Activity check-in")
    header_icon = "date"
    template_name = "cms/workspace/activities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activities"] = ActivityPage.objects.in_scope_of(self.request.user).order_by(
            "-starts_at"
        )[:50]
        return context


class ActivityDetailView(StaffView):
    header_icon = "date"
    template_name = "cms/workspace/activity_detail.html"

    def get_page_title(self):
        return self.activity.title

    def load(self, **kwargs) -> None:
        self.activity = get_object_or_404(
            ActivityPage.objects.in_scope_of(self.request.user), pk=kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = activities.registrations_of(self.activity).select_related(
            "registered_by", "care_recipient"
        )
        context.update(
            activity=self.activity,
            capacity=activities.places(self.activity)[0],
            registered=registrations.filter(status=ActivityRegistration.Status.REGISTERED),
            waiting=registrations.filter(status=ActivityRegistration.Status.WAITING),
        )
        return context


@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    require_community_staff(request.user)
    registration = get_object_or_404(
        ActivityRegistration.objects.filter(
            activity__in=ActivityPage.objects.in_scope_of(request.user)
        ),
        pk=pk,
    )
    attempt(request, lambda: activities.check_in(registration=registration, by=request.user))
    return redirect(reverse("channel_work:activity", args=[registration.activity_id]))


def _activity_in_scope(request: HttpRequest, pk: int) -> ActivityPage:
    require_community_staff(request.user)
    return get_object_or_404(ActivityPage.objects.in_scope_of(request.user), pk=pk)


@require_POST
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff write down someone who came or phoned: by the e-mail of their account, or by
    name and phone."""
    activity = _activity_in_scope(request, pk)
    email = request.POST.get("email", "").strip()
    person = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if email and person is None:
        messages.error(request, _("No account has this e-mail address."))
    else:
        attempt(
            request,
            lambda: activities.register_walk_in(
                activity=activity,
                by=request.user,
                person=person,
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
            ),
            success=_("Registered."),
        )
    return redirect(reverse("channel_work:activity", args=[activity.pk]))


@require_POST
def change_places(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_in_scope(request, pk)
    try:
        capacity = int(request.POST.get("capacity", ""))
    except ValueError:
        messages.error(request, _("Please give the number of places."))
    else:
        attempt(
            request,
            lambda: activities.set_capacity(activity=activity, by=request.user, capacity=capacity),
            success=_("The number of places is saved."),
        )
    return redirect(reverse("channel_work:activity", args=[activity.pk]))


class SurveysView(StaffView):
    page_title = gettext_lazy("Survey results")
    header_icon = "form"
    template_name = "cms/workspace/surveys.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["surveys"] = SurveyPage.objects.in_scope_of(self.request.user).order_by("-pk")
        return context


class SurveyResultsView(StaffView):
    header_icon = "form"
    template_name = "cms/workspace/survey_results.html"

    def get_page_title(self):
        return self.survey.title

    def load(self, **kwargs) -> None:
        self.survey = get_object_or_404(
            SurveyPage.objects.in_scope_of(self.request.user), pk=kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answered, questions = surveys.results(self.survey)
        context.update(survey=self.survey, answered=answered, questions=questions)
        return context


def survey_csv(request: HttpRequest, pk: int) -> HttpResponse:
    require_community_staff(request.user)
    survey = get_object_or_404(SurveyPage.objects.in_scope_of(request.user), pk=pk)
    response = HttpResponse(surveys.as_csv(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response


class ChannelWorkViewSet(ViewSet):
    name = "channel_work"
    icon = "mail"
    menu_label = gettext_lazy("Targeted notices")
    menu_order = 260
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", NoticesView.as_view(), name="notices"),
            path("notices/<int:pk>/", NoticeDetailView.as_view(), name="notice"),
            path("activities/", ActivitiesView.as_view(), name="activities"),
            path("activities/<int:pk>/", ActivityDetailView.as_view(), name="activity"),
            path("activities/<int:pk>/walk-in/", walk_in, name="walk_in"),
            path("activities/<int:pk>/places/", change_places, name="change_places"),
            path("registrations/<int:pk>/check-in/", check_in, name="check_in"),
            path("surveys/", SurveysView.as_view(), name="surveys"),
            path("surveys/<int:pk>/", SurveyResultsView.as_view(), name="survey"),
            path("surveys/<int:pk>/csv/", survey_csv, name="survey_csv"),
        ]
