from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import CareRecipient
from providers.models import Provider
from reviews.models import Complaint

# Stars for the eye, the number for screen readers.
STAR_CHOICES = [(n, "★" * n + f" {n}") for n in range(5, 0, -1)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def star_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "stars"}),
        error_messages={"required": _("Please give from 1 to 5 stars.")},
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleImageInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(upload, initial) for upload in files]


class ReviewForm(forms.Form):
    overall = star_field(_("Overall"))
    punctuality = star_field(_("On time"))
    attitude = star_field(_("Attitude"))
    quality = star_field(_("Quality of the work"))
    text = forms.CharField(
        label=_("In your own words (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(
        label=_("Photos (optional, at most three)"),
        required=False,
        help_text=_("JPEG or PNG pictures."),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your public reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A review is answered once; the reply cannot be changed afterwards."),
    )


class ComplaintForm(forms.Form):
    care_recipient = forms.ModelChoiceField(
        label=pgettext_lazy("the person a complaint is about", "For whom"),
        queryset=CareRecipient.objects.none(),
        empty_label=None,
    )
    provider = forms.ModelChoiceField(
        label=_("About which provider"), queryset=Provider.objects.none()
    )
    category = forms.ChoiceField(
        label=_("What is it about"),
        choices=[
            (value, label) for value, label in Complaint.Category.choices if value != "feedback"
        ],
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=pgettext_lazy("a complaint's description", "What happened"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, recipients, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_recipient"].queryset = recipients
        self.fields["provider"].queryset = providers


class FeedbackForm(forms.Form):
    happened_as_recorded = forms.ChoiceField(
        label=_("Did the service happen as recorded?"), choices=YES_NO, widget=forms.RadioSelect
    )
    asked_to_pay_extra = forms.ChoiceField(
        label=_("Were you asked to pay anything extra?"), choices=YES_NO, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
