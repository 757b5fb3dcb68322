from types import SimpleNamespace

from django import template

from cms import activities
from cms.forms import RegistrationForm
from cms.models import ActivityPage, ActivityRegistration

register = template.Library()
Status = ActivityRegistration.Status


@register.simple_tag
def activity_places(activity: ActivityPage) -> SimpleNamespace:
    capacity, registered, waiting = activities.places(activity)
    return SimpleNamespace(free=max(capacity - registered, 0), waiting=waiting)


@register.simple_tag
def my_registrations(activity: ActivityPage, user) -> list[ActivityRegistration]:
    return list(
        activities.registrations_of(activity)
        .filter(registered_by=user)
        .exclude(status=Status.CANCELLED)
        .select_related("care_recipient", "registered_by")
    )


@register.simple_tag
def registration_form(user) -> RegistrationForm:
    return RegistrationForm(user=user)
