from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communities.models import Region
from linli.widgets import DateInput, TimeInput
from marketplace.models import Category, DateException, FundingMode, Service, WeeklyHours
from marketplace.money import fen_from_yuan
from marketplace.selectors import SORTS, CatalogueFilters, serving_community
from marketplace.widgets import PlainSelect
from providers.models import Provider

YUAN = {"max_digits": 9, "decimal_places": 2, "min_value": Decimal("0")}


class YuanField(forms.DecimalField):
    """Money as people type it, in yuan with at most two decimals; cleaned to integer fen
    (marketplace.money). An initial value in fen is shown in yuan. `max_digits` counts the
    yuan digits: 12 allows budgets up to ¥9,999,999,999.99."""

    def __init__(self, *, max_digits: int = 9, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{Decimal(value) / 100:.2f}"
        return super().prepare_value(value)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else fen_from_yuan(amount)

    def has_changed(self, initial, data) -> bool:
        return super().has_changed(self.prepare_value(initial), data)


class CommunityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.full_name


class CategoryField(forms.ModelChoiceField):
    loaded: list[Category] | None = None

    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name

    def preload(self) -> list[Category]:
        """Read the categories once: the options, the chosen one and the page's category
        links all come from this list (one query for the catalogue, decision 0046)."""
        self.loaded = list(self.queryset)
        self.choices = [
            ("", self.empty_label),
            *((c.slug, self.label_from_instance(c)) for c in self.loaded),
        ]
        return self.loaded

    def to_python(self, value):
        if self.loaded is None or value in self.empty_values:
            return super().to_python(value)
        for category in self.loaded:
            if category.slug == str(value):
                return category
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = CategoryField(
        label=_("Category"),
        queryset=Category.objects.select_related("parent"),
        required=False,
        empty_label=_("All categories"),
        to_field_name="slug",
        widget=PlainSelect,
    )
    community = CommunityField(
        label=_("Community"),
        queryset=Region.objects.communities().select_related("parent__parent"),
        required=False,
        empty_label=_("All communities"),
        widget=PlainSelect,
    )
    # "Serves my community": shown to a resident with a community (catalogue_body.html).
    mine = forms.BooleanField(label=_("Only services that serve my community"), required=False)
    funding_mode = forms.ChoiceField(
        label=_("Who pays"),
        required=False,
        choices=[("", _("Any"))] + list(FundingMode.choices),
    )
    price_min = forms.DecimalField(label=_("Price from (¥)"), required=False, **YUAN)
    price_max = forms.DecimalField(label=_("Price up to (¥)"), required=False, **YUAN)
    available_on = forms.DateField(label=_("Available on"), required=False, widget=DateInput())
    provider_kind = forms.ChoiceField(
        label=_("Provider"),
        required=False,
        choices=[("", _("Any"))] + list(Provider.Kind.choices),
    )
    min_rating = forms.ChoiceField(
        label=_("Rating"),
        required=False,
        choices=[("", _("Any")), ("3", _("3 stars and up")), ("4", _("4 stars and up"))],
    )
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[
            ("", _("Any")),
            ("A", _("Grade A")),
            ("B", _("Grade B or better")),
            ("C", _("Grade C or better")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("relevance", _("Best match")),
            ("price", _("Price, lowest first")),
            ("-price", _("Price, highest first")),
            ("rating", _("Rating")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        community = self.fields["community"]
        # Plain values for the hundred options; a chosen one is still looked up in the
        # field's queryset when the form is validated.
        community.choices = [("", community.empty_label), *Region.objects.community_choices()]
        self.categories = self.fields["category"].preload()

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The upper price is below the lower one."))
        return data

    def filters(self, *, home: Region | None = None) -> CatalogueFilters:
        data = self.cleaned_data
        grade = data.get("grade") or ""
        return CatalogueFilters(
            query=data.get("q") or "",
            category=data.get("category"),
            community=serving_community(
                mine=bool(data.get("mine")), chosen=data.get("community"), home=home
            ),
            funding_mode=data.get("funding_mode") or "",
            price_min_fen=fen_from_yuan(data["price_min"])
            if data.get("price_min") is not None
            else None,
            price_max_fen=fen_from_yuan(data["price_max"])
            if data.get("price_max") is not None
            else None,
            available_on=data.get("available_on"),
            provider_kind=data.get("provider_kind") or "",
            min_rating=Decimal(data["min_rating"]) if data.get("min_rating") else None,
            grade=grade,
            sort=data.get("sort") if data.get("sort") in SORTS else "relevance",
        )


class ServiceForm(forms.ModelForm):
    category = CategoryField(
        label=_("Category"),
        queryset=Category.objects.filter(parent__isnull=False)
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order"),
    )
    price = forms.DecimalField(label=_("Price (¥)"), **YUAN)
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities"),
        queryset=Region.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "category",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "unit",
            "duration_minutes",
            "funding_mode",
            "communities",
            "required_qualification",
            "min_notice_hours",
            "max_days_ahead",
            "venue",
        ]
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [
        "category",
        "title_zh",
        "title_en",
        "description_zh",
        "description_en",
        "price",
        "unit",
        "funding_mode",
    ]

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = provider.communities.all()
        venue = self.fields["venue"]
        venue.queryset = provider.venues.all()
        venue.empty_label = _("At the person's home")
        venue.help_text = _(
            "A centre-based service (day care, a canteen) is served at one of your venues, "
            "at its sittings, instead of at home."
        )
        if self.instance.pk:
            self.initial["price"] = Decimal(self.instance.price_fen) / 100
            if self.instance.status not in {Service.Status.DRAFT, Service.Status.REJECTED}:
                for name in ("price", "funding_mode"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Changed below, through a review.")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_fen"] = fen_from_yuan(data.pop("price"))
        data.pop("communities")
        return data


class PriceChangeForm(forms.Form):
    price = forms.DecimalField(label=_("New price (¥)"), **YUAN)
    funding_mode = forms.ChoiceField(label=_("Funding mode"), choices=FundingMode.choices)


class WeeklyHoursForm(forms.ModelForm):
    class Meta:
        model = WeeklyHours
        fields = ["weekday", "starts_at", "ends_at", "capacity"]
        widgets = {
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
        }


WeeklyHoursFormSet = forms.formset_factory(WeeklyHoursForm, extra=2, can_delete=True)


class DateExceptionForm(forms.ModelForm):
    class Meta:
        model = DateException
        fields = ["date", "closed", "starts_at", "ends_at", "capacity", "reason"]
        widgets = {
            "date": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
        }
