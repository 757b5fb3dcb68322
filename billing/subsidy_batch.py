"""The subsidy of many plan visits at once (the daily run of care plans, decision 0030):
loaded once per chunk of plans, each person's months and each programme's budget locked,
then every visit's split computed in memory in the order the visits happen, with the
same rules as one booking (`billing.split`, fed by `billing.subsidy.covers_over`,
`billing.contracts.covers_among` and `allowance_for`), and written back with one
statement per table."""

import datetime
from collections import defaultdict
from functools import cache

from django.db.models import F

from accounts.models import CareRecipient
from assessments.levels import levels_over
from billing.contracts import confirmed_grade, covers_among
from billing.models import Contract, MonthlyUsage, Programme
from billing.split import Split, first_of_month
from billing.subsidy import alert_if_crossed, covering_on, covers_over, quote_with
from linli.setwise import update_from_values
from marketplace.models import FundingMode, Service


class Ledger:
    """What a chunk of visits may draw: locked usage rows and budgets, kept in memory as
    the visits reserve, written by `write()`."""

    def __init__(self, covers: dict, level_of, usage: dict, budgets: dict, contracts: dict) -> None:
        self._covers = covers
        self._level_of = level_of
        self._usage = usage  # (recipient, programme, month) → [row id, fen, minutes]
        self._budgets = budgets  # programme → budget left
        self._contracts = contracts  # provider → its contracts with these programmes
        self._contract_used = {  # contract → [id, fen, minutes]
            contract.pk: [contract.pk, contract.used_fen, contract.used_minutes]
            for provider_contracts in contracts.values()
            for contract in provider_contracts
        }
        self._reserved: dict[int, int] = defaultdict(int)
        self._touched: set[tuple] = set()
        self._touched_contracts: set[int] = set()
        # A provider's confirmed grade (decision 0039), read once per chunk, not per visit.
        self._grade_of = cache(confirmed_grade)

    @classmethod
    def load(
        cls,
        visits: list[tuple[Service, CareRecipient, datetime.date]],
        start: datetime.date,
        end: datetime.date,
        *,
        regions: dict[int, set[int]] | None = None,
    ) -> "Ledger":
        """Lock, in decision 0027's order (after the slots the caller locked): the usage
        rows these visits may draw on (made first where missing, as `reserve` would),
        lowest id first, then the contracts of their providers with those programmes
        (decision 0033), then the programmes. `regions`: see `covers_over`."""
        pairs = {
            (service.pk, recipient.pk): (service, recipient)
            for service, recipient, _day in visits
            if service.funding_mode != FundingMode.COMMERCIAL
        }
        covers = covers_over(pairs.values(), start, end, regions=regions) if pairs else {}
        keys = sorted(
            {
                (recipient.pk, programme.pk, first_of_month(day))
                for service, recipient, day in visits
                for programme in covering_on(covers.get((service.pk, recipient.pk), ()), day)
            }
        )
        usage, budgets, contracts = {}, {}, defaultdict(list)
        if keys:
            MonthlyUsage.objects.bulk_create(
                [MonthlyUsage(care_recipient_id=r, programme_id=p, month=m) for r, p, m in keys],
                ignore_conflicts=True,
            )
            wanted = set(keys)
            for row in (
                MonthlyUsage.objects.select_for_update()
                .filter(
                    care_recipient_id__in={k[0] for k in keys},
                    programme_id__in={k[1] for k in keys},
                    month__in={k[2] for k in keys},
                )
                .order_by("pk")
                .values_list(
                    "pk", "care_recipient_id", "programme_id", "month", "used_fen", "used_minutes"
                )
            ):
                key = row[1:4]
                if key in wanted:
                    usage[key] = [row[0], row[4], row[5]]
            for contract in (
                Contract.objects.select_for_update()
                .filter(
                    programme_id__in={k[1] for k in keys},
                    provider_id__in={service.provider_id for service, _r, _d in visits},
                    first_month__lte=end,
                    last_month__gte=first_of_month(start),
                )
                .order_by("pk")
                .prefetch_related("items")
            ):
                contracts[contract.provider_id].append(contract)
            budgets = {
                programme.pk: programme.budget_left_fen
                for programme in Programme.objects.select_for_update()
                .filter(pk__in={k[1] for k in keys})
                .order_by("pk")
            }
        recipients = {recipient.pk for _s, recipient, _d in visits}
        return cls(covers, levels_over(recipients, end), usage, budgets, contracts)

    def quote(
        self, *, service: Service, care_recipient: CareRecipient, quantity: int, on: datetime.date
    ) -> Split:
        """As `billing.subsidy.quote`, against what this chunk has reserved so far."""
        covers = self._covers.get((service.pk, care_recipient.pk), ())
        return quote_with(
            service=service,
            care_recipient=care_recipient,
            quantity=quantity,
            on=on,
            covers=covers_among(
                covering_on(covers, on),
                service,
                on,
                self._contracts.get(service.provider_id, ()),
                grade_of=self._grade_of,
            ),
            used=lambda programme, month: tuple(
                self._usage[(care_recipient.pk, programme.pk, month)][1:]
            ),
            contract_used=lambda contract: tuple(self._contract_used[contract.pk][1:]),
            budget_left=lambda programme: self._budgets[programme.pk],
            level_of=self._level_of,
        )

    def reserve(self, split: Split, *, care_recipient: CareRecipient) -> None:
        """Hold the split's share, as `billing.subsidy.reserve` would. The quote was made
        against these locked rows, so the cap and the budget cannot have moved."""
        if not split.subsidy_fen:
            return
        key = (care_recipient.pk, split.programme_id, split.month)
        row = self._usage[key]
        row[1] += split.subsidy_fen
        row[2] += split.minutes
        if split.contract_id is not None:
            held = self._contract_used[split.contract_id]
            held[1] += split.subsidy_fen
            held[2] += split.minutes
            self._touched_contracts.add(split.contract_id)
        self._budgets[split.programme_id] -= split.subsidy_fen
        self._reserved[split.programme_id] += split.subsidy_fen
        self._touched.add(key)

    def write(self) -> None:
        """One UPDATE for the usage rows, one for the contracts' quotas, one per programme
        drawn on, and the budget alerts a single reservation would have raised."""
        update_from_values(
            MonthlyUsage,
            ["used_fen", "used_minutes"],
            [tuple(self._usage[key]) for key in sorted(self._touched)],
            types=["bigint", "integer"],
        )
        update_from_values(
            Contract,
            ["used_fen", "used_minutes"],
            [tuple(self._contract_used[pk]) for pk in sorted(self._touched_contracts)],
            types=["bigint", "integer"],
        )
        for programme_id, amount in sorted(self._reserved.items()):
            Programme.objects.filter(pk=programme_id).update(
                reserved_fen=F("reserved_fen") + amount
            )
            alert_if_crossed(programme_id)
