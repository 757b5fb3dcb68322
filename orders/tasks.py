from django.conf import settings
from django.tasks import task
from django.utils import timezone

from orders import ledger, payments, services, settling, visits
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
def retry_refunds() -> dict:
    """Every few minutes: refunds Stripe has not settled, until they do or reach staff."""
    return settling.retry_refunds(now=timezone.now())


@task()
def retry_transfers() -> int:
    """Daily: transfers that waited for a provider's payout account, or lost their answer."""
    return settling.retry_transfers()


@task()
def check_money() -> int:
    """Daily: the money ledger (orders.ledger); the differences are on the staff money page."""
    return len(ledger.differences())


@task()
def charge_plan_visits() -> dict:
    """Every few minutes: care plan visits paid with the saved card are charged off-session
    once they start within a day and a half (decision 0029)."""
    return payments.charge_due_plan_visits(now=timezone.now())
