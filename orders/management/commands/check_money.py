from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.money import yuan
from orders import ledger


class Command(BaseCommand):
    help = (
        "For every order: paid - refunded - fee = what the resident was finally charged, and "
        "transfers = what the provider is owed. Lists each difference; fails if there is one."
    )

    def handle(self, *args, **options):
        found = ledger.differences()
        for difference in found:
            money = difference.figures
            self.stdout.write(
                _(
                    "%(code)s: paid %(paid)s, refunded %(refunded)s, fee %(fee)s, charged "
                    "%(charged)s, transferred %(transferred)s of %(owed)s owed. %(why)s"
                )
                % {
                    "code": difference.order.code,
                    "paid": yuan(money.paid),
                    "refunded": yuan(money.refunded),
                    "fee": yuan(money.fee),
                    "charged": yuan(money.charged),
                    "transferred": yuan(money.transferred),
                    "owed": yuan(money.owed_to_provider),
                    "why": difference.why,
                }
            )
        if found:
            count = len(found)
            message = _("%(count)d orders whose money does not add up.") % {"count": count}
            raise CommandError(message)
        self.stdout.write(_("Every order's money adds up."))
