"""Every app's recurring background work, in one list each. `manage.py run_jobs` queues
them (cron every five minutes, or `--loop` for the demo); the task workers run them."""

from assessments.tasks import remind_reassessments
from billing.tasks import remind_eligibility_renewals
from care.tasks import make_plan_visits
from cms.tasks import add_missing_channels
from marketplace.tasks import extend_slots, reindex_renamed
from orders.tasks import (
    charge_plan_visits,
    check_money,
    order_clock,
    retry_refunds,
    retry_transfers,
)
from providers.tasks import check_document_expiry
from reviews.tasks import ask_beneficiaries, complaint_clock, draw_call_backs, propose_grades

FREQUENT = [order_clock, retry_refunds, charge_plan_visits, complaint_clock, reindex_renamed]
DAILY = [
    check_document_expiry,
    extend_slots,
    make_plan_visits,
    retry_transfers,
    check_money,
    remind_eligibility_renewals,
    remind_reassessments,
    ask_beneficiaries,
    draw_call_backs,
    propose_grades,
    add_missing_channels,
]
