from django.conf import settings
from django.tasks import task
from django.utils import timezone

from orders import payments, services, visits
from orders.models import Refund, Transfer


@task()
def execute_refund(*, refund_id: int) -> None:
    payments.execute_refund(Refund.objects.select_related("payment").get(pk=refund_id))


@task()
def send_transfer(*, transfer_id: int) -> bool:
    return payments.send_transfer(Transfer.objects.select_related("order").get(pk=transfer_id))


@task()
def order_clock() -> dict:
    """Every few minutes: expire unanswered or unpaid orders, close completed ones after
    72 hours, and raise missed-visit alerts."""
    now = timezone.now()
    return {
        "expired": services.expire_overdue(now=now),
        "closed": services.close_overdue_orders(now=now),
        "alerts": visits.send_missed_visit_alerts(
            now=now, grace_minutes=settings.MISSED_VISIT_ALERT_MINUTES
        ),
    }


@task()
def retry_transfers() -> int:
    """Daily: transfers that waited for a provider's payout account."""
    sent = 0
    for transfer in Transfer.objects.filter(stripe_transfer_id__isnull=True).select_related(
        "order"
    ):
        sent += payments.send_transfer(transfer)
    return sent
