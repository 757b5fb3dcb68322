"""The purchaser officer's workspace: dashboard, programmes, monthly statements (issue,
review, exclude, approve, pay, export) and reconciliation. Everything is limited to the
purchasers the officer works for; to anyone else these screens do not exist."""

import datetime
from decimal import Decimal
from functools import partial

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from billing import services as billing_services
from billing.models import Programme, Purchaser
from billing.subsidy import BUDGET_ALERTS
from cms.workspace import contracts, entitlements
from communities.models import Region
from linli.downloads import private_file_response
from linli.refusals import Refusal
from linli.views import attempt
from linli.widgets import DateInput
from marketplace.forms import YuanField
from marketplace.models import Category
from marketplace.money import fen_from_yuan
from providers.models import Provider
from reviews import quality
from statements import exports, figures, jobs, payments, services
from statements.models import LineExclusion, Statement, StatementJob, StatementLine
from statements.reconciliation import reconcile


def require_officer(request: HttpRequest):
    purchasers = Purchaser.objects.visible_to(request.user)
    if not purchasers.exists():
        raise Http404  # docs/decisions/0006: to others these screens do not exist
    return purchasers


class OfficerMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        # Asked once per request, however many of the officer's menu items there are.
        if not hasattr(request, "_linli_is_officer"):
            request._linli_is_officer = Purchaser.objects.visible_to(request.user).exists()
        return request._linli_is_officer


