"""Surveys (网上调查): one answer per account, and the results for the channel's editors
as counts per choice, a table of every answer, and a CSV file."""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from wagtail.contrib.forms.forms import FormBuilder

from accounts.models import User
from cms.models import SurveyAnswer, SurveyPage

CHOICE_TYPES = {"dropdown", "radio", "checkboxes", "multiselect", "checkbox"}


class AlreadyAnswered(Exception):
    pass


def record_answer(*, page: SurveyPage, user: User, data: dict) -> SurveyAnswer:
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(page=page, user=user, form_data=data)
    except IntegrityError:
        raise AlreadyAnswered from None


def has_answered(page: SurveyPage, user: User) -> bool:
    return SurveyAnswer.objects.filter(page=page, user=user).exists()


def serve_survey(page: SurveyPage, request, serve, *args, **kwargs):
    """Only signed-in people answer (one answer per account); a second visit shows the
    thank-you page instead of the form."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if has_answered(page, request.user):
        return _already(page, request)
    try:
        return serve(request, *args, **kwargs)
    except AlreadyAnswered:  # two tabs sent the form at the same moment
        return _already(page, request)


def _already(page: SurveyPage, request):
    context = page.get_context(request)
    context["already_answered"] = True
    return TemplateResponse(request, page.landing_page_template, context)


@dataclass
class QuestionResult:
    label: str
    counts: list[tuple[str, int, int]]  # choice, answers, percent of respondents
    texts: list[str]


def results(page: SurveyPage) -> tuple[int, list[QuestionResult]]:
    answers = [answer.form_data for answer in SurveyAnswer.objects.filter(page=page)]
    summary = []
    for field in page.get_form_fields():
        values = [answer.get(field.clean_name) for answer in answers]
        if field.field_type in CHOICE_TYPES:
            counter: Counter[str] = Counter()
            for value in values:
                for choice in value if isinstance(value, list) else [value]:
                    if choice not in (None, ""):
                        counter[str(choice)] += 1
            choices = FormBuilder([]).get_formatted_field_choices(field)
            choices = [value for value, _label in choices] or list(counter)
            total = len(answers) or 1
            summary.append(
                QuestionResult(
                    field.label,
                    [
                        (choice, counter[choice], counter[choice] * 100 // total)
                        for choice in choices
                    ],
                    [],
                )
            )
        else:
            summary.append(QuestionResult(field.label, [], [str(v) for v in values if v]))
    return len(answers), summary


def as_csv(page: SurveyPage) -> str:
    fields = list(page.get_form_fields())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["submitted", *[field.label for field in fields]])
    for answer in SurveyAnswer.objects.filter(page=page).order_by("submit_time", "pk"):
        row = [answer.submit_time.isoformat()]
        for field in fields:
            value = answer.form_data.get(field.clean_name, "")
            row.append("; ".join(map(str, value)) if isinstance(value, list) else value)
        writer.writerow(row)
    return "\ufeff" + out.getvalue()  # the BOM lets Excel open Chinese text correctly
