"""The officer's doors to a programme's contracts with providers (合同): make one, change
its terms, end it. Every change is in Wagtail's audit log on the contract (decision 0033).
What a contract does to a booking's price is billing.contracts and billing.subsidy."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts.models import User
from billing.exceptions import BillingError
from billing.models import Contract, ContractItem, Programme
from billing.services import is_officer
from marketplace.models import Category, Service
from marketplace.money import yuan
from providers.models import Provider

CONTRACT_CREATED = "linli.contract.create"
CONTRACT_CHANGED = "linli.contract.change"
CONTRACT_ENDED = "linli.contract.end"


@dataclass(frozen=True)
class ItemTerms:
    """One service or category the contract covers, at a rate (None: its list price)."""

    service: Service | None = None
    category: Category | None = None
    rate_fen: int | None = None
    per: str = ContractItem.Per.UNIT

    def describe(self) -> str:
        what = str(self.service or self.category)
        if self.rate_fen is None:
            return f"{what}: {_('list price')}"
        return f"{what}: ¥{yuan(self.rate_fen)} {ContractItem.Per(self.per).label}"


@dataclass(frozen=True)
class ContractTerms:
    first_month: datetime.date
    last_month: datetime.date
    items: tuple[ItemTerms, ...] = ()
    quota_fen: int | None = None
    quota_minutes: int | None = None
    note: str = ""


def _require_officer(by: User, programme: Programme) -> None:
    if not is_officer(by, programme.purchaser):
        raise PermissionDenied


def _check_terms(programme: Programme, provider: Provider, terms: ContractTerms) -> None:
    if terms.first_month.day != 1 or terms.last_month.day != 1:
        raise BillingError(_("A contract runs for whole months: give the first and last month."))
    if terms.last_month < terms.first_month:
        raise BillingError(_("The contract's last month is before its first month."))
    if not (
        programme.valid_from.replace(day=1) <= terms.first_month
        and terms.last_month <= programme.valid_until.replace(day=1)
    ):
        raise BillingError(
            _("A contract runs within its programme's period, %(start)s to %(end)s.")
            % {"start": f"{programme.valid_from:%Y-%m}", "end": f"{programme.valid_until:%Y-%m}"}
        )
    for item in terms.items:
        if (item.service is None) == (item.category is None):
            raise BillingError(_("Each contracted line names a service or a category, not both."))
        if item.service is not None and item.service.provider_id != provider.pk:
            raise BillingError(
                _("%(service)s is not a service of %(provider)s.")
                % {"service": item.service.title, "provider": provider.name}
            )
        if item.rate_fen == 0:
            raise BillingError(
                _("A contracted rate is more than ¥0 (leave it empty for the list price).")
            )
    if terms.quota_fen == 0 or terms.quota_minutes == 0:
        raise BillingError(_("A quota is more than nothing (leave it empty for no quota)."))


def _check_no_overlap(
    programme: Programme, provider: Provider, terms: ContractTerms, *, other_than: int | None
) -> None:
    overlapping = Contract.objects.filter(
        programme=programme,
        provider=provider,
        first_month__lte=terms.last_month,
        last_month__gte=terms.first_month,
    ).exclude(pk=other_than)
    if overlapping.exists():
        raise BillingError(
            _(
                "%(provider)s already has a contract with this programme for some of these "
                "months: change that contract instead."
            )
            % {"provider": provider.name}
        )


def _write_items(contract: Contract, items: tuple[ItemTerms, ...]) -> None:
    contract.items.all().delete()
    ContractItem.objects.bulk_create(
        ContractItem(
            contract=contract,
            service=item.service,
            category=item.category,
            rate_fen=item.rate_fen,
            per=item.per,
        )
        for item in items
    )


def _log(contract: Contract, action: str, by: User, terms: ContractTerms, **extra) -> None:
    log(
        instance=contract,
        action=action,
        user=by,
        data={
            "provider": contract.provider.name,
            "months": f"{terms.first_month:%Y-%m} – {terms.last_month:%Y-%m}",
            "items": [item.describe() for item in terms.items],
            "quota_fen": terms.quota_fen,
            "quota_minutes": terms.quota_minutes,
            **extra,
        },
    )


@transaction.atomic
def create_contract(
    *, programme: Programme, provider: Provider, terms: ContractTerms, by: User
) -> Contract:
    """An officer contracts a provider for a programme: from then on the programme pays for
    the contracted services of that provider, at the contracted rates."""
    _require_officer(by, programme)
    # The programme's row is the lock under which two officers cannot both contract the
    # same provider for the same months.
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not provider.is_vetted:
        raise BillingError(
            _("%(provider)s is not an approved provider.") % {"provider": provider.name}
        )
    _check_terms(programme, provider, terms)
    _check_no_overlap(programme, provider, terms, other_than=None)
    contract = Contract.objects.create(
        programme=programme,
        provider=provider,
        first_month=terms.first_month,
        last_month=terms.last_month,
        quota_fen=terms.quota_fen,
        quota_minutes=terms.quota_minutes,
        note=terms.note.strip(),
    )
    _write_items(contract, terms.items)
    _log(contract, CONTRACT_CREATED, by, terms)
    return contract


def _this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


@transaction.atomic
def update_contract(*, contract: Contract, terms: ContractTerms, by: User) -> Contract:
    """An officer changes a contract's terms. Its used quota is never written here: a quota
    cannot go below what bookings already hold (checked under the row's lock, which
    bookings' conditional updates wait for), and months already begun stay in it, so
    nothing booked loses its contract."""
    _require_officer(by, contract.programme)
    # The contract, then its programme: the order a booking takes them in (no deadlock).
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    Programme.objects.select_for_update().get(pk=contract.programme_id)
    _check_terms(current.programme, current.provider, terms)
    this_month = _this_month()
    if terms.first_month != current.first_month and (
        current.first_month <= this_month or terms.first_month < this_month
    ):
        raise BillingError(
            _(
                "A contract's first month can change only before it begins, and not to a "
                "month already begun."
            )
        )
    if terms.last_month < max(this_month, current.first_month):
        raise BillingError(_("A contract cannot end before this month."))
    if (terms.quota_fen is not None and terms.quota_fen < current.used_fen) or (
        terms.quota_minutes is not None and terms.quota_minutes < current.used_minutes
    ):
        raise BillingError(
            _(
                "Bookings already hold ¥%(fen)s and %(minutes)s minutes of this contract: "
                "the quota cannot be less."
            )
            % {"fen": yuan(current.used_fen), "minutes": current.used_minutes}
        )
    _check_no_overlap(current.programme, current.provider, terms, other_than=current.pk)
    for field in ("first_month", "last_month", "quota_fen", "quota_minutes"):
        setattr(current, field, getattr(terms, field))
    current.note = terms.note.strip()
    # The counters are locked above and never in update_fields: bookings write them.
    current.save(update_fields=["first_month", "last_month", "quota_fen", "quota_minutes", "note"])
    _write_items(current, terms.items)
    _log(current, CONTRACT_CHANGED, by, terms)
    return current


@transaction.atomic
def end_contract(
    *, contract: Contract, last_month: datetime.date, reason: str, by: User
) -> Contract:
    """An officer ends a contract after `last_month` (this month at the earliest). Visits
    already booked keep the price and subsidy they were booked with (frozen on the order);
    new bookings in later months get no subsidy from this programme with this provider."""
    _require_officer(by, contract.programme)
    if not reason.strip():
        raise BillingError(_("Please say why the contract ends."))
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    last_month = last_month.replace(day=1)
    if last_month < max(_this_month(), current.first_month):
        raise BillingError(_("A contract cannot end before this month."))
    if last_month >= current.last_month:
        raise BillingError(
            _("The contract already ends after %(month)s.")
            % {"month": f"{current.last_month:%Y-%m}"}
        )
    current.last_month = last_month
    current.save(update_fields=["last_month"])
    log(
        instance=current,
        action=CONTRACT_ENDED,
        user=by,
        data={
            "provider": current.provider.name,
            "last_month": f"{last_month:%Y-%m}",
            "reason": reason.strip(),
        },
    )
    return current
