"""The applicant's forms; the rules are in billing.applications."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from billing.applications import programmes_open_to
from billing.models import Programme


class ApplicationForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"))
    file = forms.FileField(
        label=_("Evidence"),
        help_text=_(
            "A PDF, JPEG or PNG: an ID card, a minimum living allowance certificate, a "
            "disability certificate…"
        ),
    )
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Anything staff should know"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, recipient: CareRecipient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_open_to(recipient, timezone.localdate())

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "programme": data["programme"],
            "upload": data["file"],
            "description": data["description"],
            "note": data["note"],
        }
