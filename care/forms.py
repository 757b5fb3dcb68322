from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from billing.models import Eligibility, Programme
from care.models import CarePlan
from care.patterns import VisitPattern
from linli.widgets import DateInput, TimeInput
from marketplace.models import Service, WeeklyHours
from orders import saved_cards
from providers.models import Provider

DATE = DateInput()
LINES = 4


class PlanForm(forms.Form):
    """A new plan: the provider first (its services fill the weekly lines), then up to
    four weekly visits."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), label=_("Provider"))
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        label=_("Paid by the programme"),
        required=False,
        empty_label=_("Nobody: the family pays (self-paid series)"),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day (optional)"), widget=DATE, required=False)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea({"rows": 2}))
    notes = forms.CharField(
        label=_("Notes for carers"), required=False, widget=forms.Textarea({"rows": 2})
    )

    pays_by = forms.ChoiceField(
        label=_("How the family pays each visit"),
        choices=CarePlan.PaysBy.choices,
        initial=CarePlan.PaysBy.DOOR,
        widget=forms.RadioSelect,
        help_text=_(
            "With the saved card, each visit is charged a day and a half before it; a visit "
            "cancelled before then costs nothing."
        ),
    )

    def __init__(
        self, *args, recipient: CareRecipient, staff: bool, provider=None, card=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        ways = []
        if provider is None or saved_cards.provider_takes_door(provider):
            ways.append((CarePlan.PaysBy.DOOR, CarePlan.PaysBy.DOOR.label))
        if card is not None and (provider is None or saved_cards.provider_takes_card(provider)):
            label = _("With the saved card (%(brand)s ending %(last4)s)") % {
                "brand": card.brand.title(),
                "last4": card.last4,
            }
            ways.append((CarePlan.PaysBy.CARD, label))
        self.fields["pays_by"].choices = ways
        if ways:
            self.fields["pays_by"].initial = ways[0][0]
        if staff:
            del self.fields["pays_by"]  # staff plans are paid at the door
        self.fields["provider"].queryset = Provider.objects.filter(
            status=Provider.Status.APPROVED, communities=recipient.community_id
        ).order_by("name")
        if staff:
            self.fields["programme"].queryset = Programme.objects.filter(
                pk__in=Eligibility.objects.filter(
                    care_recipient=recipient, revoked_at__isnull=True
                ).values("programme_id")
            )
        else:
            del self.fields["programme"]
        services = Service.objects.bookable().filter(communities=recipient.community_id)
        services = services.filter(provider=provider) if provider else services.none()
        for n in range(LINES):
            self.fields[f"service_{n}"] = forms.ModelChoiceField(
                queryset=services, label=_("Service"), required=False
            )
            self.fields[f"weekday_{n}"] = forms.TypedChoiceField(
                choices=[("", "—"), *WeeklyHours.Weekday.choices],
                coerce=int,
                empty_value=None,
                label=_("Weekday"),
                required=False,
            )
            self.fields[f"time_{n}"] = forms.TimeField(
                label=_("Time"), required=False, widget=TimeInput()
            )

    def lines(self) -> list[list]:
        return [
            [self[f"service_{n}"], self[f"weekday_{n}"], self[f"time_{n}"]] for n in range(LINES)
        ]

    def patterns(self) -> list[VisitPattern]:
        data = self.cleaned_data
        patterns = []
        for n in range(LINES):
            service, weekday, time = (data.get(f"{f}_{n}") for f in ("service", "weekday", "time"))
            if service and weekday is not None and time:
                patterns.append(VisitPattern(service, weekday, time))
            elif service or time:
                raise forms.ValidationError(
                    _("Visit %(n)s needs a service, a weekday and a time.") % {"n": n + 1}
                )
        return patterns


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PauseForm(ReasonForm):
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)


class EndForm(ReasonForm):
    last_day = forms.DateField(label=_("Last day of visits"), widget=DATE)
