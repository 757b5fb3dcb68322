"""The subsidy layer of billing (DESIGN §8): below orders, which calls it at booking.

`quote` computes the split of an order's price between the purchaser and the resident;
`reserve` and `release` hold and give back monthly caps and budgets. Until subsidy
programmes exist every order is paid in full by the resident, and public services (free
only to eligible people) cannot be booked.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from marketplace.models import FundingMode, Service


class NotEligible(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Split:
    list_price_fen: int
    subsidy_fen: int
    copay_fen: int
    programme_id: int | None = None


def quote(*, service: Service, care_recipient: CareRecipient, quantity: int) -> Split:
    """The split for booking `quantity` units of `service` for `care_recipient`."""
    list_price = service.price_fen * quantity
    if service.funding_mode == FundingMode.PUBLIC:
        raise NotEligible(
            _(
                "This public service is free for eligible people only, and %(name)s is not "
                "registered as eligible for it. Community staff can check eligibility."
            )
            % {"name": care_recipient.name}
        )
    return Split(list_price_fen=list_price, subsidy_fen=0, copay_fen=list_price)
