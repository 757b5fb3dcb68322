"""What providers and purchaser officers are told about statements and contested lines."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.notifications import in_each_language, notify
from billing.wording import officers_of
from marketplace.money import yuan
from providers.wording import managers_of
from statements.models import LineContest, PaymentRecord, Statement

APPROVED = gettext_noop(
    "%(purchaser)s approved your statement for %(month)s: ¥%(payable)s is payable. A line "
    "it excluded may be contested until %(until)s."
)
CONTESTED = gettext_noop(
    "%(provider)s contests line %(order)s of its statement for %(month)s (¥%(amount)s "
    "excluded): %(reason)s"
)
UPHELD = gettext_noop(
    "%(purchaser)s upheld your contest of line %(order)s (%(month)s): ¥%(amount)s is added "
    "to your statement for %(paid_in)s. %(answer)s"
)
PAID = gettext_noop(
    "%(purchaser)s paid your statement for %(month)s on %(paid_on)s, reference %(reference)s."
)
PAYMENT_CORRECTED = gettext_noop(
    "%(purchaser)s corrected the payment of your statement for %(month)s: paid on "
    "%(paid_on)s, reference %(reference)s (before: %(was_paid_on)s, %(was_reference)s). "
    "Why: %(reason)s"
)
CONFIRMED = gettext_noop(
    "%(purchaser)s confirmed the exclusion of line %(order)s (%(month)s): %(answer)s"
)


def _purchaser(statement: Statement) -> dict:
    return in_each_language(statement.purchaser.name_zh, statement.purchaser.name_en)


def provider_statement_url(statement: Statement) -> str:
    return reverse("statements:statement", kwargs={"pk": statement.pk})


def tell_provider_of_approval(statement: Statement, *, payable_fen: int, until) -> None:
    notify(
        users=managers_of(statement.provider),
        kind="statement",
        message=APPROVED,
        params={
            "purchaser": _purchaser(statement),
            "month": f"{statement.month:%Y-%m}",
            "payable": yuan(payable_fen),
            "until": until.isoformat(),
        },
        url=provider_statement_url(statement),
    )


def tell_provider_of_payment(record: PaymentRecord) -> None:
    """The provider hears of the payment the officer recorded, and of any correction of it,
    so its own books can follow (decision 0036)."""
    statement = record.statement
    params = {
        "purchaser": _purchaser(statement),
        "month": f"{statement.month:%Y-%m}",
        "paid_on": record.paid_on.isoformat(),
        "reference": record.reference,
    }
    if record.corrects is not None:
        params |= {
            "was_paid_on": record.corrects.paid_on.isoformat(),
            "was_reference": record.corrects.reference,
            "reason": record.reason,
        }
    notify(
        users=managers_of(statement.provider),
        kind="statement",
        message=PAYMENT_CORRECTED if record.corrects is not None else PAID,
        params=params,
        url=provider_statement_url(statement),
    )


def _line_params(contest: LineContest) -> dict:
    line = contest.line
    return {
        "order": line.order_code,
        "month": f"{line.statement.month:%Y-%m}",
        "amount": yuan(line.subsidy_fen),
    }


def tell_officers_of_contest(contest: LineContest) -> None:
    statement = contest.line.statement
    notify(
        users=officers_of(statement.purchaser_id),
        kind="statement",
        message=CONTESTED,
        params={
            **_line_params(contest),
            "provider": statement.provider.name,
            "reason": contest.reason[:200],
        },
        url=reverse("contests:detail", kwargs={"pk": contest.pk}),
    )


def tell_provider_of_decision(contest: LineContest) -> None:
    statement = contest.line.statement
    params = {
        **_line_params(contest),
        "purchaser": _purchaser(statement),
        "answer": contest.answer[:200],
    }
    if contest.adjustment is not None:
        params["paid_in"] = f"{contest.adjustment.statement.month:%Y-%m}"
    notify(
        users=managers_of(statement.provider),
        kind="statement",
        message=UPHELD if contest.adjustment is not None else CONFIRMED,
        params=params,
        url=provider_statement_url(statement),
    )
