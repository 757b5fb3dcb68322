"""Orders are written month by month, so the day an order is moved to (its service's open
day) must stay in the drawn day's month: a slot in a month already written was made twice."""

import datetime
import itertools

from bench.orders_gen import open_day

MONDAY = 0


def test_a_week_back_from_a_months_first_days_is_refused() -> None:
    # --today 2026-11-30 (a Monday): the orders run to 12-06; a Monday-only service drawn
    # on 12-03 opens next on 12-07, after the last day, and a week back is 11-30, in
    # November, whose slots are already written.
    last = datetime.date(2026, 12, 6)
    assert open_day({MONDAY}, datetime.date(2026, 12, 3), last) is None
    assert open_day({MONDAY}, datetime.date(2026, 11, 27), last) == datetime.date(2026, 11, 30)


def test_every_open_day_is_in_the_drawn_days_month_and_not_after_the_last() -> None:
    plans = [set(days) for n in range(1, 8) for days in itertools.combinations(range(7), n)]
    for today in (datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)):
        last = today + datetime.timedelta(days=6)
        for back in range(40):
            day = last - datetime.timedelta(days=back)
            for weekdays in plans:
                opens = open_day(weekdays, day, last)
                if opens is None:
                    continue
                assert opens.weekday() in weekdays
                assert (opens.year, opens.month) == (day.year, day.month)
                assert opens <= last
                assert abs((opens - day).days) < 7
