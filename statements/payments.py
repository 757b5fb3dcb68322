"""The payment of an approved statement, and corrections of a wrong payment record
(decision 0036). Each record is a row that never changes; the statement's `paid_on` and
`payment_reference` are a copy of the latest one, written in the same transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from statements import wording
from statements.exceptions import StatementsError
from statements.models import PaymentRecord, Statement
from statements.services import lock_for_officer

Status = Statement.Status
REFERENCE_LENGTH = PaymentRecord._meta.get_field("reference").max_length


def _reference(typed: str) -> str:
    reference = typed.strip()
    if not reference:
        raise StatementsError(_("Please give the payment reference."))
    if len(reference) > REFERENCE_LENGTH:
        raise StatementsError(
            _("A payment reference has at most %(count)s characters.") % {"count": REFERENCE_LENGTH}
        )
    return reference


def _check_date(statement: Statement, paid_on: datetime.date) -> None:
    if paid_on > timezone.localdate():
        raise StatementsError(_("The payment date cannot be in the future."))
    approved_on = timezone.localdate(statement.approved_at)
    if paid_on < approved_on:
        raise StatementsError(
            _("The payment date cannot be before the approval on %(day)s.")
            % {"day": date_format(approved_on, "Y-m-d")}
        )


def _copy_to_statement(statement: Statement, record: PaymentRecord) -> None:
    statement.status = Status.PAID
    statement.paid_on = record.paid_on
    statement.payment_reference = record.reference
    statement.paid_recorded_by = record.recorded_by
    statement.save(update_fields=["status", "paid_on", "payment_reference", "paid_recorded_by"])


@transaction.atomic
def record_payment(
    *, statement: Statement, by: User, reference: str, paid_on: datetime.date
) -> Statement:
    """The officer records the bank transfer that settled the statement."""
    statement = lock_for_officer(statement, by, expected={Status.APPROVED})
    reference = _reference(reference)
    _check_date(statement, paid_on)
    record = PaymentRecord.objects.create(
        statement=statement, paid_on=paid_on, reference=reference, recorded_by=by
    )
    _copy_to_statement(statement, record)
    wording.tell_provider_of_payment(record)
    return statement


def current_payment(statement: Statement) -> PaymentRecord | None:
    """The record that holds: the one no later record corrects."""
    return statement.payment_records.filter(correction__isnull=True).first()


@transaction.atomic
def correct_payment(
    *, statement: Statement, by: User, reference: str, paid_on: datetime.date, reason: str
) -> PaymentRecord:
    """The officer corrects a wrong payment record: a new record names the old one and says
    why; the old one stays as it was."""
    statement = lock_for_officer(statement, by, expected={Status.PAID})
    reference = _reference(reference)
    if not reason.strip():
        raise StatementsError(_("Please say why the payment record is corrected."))
    _check_date(statement, paid_on)
    wrong = current_payment(statement)
    if wrong is None:
        raise StatementsError(_("This statement has no payment record to correct."))
    if (wrong.paid_on, wrong.reference) == (paid_on, reference):
        raise StatementsError(_("The correction changes neither the date nor the reference."))
    record = PaymentRecord.objects.create(
        statement=statement,
        paid_on=paid_on,
        reference=reference,
        corrects=wrong,
        reason=reason.strip()[:300],
        recorded_by=by,
    )
    _copy_to_statement(statement, record)
    wording.tell_provider_of_payment(record)
    return record
