"""What a purchaser's officers see of the quality of the providers its programmes buy from
(decision 0039): the latest confirmed grade, last quarter's complaints and their rate per
100 visits, the state of the organisation's documents and the spot checks passed and
failed. It lives here because only this app sits above orders, providers and billing."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import pgettext_lazy

from billing.contracts import latest_confirmed_grades
from billing.models import Contract
from orders.models import Order
from providers.grading import per_hundred, previous_quarter, quarter_of
from providers.models import Provider, ProviderDocument
from providers.rules import required_for_provider
from reviews.grading import TOOK_PLACE, quarter_bounds
from reviews.models import Complaint, SpotCheck

# The same warning period as the providers' own reminder before a document expires.
EXPIRING_WITHIN = datetime.timedelta(days=30)

DOCUMENTS_VALID = "valid"
DOCUMENTS_EXPIRING = "expiring"
DOCUMENTS_EXPIRED = "expired"
DOCUMENTS_MISSING = "missing"
DOCUMENT_LABELS = {
    DOCUMENTS_VALID: pgettext_lazy("documents", "Valid"),
    DOCUMENTS_EXPIRING: pgettext_lazy("documents", "Expiring within 30 days"),
    DOCUMENTS_EXPIRED: pgettext_lazy("documents", "Expired"),
    DOCUMENTS_MISSING: pgettext_lazy("documents", "Missing"),
}


@dataclass(frozen=True)
class ProviderQuality:
    provider: Provider
    grade: str  # the latest confirmed grade; empty when none has been confirmed
    grade_quarter: datetime.date | None
    visits: int  # last quarter's visits that took place
    complaints: int  # last quarter's complaints, whatever their outcome
    complaints_per_hundred: int
    documents: str  # one of the DOCUMENTS_ states
    spot_checks_passed: int
    spot_checks_failed: int

    @property
    def documents_label(self) -> str:
        return str(DOCUMENT_LABELS[self.documents])


def providers_bought_from(purchasers) -> "list[Provider]":
    """Providers that one of these purchasers' programmes has a contract with, in any month."""
    ids = Contract.objects.filter(programme__purchaser__in=purchasers).values("provider_id")
    return list(Provider.objects.filter(pk__in=ids).order_by("name", "pk"))


def document_state(provider: Provider, today: datetime.date) -> str:
    """The worst state among the organisation documents its kind must hold (approved only)."""
    held: dict[str, datetime.date] = {}
    approved = provider.documents.filter(member=None, status=ProviderDocument.Status.APPROVED)
    for kind, expires_on in approved.values_list("kind", "expires_on"):
        held[kind] = max(expires_on, held.get(kind, expires_on))
    states = set()
    for kind in required_for_provider(provider.kind):
        if kind not in held:
            states.add(DOCUMENTS_MISSING)
        elif held[kind] < today:
            states.add(DOCUMENTS_EXPIRED)
        elif held[kind] < today + EXPIRING_WITHIN:
            states.add(DOCUMENTS_EXPIRING)
    for state in (DOCUMENTS_MISSING, DOCUMENTS_EXPIRED, DOCUMENTS_EXPIRING):
        if state in states:
            return state
    return DOCUMENTS_VALID


def quality_of(providers: list[Provider], today: datetime.date) -> list[ProviderQuality]:
    """One row per provider. Complaints and visits are counted over the last full quarter;
    spot checks over all time, as the grade's history is."""
    start, end = quarter_bounds(previous_quarter(quarter_of(today)))
    ids = [provider.pk for provider in providers]
    visits = dict(
        Order.objects.filter(
            provider_id__in=ids, status__in=TOOK_PLACE, starts_at__gte=start, starts_at__lt=end
        )
        .values_list("provider_id")
        .annotate(count=Count("pk"))
    )
    complaints = dict(
        Complaint.objects.filter(provider_id__in=ids, created_at__gte=start, created_at__lt=end)
        .values_list("provider_id")
        .annotate(count=Count("pk"))
    )
    checks = {
        row["provider_id"]: row
        for row in SpotCheck.objects.filter(provider_id__in=ids)
        .values("provider_id")
        .annotate(
            passed=Count("pk", filter=Q(outcome=SpotCheck.Outcome.PASSED)),
            failed=Count("pk", filter=Q(outcome=SpotCheck.Outcome.FAILED)),
        )
    }
    grades = latest_confirmed_grades(ids)
    rows = []
    for provider in providers:
        grade = grades.get(provider.pk)
        check = checks.get(provider.pk, {})
        rows.append(
            ProviderQuality(
                provider=provider,
                grade=grade[0] if grade else "",
                grade_quarter=grade[1] if grade else None,
                visits=visits.get(provider.pk, 0),
                complaints=complaints.get(provider.pk, 0),
                complaints_per_hundred=per_hundred(
                    complaints.get(provider.pk, 0), visits.get(provider.pk, 0)
                ),
                documents=document_state(provider, today),
                spot_checks_passed=check.get("passed", 0),
                spot_checks_failed=check.get("failed", 0),
            )
        )
    return rows
