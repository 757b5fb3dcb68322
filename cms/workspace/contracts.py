"""A programme's contracts with providers, made, changed and ended by its officers from the
programme's page (billing.contracting). Limited to the officer's own purchasers: to anyone
else these screens do not exist (decision 0006)."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from billing import contracting
from billing.models import Contract, ContractItem, Programme, Purchaser
from linli.views import attempt
from marketplace.forms import CategoryField, YuanField
from marketplace.models import Category, FundingMode, Service
from providers.models import Provider

MONTH_FORMAT = "%Y-%m"


class MonthField(forms.DateField):
    """A month, typed as 2026-12; cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT)
    input_formats = [MONTH_FORMAT]


class ServiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.provider.name} · {obj.title}"


class ContractForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Provider"), queryset=Provider.objects.none()
    )
    first_month = MonthField(label=gettext_lazy("First month"))
    last_month = MonthField(label=gettext_lazy("Last month"))
    quota_fen = YuanField(
        label=gettext_lazy("Quota of money (yuan)"),
        max_digits=12,
        required=False,
        help_text=gettext_lazy("What the programme pays this provider in all; empty: no quota."),
    )
    quota_hours = forms.IntegerField(
        label=gettext_lazy("Quota of hours"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Hours of service in all; empty: no quota."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("e.g. the tender's reference"),
    )

    def __init__(self, *args, contract: Contract | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if contract is not None:
            # A contract stays with its provider: another provider is another contract.
            del self.fields["provider"]
        else:
            self.fields["provider"].queryset = Provider.objects.filter(
                status=Provider.Status.APPROVED
            ).order_by("name")


class ItemForm(forms.Form):
    """One contracted line: a service of the provider, or a whole category, at a rate."""

    service = ServiceField(
        label=gettext_lazy("Service"), queryset=Service.objects.none(), required=False
    )
    category = CategoryField(
        label=gettext_lazy("or a whole category"),
        queryset=Category.objects.filter(parent__isnull=False),
        required=False,
    )
    rate_fen = YuanField(
        label=gettext_lazy("Contracted rate (yuan)"),
        required=False,
        help_text=gettext_lazy("Empty: the provider's list price."),
    )
    per = forms.ChoiceField(label=gettext_lazy("Rate per"), choices=ContractItem.Per.choices)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean(self):
        data = super().clean()
        if data.get("service") and data.get("category"):
            raise forms.ValidationError(_("Choose a service or a category, not both."))
        return data

    def terms(self) -> contracting.ItemTerms | None:
        data = self.cleaned_data
        if not (data.get("service") or data.get("category")):
            return None
        return contracting.ItemTerms(
            service=data.get("service"),
            category=data.get("category"),
            rate_fen=data.get("rate_fen"),
            per=data.get("per") or ContractItem.Per.UNIT,
        )


ItemFormSet = forms.formset_factory(ItemForm, extra=3)


def _terms(form: ContractForm, items) -> contracting.ContractTerms:
    data = form.cleaned_data
    hours = data["quota_hours"]
    return contracting.ContractTerms(
        first_month=data["first_month"],
        last_month=data["last_month"],
        items=tuple(t for item in items if (t := item.terms()) is not None),
        quota_fen=data["quota_fen"],
        quota_minutes=None if hours is None else hours * 60,
        note=data["note"],
    )


def _services_for(programme: Programme):
    """Services a contract line may name: approved providers' services the programme may
    subsidise (commercial ones never are)."""
    categories = programme.categories.all()
    return (
        Service.objects.filter(provider__status=Provider.Status.APPROVED)
        .exclude(funding_mode=FundingMode.COMMERCIAL)
        .filter(Q(category__in=categories) | Q(category__parent__in=categories))
        .distinct()
        .select_related("provider")
    )


def _initial(contract: Contract) -> tuple[dict, list[dict]]:
    hours = contract.quota_minutes
    return (
        {
            "first_month": contract.first_month,
            "last_month": contract.last_month,
            "quota_fen": contract.quota_fen,
            "quota_hours": None if hours is None else hours // 60,
            "note": contract.note,
        },
        [
            {
                "service": item.service_id,
                "category": item.category_id,
                "rate_fen": item.rate_fen,
                "per": item.per,
            }
            for item in contract.items.all()
        ],
    )


def _officer_programmes(request: HttpRequest):
    return Programme.objects.filter(purchaser__in=Purchaser.objects.visible_to(request.user))


def contract_edit(
    request: HttpRequest, pk: int | None = None, programme_pk: int | None = None
) -> HttpResponse:
    programmes = _officer_programmes(request)
    contract = None
    if pk is not None:
        contract = get_object_or_404(
            Contract.objects.filter(programme__in=programmes).select_related(
                "programme__purchaser", "provider"
            ),
            pk=pk,
        )
        programme = contract.programme
    else:
        programme = get_object_or_404(programmes.select_related("purchaser"), pk=programme_pk)
    initial, item_initial = _initial(contract) if contract else ({}, [])
    form = ContractForm(request.POST or None, contract=contract, initial=initial)
    items = ItemFormSet(
        request.POST or None,
        initial=item_initial,
        form_kwargs={"services": _services_for(programme)},
    )
    if request.method == "POST" and form.is_valid() and items.is_valid():
        saved = []
        if contract:

            def action():
                return contracting.update_contract(
                    contract=contract, terms=_terms(form, items), by=request.user
                )
        else:

            def action():
                return contracting.create_contract(
                    programme=programme,
                    provider=form.cleaned_data["provider"],
                    terms=_terms(form, items),
                    by=request.user,
                )

        if attempt(request, lambda: saved.append(action()), success=_("The contract is saved.")):
            return redirect("purchase:contract", pk=saved[0].pk)
    title = (
        str(contract)
        if contract
        else _("Contract a provider for %(programme)s") % {"programme": programme.name}
    )
    history = (
        ModelLogEntry.objects.for_instance(contract).select_related("user") if contract else []
    )
    return render(
        request,
        "cms/workspace/contract_form.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "doc-full",
            "programme": programme,
            "contract": contract,
            "form": form,
            "items": items,
            "end_form": EndForm(),
            "history": history,
        },
    )


class EndForm(forms.Form):
    last_month = MonthField(label=gettext_lazy("Last month of the contract"))
    reason = forms.CharField(
        label=gettext_lazy("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


@require_POST
def contract_end(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(
        Contract.objects.filter(programme__in=_officer_programmes(request)), pk=pk
    )
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the contract's last month (like 2026-12) and why."))
    else:
        attempt(
            request,
            lambda: contracting.end_contract(
                contract=contract,
                last_month=form.cleaned_data["last_month"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            ),
            success=_("The contract ends after the month given; the change is recorded."),
        )
    return redirect("purchase:contract", pk=contract.pk)


def context_for(programme: Programme) -> dict:
    """What the programme page shows of its contracts."""
    return {
        "contracts": programme.contracts.select_related("provider").prefetch_related(
            "items__service", "items__category"
        )
    }
