"""Spending a programme's budget: the one write of its money that statements make."""

import pytest

from billing import subsidy
from billing.models import Programme

pytestmark = pytest.mark.django_db


def test_spending_moves_the_reserved_amount_to_spent(programme):
    Programme.objects.filter(pk=programme.pk).update(reserved_fen=5000)

    subsidy.spend(programme_id=programme.pk, amount_fen=4800, reserved_fen=4800)

    programme.refresh_from_db()
    assert (programme.reserved_fen, programme.spent_fen) == (200, 4800)
    assert programme.budget_left_fen == 1_000_000 - 5000


def test_a_correction_changes_spent_alone_and_may_take_money_back(programme):
    subsidy.spend(programme_id=programme.pk, amount_fen=4800, reserved_fen=0)
    subsidy.spend(programme_id=programme.pk, amount_fen=-800)

    programme.refresh_from_db()
    assert (programme.reserved_fen, programme.spent_fen) == (0, 4000)
