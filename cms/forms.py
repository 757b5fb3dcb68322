from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, Role
from billing.models import Programme
from cms.notices import Segment
from communities.models import Region
from communities.scoping import communities_scoped_to


class RegistrationForm(forms.Form):
    """For whom: the account holder themself, or one of the people they care for."""

    attendee = forms.ChoiceField(label=_("Who will come"), widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipients = {
            str(recipient.pk): recipient for recipient in CareRecipient.objects.linked_to(user)
        }
        choices = [("self", _("Myself"))] + [
            (pk, recipient.name) for pk, recipient in self.recipients.items()
        ]
        self.fields["attendee"].choices = choices
        self.fields["attendee"].initial = "self"

    def care_recipient(self) -> CareRecipient | None:
        return self.recipients.get(self.cleaned_data["attendee"])


class CommunityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, region: Region) -> str:
        return region.name


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    communities = CommunityChoiceField(
        label=_("Communities"), queryset=Region.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    living_alone = forms.BooleanField(label=_("Only people living alone"), required=False)
    minimum_living_allowance = forms.BooleanField(
        label=_("Only minimum living allowance households"), required=False
    )
    low_income = forms.BooleanField(label=_("Only low-income households"), required=False)
    min_disability_level = forms.IntegerField(
        label=_("Disability level from"), required=False, min_value=1, max_value=4
    )
    min_age = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=120)
    programme = forms.ModelChoiceField(
        label=_("Only people eligible for"), queryset=Programme.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = communities_scoped_to(user, role=Role.COMMUNITY_STAFF)
        self.fields["communities"].queryset = scope.order_by("code")
        self.fields["programme"].queryset = Programme.objects.order_by("name_zh")

    def segment(self) -> Segment:
        data = self.cleaned_data
        return Segment(
            communities=list(data["communities"]),
            living_alone=data["living_alone"],
            minimum_living_allowance=data["minimum_living_allowance"],
            low_income=data["low_income"],
            min_disability_level=data["min_disability_level"],
            min_age=data["min_age"],
            programme=data["programme"],
        )
