from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CareLink, CareRecipient, ResidentProfile
from communities.models import Region
from linli.fields import BirthDateField, ChineseMobileField


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
        field_classes = {"phone": ChineseMobileField}


class CareRecipientForm(forms.ModelForm):
    community = CommunityChoiceField(label=_("Community"), queryset=Region.objects.communities())
    # Read from the person filling in the form ("I am her daughter"), and no answer chosen
    # for them: a preselected "self" made parents into their own children's accounts.
    relationship = forms.ChoiceField(
        label=_("Who are you to this person?"),
        widget=forms.RadioSelect,
        choices=[
            (CareLink.Relationship.SELF, _("This is me")),
            (CareLink.Relationship.CHILD, _("I am their son or daughter")),
            (CareLink.Relationship.SPOUSE, _("I am their husband or wife")),
            (CareLink.Relationship.RELATIVE, _("I am another relative")),
            (CareLink.Relationship.OTHER, _("Someone else (a neighbour, friend or volunteer)")),
        ],
    )

    class Meta:
        model = CareRecipient
        fields = ["name", "birth_date", "phone", "community", "address", "living_alone"]
        field_classes = {"birth_date": BirthDateField, "phone": ChineseMobileField}


class ShareCareRecipientForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of their account"))
    relationship = forms.ChoiceField(
        label=_("They are the recipient's"),
        choices=[c for c in CareLink.Relationship.choices if c[0] != CareLink.Relationship.SELF],
    )
