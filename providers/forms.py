from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Region
from linli.widgets import DateInput, TimeInput
from providers.areas import pending_communities
from providers.models import DocumentKind, Provider, ProviderMember, Venue
from providers.rules import WORKER_DOCUMENTS, required_for_provider
from providers.services import EDITABLE_FIELDS
from providers.validators import validate_credit_code


class CommunitiesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Region) -> str:
        return obj.full_name


class ProviderDetailsForm(forms.ModelForm):
    communities = CommunitiesField(
        label=_("Communities you serve"), queryset=Region.objects.communities()
    )

    class Meta:
        model = Provider
        fields = [*EDITABLE_FIELDS, "plan_payment", "communities"]
        help_texts = {
            "plan_payment": _(
                "How families pay the visits of their self-paid care plans. One-off bookings "
                "are always paid online."
            ),
        }
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.approved_at is not None:
            # Communities still waiting for staff stay ticked, so saving other details
            # does not withdraw them.
            asked = [c.pk for c in pending_communities(self.instance)]
            served = self.instance.communities.values_list("pk", flat=True)
            self.initial["communities"] = [*served, *asked]
            self.fields["communities"].help_text = _(
                "A community you add is asked for: its staff decide before your services "
                "are offered there."
            )

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"].strip().upper()
        if code:
            validate_credit_code(code)
        return code


class ProviderRegistrationForm(ProviderDetailsForm):
    class Meta(ProviderDetailsForm.Meta):
        fields = ["kind", *EDITABLE_FIELDS, "communities"]


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    member = forms.ModelChoiceField(
        label=_("For worker"),
        queryset=ProviderMember.objects.none(),
        required=False,
        empty_label=_("The organisation"),
        help_text=_("Health certificates and caregiver qualifications belong to a worker."),
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, up to 10 MB."))
    expires_on = forms.DateField(label=_("Valid until"), widget=DateInput())

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [*required_for_provider(provider.kind), *WORKER_DOCUMENTS]
        self.fields["kind"].choices = [(kind, DocumentKind(kind).label) for kind in kinds]
        self.fields["member"].queryset = provider.members.filter(
            role=ProviderMember.Role.WORKER
        ).select_related("user")

    def clean(self):
        data = super().clean()
        kind, member = data.get("kind"), data.get("member")
        if kind in WORKER_DOCUMENTS and member is None:
            self.add_error("member", _("Please choose the worker this document belongs to."))
        if kind and kind not in WORKER_DOCUMENTS and member is not None:
            self.add_error("member", _("This document belongs to the organisation."))
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (ProviderMember.Role.WORKER, ProviderMember.Role.WORKER.label),
            (ProviderMember.Role.MANAGER, ProviderMember.Role.MANAGER.label),
        ],
    )
    gives_eldercare = forms.BooleanField(label=_("Gives eldercare"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG, up to 10 MB."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class VenueForm(forms.ModelForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Region.objects.none())

    class Meta:
        model = Venue
        fields = ["name", "address", "community", "opening_hours"]

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = provider.communities.all()


class SittingForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        coerce=int,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    starts_at = forms.TimeField(label=_("From"), widget=TimeInput())
    minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=720, initial=60
    )
    places = forms.IntegerField(
        label=_("Places per sitting"), min_value=1, max_value=500, initial=20
    )
