import json
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import CareRecipient
from linli.widgets import DateTimeInput
from marketplace.models import Service, Slot
from marketplace.money import yuan
from orders.models import VisitRecord
from orders.workers import qualified_workers
from providers.models import ProviderMember


class SlotField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, slot: Slot) -> str:
        start = timezone.localtime(slot.starts_at)
        return f"{start:%Y-%m-%d %H:%M} ({slot.places_left})"


class TimeChipField(SlotField):
    """The times of one day, each a chip with its free places (the day is on the strip)."""

    def label_from_instance(self, slot: Slot) -> str:
        start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
        places = slot.places_left
        return ngettext(
            "%(start)s–%(end)s · %(places)d place left",
            "%(start)s–%(end)s · %(places)d places left",
            places,
        ) % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "places": places}


class BookingForm(forms.Form):
    slot = TimeChipField(
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
    # What the page said each person would pay: if the subsidy changes before the form
    # comes back, nothing is booked and the person is told.
    quoted = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, service: Service, user, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        # Whom this account sees is whom it may book for: its family, and for community
        # staff also the people of their communities (assisted ordering).
        self.fields["care_recipient"].queryset = CareRecipient.objects.visible_to(user).order_by(
            "name", "pk"
        )
        if service.unit != Service.Unit.ITEM:
            del self.fields["quantity"]
        if service.venue_id:
            # Served at the venue (shown on the page): there is no home address to give.
            del self.fields["address"]

    def show_quotes(self, quotes: dict) -> None:
        """Put the price each person would pay next to their name (per month where the
        months of the times shown differ), and remember it."""
        self.initial["quoted"] = json.dumps(
            {f"{pk}:{month:%Y-%m}": q.copay_fen for (pk, month), q in quotes.items()}
        )
        if self.is_bound:
            self.data = self.data.copy()
            self.data["quoted"] = self.initial["quoted"]

        def one(recipient: CareRecipient, quote) -> str:
            if quote.subsidy_fen and quote.below_list_price:
                return _(
                    "%(name)s: list price ¥%(list)s, contracted price ¥%(contracted)s, "
                    "subsidy ¥%(subsidy)s, pays ¥%(copay)s"
                ) % {
                    "name": recipient.name,
                    "list": yuan(quote.list_price_fen),
                    "contracted": yuan(quote.price_fen),
                    "subsidy": yuan(quote.subsidy_fen),
                    "copay": yuan(quote.copay_fen),
                }
            if quote.subsidy_fen:
                return _("%(name)s: pays ¥%(copay)s (subsidy ¥%(subsidy)s)") % {
                    "name": recipient.name,
                    "copay": yuan(quote.copay_fen),
                    "subsidy": yuan(quote.subsidy_fen),
                }
            if quote.graded_out:
                return _(
                    "%(name)s: pays ¥%(copay)s (%(programmes)s pays only for providers of a "
                    "higher grade)"
                ) % {
                    "name": recipient.name,
                    "copay": yuan(quote.copay_fen),
                    "programmes": " / ".join(quote.graded_out),
                }
            return _("%(name)s: pays ¥%(copay)s") % {
                "name": recipient.name,
                "copay": yuan(quote.copay_fen),
            }

        def label(recipient: CareRecipient) -> str:
            theirs = sorted((m, q) for (pk, m), q in quotes.items() if pk == recipient.pk)
            if not theirs:
                return f"{recipient.name} ({_('not eligible for this service')})"
            if len({q.copay_fen for _m, q in theirs}) == 1:
                return one(recipient, theirs[0][1])
            by_month = [
                _("%(month)s: ¥%(copay)s") % {"month": f"{m:%Y-%m}", "copay": yuan(q.copay_fen)}
                for m, q in theirs
            ]
            return _("%(name)s: pays %(prices)s (each month's subsidy allowance decides)") % {
                "name": recipient.name,
                "prices": "; ".join(str(p) for p in by_month),
            }

        self.fields["care_recipient"].label_from_instance = label

    def quoted_copay(self, recipient_pk: int, slot) -> int | None:
        """What the page said this person would pay in the month of the chosen time."""
        key = f"{recipient_pk}:{timezone.localdate(slot.starts_at):%Y-%m}"
        try:
            value = json.loads(self.cleaned_data.get("quoted") or "{}").get(key)
        except ValueError:
            return None
        return value if isinstance(value, int) else None


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

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who may go: not suspended, with the papers this service asks for.
        self.fields["worker"].queryset = (
            qualified_workers(order.provider, order.service, timezone.localdate(order.starts_at))
            .select_related("user")
            .order_by("role", "pk")
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
    at = forms.DateTimeField(label=_("Correct time"), widget=DateTimeInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
