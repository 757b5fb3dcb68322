from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField, AbstractFormSubmission
from wagtail.fields import RichTextField
from wagtail.models import PageManager

from cms.models.pages import FallsBackToChinese
from cms.querysets import InChannelsQuerySet


class SurveyField(AbstractFormField):
    page = ParentalKey("cms.SurveyPage", on_delete=models.CASCADE, related_name="form_fields")


class SurveyPage(FallsBackToChinese, AbstractForm):
    """网上调查: a community survey built in the CMS. Residents answer once per account;
    staff see the results as a table and a chart and download them (cms.surveys)."""

    intro = RichTextField(_("introduction"), blank=True)
    thank_you = RichTextField(_("thank-you text"), blank=True)

    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("questions")),
        FieldPanel("thank_you"),
    ]
    parent_page_types = ["cms.CommunityChannelPage"]
    subpage_types: list[str] = []
    template = "cms/survey_page.html"
    landing_page_template = "cms/survey_page_landing.html"

    objects = PageManager.from_queryset(InChannelsQuerySet)()

    class Meta:
        verbose_name = _("survey")

    def get_submission_class(self):
        return SurveyAnswer

    def process_form_submission(self, form):
        from cms import surveys

        return surveys.record_answer(page=self, user=form.user, data=form.cleaned_data)

    def serve(self, request, *args, **kwargs):
        from cms import surveys

        return surveys.serve_survey(self, request, super().serve, *args, **kwargs)


class SurveyAnswer(AbstractFormSubmission):
    """One account's answer to a survey; a second one is refused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_answers"
    )

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "user"],
                name="one_answer_per_account",
                violation_error_message=_("You have already answered this survey."),
            ),
        ]
