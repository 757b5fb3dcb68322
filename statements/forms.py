from django import forms
from django.utils.translation import gettext_lazy as _


class ContestForm(forms.Form):
    """A provider's contest of an excluded line (statements.contests.contest_line)."""

    reason = forms.CharField(
        label=_("Why the line should be paid"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please say why the line should be paid.")},
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG)"),
        help_text=_("e.g. the visit sheet signed by the care recipient, or a photo"),
        error_messages={
            "required": _("Please attach your evidence: a PDF, JPEG or PNG file."),
            "empty": _("The file is empty."),
        },
    )


class ResolveForm(forms.Form):
    """The officer's decision on a contest (statements.contests.resolve_contest)."""

    UPHOLD, CONFIRM = "uphold", "confirm"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (UPHOLD, _("Uphold: pay the line on the next statement")),
            (CONFIRM, _("Confirm the exclusion")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose: uphold or confirm the exclusion.")},
    )
    answer = forms.CharField(
        label=_("Your reasons, for the provider"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the provider your reasons.")},
    )