def _month(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        return datetime.date.fromisoformat(f"{raw}-01")
    except ValueError:
        today = timezone.localdate()
        return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _page(request, template: str, title: str, **context) -> HttpResponse:
    context.update(page_title=title, header_title=title, header_icon="doc-full")
    return render(request, f"cms/workspace/{template}", context)


def dashboard(request: HttpRequest) -> HttpResponse:
    purchasers = require_officer(request)
    programmes = Programme.objects.filter(purchaser__in=purchasers).select_related("purchaser")
    month = _month(request)
    shown = figures.figures(purchasers, month)
    return _page(
        request,
        "purchase_dashboard.html",
        _("Purchase of service"),
        budgets=[_budget_bar(p) for p in programmes],
        figures=shown,
        bars=_month_bars([(row.label, row.subsidy_fen) for row in shown.by_month]),
        previous=(month - datetime.timedelta(days=1)).replace(day=1),
        following=services.next_month(month),
    )


BAR_WIDTH, BAR_GAP, CHART_HEIGHT, BUDGET_WIDTH = 50, 28, 140, 160


def _month_bars(by_month) -> list[dict]:
    """Geometry of an SVG bar chart, computed here so the template only draws."""
    top = max([total for _start, total in by_month] + [1])
    bars = []
    for index, (start, total) in enumerate(by_month):
        height = total * CHART_HEIGHT // top
        bars.append(
            {
                "x": index * (BAR_WIDTH + BAR_GAP) + 10,
                "y": 20 + CHART_HEIGHT - height,
                "height": height,
                "month": start,
                "total": total,
            }
        )
    return bars


def _budget_bar(programme: Programme) -> dict:
    budget = max(programme.budget_fen, 1)
    return {
        "programme": programme,
        "spent_px": programme.spent_fen * BUDGET_WIDTH // budget,
        "reserved_px": programme.reserved_fen * BUDGET_WIDTH // budget,
        "percent": (programme.spent_fen + programme.reserved_fen) * 100 // budget,
    }


def statement_list(request: HttpRequest) -> HttpResponse:
    purchasers = require_officer(request)
    month = _month(request)
    existing = Statement.objects.filter(purchaser__in=purchasers, month=month).select_related(
        "provider", "purchaser"
    )
    candidates = []
    for purchaser in purchasers:
        providers = Provider.objects.filter(
            orders__programme__purchaser=purchaser, orders__subsidy_fen__gt=0
        ).distinct()
        for provider in providers:
            billed, held = services.billable_orders(purchaser, provider, month)
            count = billed.count() + held.count()
            if count and not existing.filter(purchaser=purchaser, provider=provider).exists():
                candidates.append(
                    (
                        purchaser,
                        provider,
                        count,
                        billed.aggregate(s=Sum("subsidy_fen", default=0))["s"],
                    )
                )
    return _page(
        request,
        "statement_list.html",
        _("Monthly statements"),
        month=month,
        statements=[(s, services.totals(s)) for s in existing],
        candidates=candidates,
        previous=(month - datetime.timedelta(days=1)).replace(day=1),
        following=services.next_month(month),
    )


@require_POST
def statement_open(request: HttpRequest) -> HttpResponse:
    purchasers = require_officer(request)
    purchaser = get_object_or_404(purchasers, pk=request.POST.get("purchaser"))
    provider = get_object_or_404(Provider, pk=request.POST.get("provider"))
    statement = services.open_statement(
        purchaser=purchaser, provider=provider, month=_month(request), by=request.user
    )
    return redirect("purchase:statement", pk=statement.pk)


def _statement(request: HttpRequest, pk: int) -> Statement:
    return get_object_or_404(
        Statement.objects.visible_to(request.user).select_related("purchaser", "provider"), pk=pk
    )


LINES_PER_PAGE = 100


def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    preview_billed = preview_held = None
    if statement.status == Statement.Status.DRAFT:
        preview_billed, preview_held = services.preview(statement)
        preview_billed = preview_billed.select_related("care_recipient")
        preview_held = preview_held.select_related("care_recipient")
    return _page(
        request,
        "statement_detail.html",
        str(statement),
        statement=statement,
        totals=services.totals(statement),
        # A month of a district's visits runs to 100,000 lines: a page of them at a time.
        lines=Paginator(services.lines_for_export(statement), LINES_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        adjustments=statement.adjustments.select_related("corrects__statement"),
        payment_records=statement.payment_records.select_related("recorded_by", "corrects"),
        today=timezone.localdate(),
        preview_billed=preview_billed,
        preview_held=preview_held,
        reasons=LineExclusion.Reason.choices,
        jobs=jobs.latest_jobs(statement),
    )


STEPS = {
    "issue": jobs.request_issue,
    "review": services.start_review,
    "approve": services.approve_statement,
}


PAYMENT_STEPS = {"pay": payments.record_payment, "correct-payment": payments.correct_payment}


@require_POST
def statement_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    statement = _statement(request, pk)
    if step in PAYMENT_STEPS:
        try:
            paid_on = datetime.date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError:
            messages.error(request, _("Please give the payment date."))
            return redirect("purchase:statement", pk=statement.pk)
        reason = {"reason": request.POST.get("reason", "")} if step == "correct-payment" else {}
        action = partial(
            PAYMENT_STEPS[step],
            statement=statement,
            by=request.user,
            reference=request.POST.get("reference", ""),
            paid_on=paid_on,
            **reason,
        )
    elif step in STEPS:
        action = partial(STEPS[step], statement=statement, by=request.user)
    else:
        raise Http404
    done = _("The statement is being issued.") if step == "issue" else _("Done.")
    attempt(request, action, success=done)
    return redirect("purchase:statement", pk=statement.pk)


def _line(request: HttpRequest, pk: int) -> StatementLine:
    return get_object_or_404(StatementLine.objects.visible_to(request.user), pk=pk)


@require_POST
def line_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    attempt(
        request,
        lambda: services.exclude_line(
            line=line,
            by=request.user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ),
        success=_("The line is excluded."),
    )
    return redirect("purchase:statement", pk=line.statement_id)


@require_POST
def line_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        amount = fen_from_yuan(forms.DecimalField().clean(request.POST.get("amount")))
        adjustment = services.add_adjustment(
            line=line, by=request.user, amount_fen=amount, reason=request.POST.get("reason", "")
        )
    except forms.ValidationError:
        messages.error(request, _("Please give the amount in yuan."))
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The correction is on the statement of %(month)s.")
            % {"month": f"{adjustment.statement.month:%Y-%m}"},
        )
    return redirect("purchase:statement", pk=line.statement_id)


FORMATS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (exports.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def statement_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    statement = _statement(request, pk)
    if fmt not in FORMATS or statement.status == Statement.Status.DRAFT:
        raise Http404
    build, content_type = FORMATS[fmt]
    try:
        body = build(statement)
    except Refusal as exc:
        messages.error(request, exc.message)
        return redirect("purchase:statement", pk=statement.pk)
    response = HttpResponse(body, content_type=content_type)
    name = f"statement-{statement.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the PDF: a task writes it while the statement page shows how far it is."""
    statement = _statement(request, pk)
    attempt(
        request,
        lambda: jobs.request_pdf(statement=statement, by=request.user),
        success=_("The PDF is being written."),
    )
    return redirect("purchase:statement", pk=statement.pk)


def statement_pdf_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(
        StatementJob.objects.visible_to(request.user).filter(
            kind=StatementJob.Kind.PDF, status=StatementJob.Status.DONE
        ),
        pk=pk,
    )
    return private_file_response(
        job.file, content_type="application/pdf", filename=job.file.name.rsplit("/", 1)[-1]
    )


def reconciliation(request: HttpRequest) -> HttpResponse:
    purchasers = require_officer(request)
    month = _month(request)
    reports = [reconcile(purchaser, month) for purchaser in purchasers]
    return _page(
        request,
        "reconciliation.html",
        _("Reconciliation"),
        month=month,
        reports=reports,
        previous=(month - datetime.timedelta(days=1)).replace(day=1),
        following=services.next_month(month),
    )


class ProgrammeForm(forms.ModelForm):
    """A programme's terms, money in yuan. The budget is typed here only when the programme
    is created; afterwards it changes by a recorded adjustment (BudgetForm)."""

    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.filter(parent__isnull=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Categories"),
    )
    fixed_fen = YuanField(
        label=gettext_lazy("Fixed amount per order (yuan)"), required=False, initial=0
    )
    rate_cap_fen = YuanField(
        label=gettext_lazy("Highest unit price recognised (yuan)"), required=False
    )
    monthly_cap_fen = YuanField(
        label=gettext_lazy("Monthly cap per person (yuan)"), required=False, max_digits=12
    )
    budget_fen = YuanField(label=gettext_lazy("Budget (yuan)"), max_digits=12)

    class Meta:
        model = Programme
        # The terms an edit may write, plus what only a new programme sets: its purchaser,
        # categories and first budget.
        fields = ["purchaser", *billing_services.PROGRAMME_TERMS, "categories", "budget_fen"]
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
        }

    def __init__(self, *args, purchasers, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Whose programme it is stays; the budget moves by adjustments only.
            del self.fields["purchaser"]
            del self.fields["budget_fen"]
        else:
            self.fields["purchaser"].queryset = purchasers
        self.fields["region"].queryset = Region.objects.filter(
            Q(pk__in=purchasers.values("region"))
            | Q(parent__in=purchasers.values("region"))
            | Q(parent__parent__in=purchasers.values("region"))
        )

    def clean_fixed_fen(self):
        return self.cleaned_data["fixed_fen"] or 0

    def clean_budget_fen(self):
        budget = self.cleaned_data["budget_fen"]
        if not budget:
            raise forms.ValidationError(_("Please give the programme a budget."))
        return budget


class BudgetForm(forms.Form):
    """A top-up or a cut of the budget, with the reason (billing.services.adjust_budget)."""

    TOP_UP, CUT = "top_up", "cut"
    direction = forms.ChoiceField(
        label=pgettext_lazy("budget", "Change"),
        choices=[
            (TOP_UP, pgettext_lazy("budget", "Top up")),
            (CUT, pgettext_lazy("budget", "Cut")),
        ],
        widget=forms.RadioSelect,
        initial=TOP_UP,
    )
    amount = YuanField(
        label=gettext_lazy("Amount (yuan)"), max_digits=12, min_value=Decimal("0.01")
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("e.g. the bureau's notice of a supplementary allocation"),
    )

    def amount_fen(self) -> int:
        amount = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == self.CUT else amount


def _programme_context(programme: Programme) -> dict:
    return {
        **entitlements.context_for(programme),
        **contracts.context_for(programme),
        "budget": _budget_bar(programme),
        "budget_form": BudgetForm(),
        "alert_rule": _(
            "Officers are told when reserved and spent money reaches %(low)s%% of the "
            "budget, and again at %(high)s%%."
        )
        % dict(zip(("low", "high"), BUDGET_ALERTS, strict=True)),
        "adjustments": programme.budget_adjustments.select_related("by"),
    }


def providers_quality(request: HttpRequest) -> HttpResponse:
    purchasers = require_officer(request)
    rows = quality.quality_of(quality.providers_bought_from(purchasers), timezone.localdate())
    return _page(request, "providers_quality.html", _("Providers we buy from"), rows=rows)


def programme_list(request: HttpRequest) -> HttpResponse:
    purchasers = require_officer(request)
    programmes = Programme.objects.filter(purchaser__in=purchasers).select_related(
        "purchaser", "region"
    )
    return _page(request, "programme_list.html", _("Subsidy programmes"), programmes=programmes)


def _programme(request: HttpRequest, pk: int, purchasers) -> Programme:
    return get_object_or_404(
        Programme.objects.filter(purchaser__in=purchasers).select_related("purchaser"), pk=pk
    )


def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    purchasers = require_officer(request)
    instance = _programme(request, pk, purchasers) if pk else None
    form = ProgrammeForm(request.POST or None, instance=instance, purchasers=purchasers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        terms = {field: data[field] for field in billing_services.PROGRAMME_TERMS}
        saved = []
        if instance:
            action = partial(
                billing_services.update_programme,
                programme=instance,
                terms=terms,
                categories=data["categories"],
                by=request.user,
            )
        else:
            action = partial(
                billing_services.create_programme,
                purchaser=data["purchaser"],
                terms=terms,
                budget_fen=data["budget_fen"],
                categories=data["categories"],
                by=request.user,
            )
        if attempt(request, lambda: saved.append(action()), success=_("The programme is saved.")):
            return redirect("purchase:programme", pk=saved[0].pk)
    title = instance.name if instance else _("New programme")
    extra = _programme_context(instance) if instance else {}
    return _page(request, "programme_form.html", title, form=form, programme=instance, **extra)


@require_POST
def programme_budget(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, require_officer(request))
    form = BudgetForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please choose top up or cut, give the amount in yuan and say why.")
        )
    else:
        attempt(
            request,
            lambda: billing_services.adjust_budget(
                programme=programme,
                amount_fen=form.amount_fen(),
                reason=form.cleaned_data["reason"],
                by=request.user,
            ),
            success=_("The budget is changed and the change is recorded."),
        )
    return redirect(reverse("purchase:programme", kwargs={"pk": programme.pk}) + "#budget")


class PurchaseViewSet(ViewSet):
    name = "purchase"
    icon = "doc-full"
    menu_label = gettext_lazy("Purchase of service")
    menu_order = 250
    add_to_admin_menu = True
    menu_item_class = OfficerMenuItem

    def get_urlpatterns(self):
        return [
            path("", dashboard, name="dashboard"),
            path("statements/", statement_list, name="statements"),
            path("statements/open/", statement_open, name="statement_open"),
            path("statements/<int:pk>/", statement_detail, name="statement"),
            path("statements/<int:pk>/export.<str:fmt>", statement_export, name="export"),
            path("statements/<int:pk>/pdf/", statement_pdf, name="statement_pdf"),
            path("statements/pdf/<int:pk>/", statement_pdf_file, name="statement_pdf_file"),
            path("statements/<int:pk>/<slug:step>/", statement_step, name="statement_step"),
            path("lines/<int:pk>/exclude/", line_exclude, name="line_exclude"),
            path("lines/<int:pk>/adjust/", line_adjust, name="line_adjust"),
            path("reconciliation/", reconciliation, name="reconciliation"),
            path("providers/", providers_quality, name="providers"),
            path("programmes/", programme_list, name="programmes"),
            path("programmes/new/", programme_edit, name="programme_new"),
            path("programmes/<int:pk>/", programme_edit, name="programme"),
            path("programmes/<int:pk>/budget/", programme_budget, name="programme_budget"),
            path(
                "programmes/<int:pk>/entitlement/",
                entitlements.set_entitlement,
                name="programme_entitlement",
            ),
            path(
                "programmes/<int:programme_pk>/contracts/new/",
                contracts.contract_edit,
                name="contract_new",
            ),
            path("contracts/<int:pk>/", contracts.contract_edit, name="contract"),
            path("contracts/<int:pk>/end/", contracts.contract_end, name="contract_end"),
        ]
