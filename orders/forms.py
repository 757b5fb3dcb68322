from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from marketplace.models import Service, Slot
from orders.models import VisitRecord
from providers.models import ProviderMember


class SlotField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, slot: Slot) -> str:
        start = timezone.localtime(slot.starts_at)
        return f"{start:%Y-%m-%d %H:%M} ({slot.places_left})"


class BookingForm(forms.Form):
    slot = SlotField(
        label=_("Time"),
        queryset=Slot.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("This time is no longer free. Please choose another.")},
    )
    care_recipient = forms.ModelChoiceField(
        label=_("For whom"),
        queryset=CareRecipient.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=20, initial=1)
    address = forms.CharField(
        label=_("Service address"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the address of the person the service is for."),
    )
    notes = forms.CharField(
        label=_("Notes for the provider"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, service: Service, user, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["care_recipient"].queryset = CareRecipient.objects.linked_to(user)
        if service.unit != Service.Unit.ITEM:
            del self.fields["quantity"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What happened"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RescheduleForm(forms.Form):
    slot = SlotField(label=_("New time"), queryset=Slot.objects.none(), empty_label=None)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, member: ProviderMember) -> str:
        return f"{member.user} ({member.get_role_display()})"


class AssignForm(forms.Form):
    worker = MemberField(label=_("Worker"), queryset=ProviderMember.objects.none())

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = provider.members.select_related("user").order_by(
            "role", "pk"
        )


class CheckInForm(forms.Form):
    visit_code = forms.CharField(
        label=_("Code from the card at home"),
        required=False,
        max_length=6,
        help_text=_("If the person has a code card, type the next unused code."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label=_("How it was settled"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    refund = forms.DecimalField(
        label=_("Refund to the resident (¥)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
    )


class CorrectionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=VisitRecord.Correction.choices)
    at = forms.DateTimeField(
        label=_("Correct time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
