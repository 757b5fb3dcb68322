from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CareLink, CareRecipient, ResidentProfile
from communities.models import Region


class CommunityChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("Choose a community"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Region) -> str:
        return obj.full_name


class ResidentProfileForm(forms.ModelForm):
    community = CommunityChoiceField(
        label=_("Community"), queryset=Region.objects.communities(), required=False
    )

    class Meta:
        model = ResidentProfile
        fields = ["phone", "community", "address"]


class CareRecipientForm(forms.ModelForm):
    community = CommunityChoiceField(label=_("Community"), queryset=Region.objects.communities())
    relationship = forms.ChoiceField(
        label=_("This person is my"), choices=CareLink.Relationship.choices
    )

    class Meta:
        model = CareRecipient
        fields = ["name", "birth_date", "phone", "community", "address", "living_alone"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}


class ShareCareRecipientForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of their account"))
    relationship = forms.ChoiceField(
        label=_("They are the recipient's"),
        choices=[c for c in CareLink.Relationship.choices if c[0] != CareLink.Relationship.SELF],
    )
