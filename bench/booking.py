"""Booking throughput on PostgreSQL through orders.services.place_order, from many threads.

    python -m bench.booking --orders 3000

As the production server runs requests: a process per CPU, each with a few requests in
threads (one process with 16 threads spends its time passing the interpreter lock around).

Makes the slots of a week from the day after tomorrow (the real date, whatever the data
set's --today) on services drawn at random, as the daily slot job would, then picks open
slots of published services a week or so ahead whose places add up to 80% of
the attempts, so about one attempt in five must lose; each attempt books for a care
recipient (with their linked family account) who lives where the service is offered.
Afterwards every slot is checked: places taken never exceed capacity and equal the orders
holding a place. The orders stay in the database (they are ordinary bookings).
"""

import argparse
import datetime
import multiprocessing
import os
import random
import resource
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("TASKS_BACKEND", "database")

import django

django.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Count, F, Q, QuerySet, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import CareLink, CareRecipient, User  # noqa: E402
from linli.refusals import Refusal  # noqa: E402
from marketplace.models import Service, Slot  # noqa: E402
from marketplace.slots import materialise_slots  # noqa: E402
from orders.exceptions import SlotFull  # noqa: E402
from orders.models import Order  # noqa: E402
from orders.services import place_order  # noqa: E402
from orders.transitions import HOLDS_A_PLACE  # noqa: E402

TARGET_PER_SECOND = 200


@dataclass
class Attempt:
    slot: Slot
    recipient: CareRecipient
    booker: User


def families_by_community() -> dict[int, list[tuple[int, int]]]:
    """community → [(care recipient, an account that may book for them)]."""
    pairs: dict[int, list[tuple[int, int]]] = {}
    own = CareRecipient.objects.filter(account__isnull=False)
    for rid, community, account in own.values_list("pk", "community_id", "account_id"):
        pairs.setdefault(community, []).append((rid, account))
    links = CareLink.objects.values_list(
        "care_recipient_id", "care_recipient__community_id", "account_id"
    )
    for rid, community, account in links:
        pairs.setdefault(community, []).append((rid, account))
    return pairs


def bookable_services() -> QuerySet:
    return (
        Service.objects.filter(status="published", provider__status="approved")
        # Public services are free for eligible people only: most families would be refused.
        .exclude(funding_mode="public")
    )


def make_slots(rng: random.Random, places: int, now: datetime.datetime) -> int:
    """The daily job's slots (marketplace.slots.materialise_slots) for a week from the day
    after tomorrow, on services drawn at random until their free places are twice
    `places`: the data set's slots end a week after its --today, which may lie behind the
    real date. Slots already there are kept as they are; returns how many were made."""
    start = timezone.localdate(now) + datetime.timedelta(days=2)
    window = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    ids = list(bookable_services().order_by("pk").values_list("pk", flat=True))
    rng.shuffle(ids)
    made = free = 0
    for pk in ids:
        if free >= places * 2:
            break
        service = Service.objects.get(pk=pk)
        made += materialise_slots(service, start=start, days=7)
        free += (
            Slot.objects.open_for_booking(now=now)
            .filter(service=service, starts_at__gte=window)
            .aggregate(free=Sum(F("capacity") - F("booked")))["free"]
            or 0
        )
    return made


def plan(rng: random.Random, attempts: int) -> list[Attempt]:
    now = timezone.now()
    places = round(attempts * 0.8)
    made = make_slots(rng, places, now)
    print(f"slots made for the week from the day after tomorrow: {made}")
    slots = list(
        Slot.objects.open_for_booking(now=now)
        .filter(service__in=bookable_services())
        .filter(starts_at__gte=now + timezone.timedelta(days=2))
        .select_related("service")
        .order_by("?")[: places * 2]
    )
    chosen, total = [], 0
    for slot in slots:
        if total >= places:
            break
        chosen.append(slot)
        total += slot.capacity - slot.booked
    families = families_by_community()
    served = {
        slot.pk: list(slot.service.communities.values_list("pk", flat=True)) for slot in chosen
    }
    # An attempt for every free place, and the rest (one in five) for places already
    # aimed at: random draws per slot made most attempts on one-place slots lose.
    seats = [slot for slot in chosen for _ in range(slot.capacity - slot.booked)]
    rng.shuffle(seats)
    seats = seats[:places]
    targets = seats + rng.choices(seats, k=attempts - len(seats))
    rng.shuffle(targets)
    picks = []
    for slot in targets:
        candidates = [p for c in served[slot.pk] for p in families.get(c, [])]
        picks.append((slot, *rng.choice(candidates)))
    recipients = CareRecipient.objects.in_bulk({p[1] for p in picks})
    users = User.objects.in_bulk({p[2] for p in picks})
    return [Attempt(slot, recipients[r], users[u]) for slot, r, u in picks]


def run(attempts: list[Attempt], threads: int) -> tuple[Counter, float]:
    outcomes: Counter = Counter()
    lock = threading.Lock()
    queue = list(reversed(attempts))

    def worker() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    attempt = queue.pop()
                try:
                    place_order(
                        booked_by=attempt.booker,
                        slot=attempt.slot,
                        care_recipient=attempt.recipient,
                        idempotency_key=uuid.uuid4().hex,
                    )
                    outcome = "booked"
                except SlotFull:
                    outcome = "slot full"
                except Refusal as exc:
                    outcome = f"refused: {exc.message}"[:60]
                with lock:
                    outcomes[outcome] += 1
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return outcomes, time.perf_counter() - started


def run_in_processes(
    attempts: list[Attempt], processes: int, threads: int
) -> tuple[Counter, float]:
    """Each process takes every n-th attempt with its own threads: one Python process is
    bound by its interpreter lock long before PostgreSQL is busy, and the README deploys
    one server process per machine, several machines."""
    if processes == 1:
        return run(attempts, threads)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    connections.close_all()  # children must not share the parent's socket

    def child(n: int) -> None:
        outcomes, _seconds = run(attempts[n::processes], threads)
        results.put(dict(outcomes))

    children = [context.Process(target=child, args=(n,)) for n in range(processes)]
    started = time.perf_counter()
    for process in children:
        process.start()
    outcomes: Counter = Counter()
    for _ in children:
        outcomes.update(results.get())
    seconds = time.perf_counter() - started
    for process in children:
        process.join()
    return outcomes, seconds


def busy_cpu_seconds() -> float:
    """CPU time the whole machine spent busy (all processes: this one, PostgreSQL, Redis)."""
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and its finished children (the booking processes)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def oversold(slot_ids: set[int]) -> int:
    """Slots whose places taken exceed capacity or differ from the orders holding one."""
    holding = Count("orders", filter=Q(orders__status__in=HOLDS_A_PLACE))
    checked = Slot.objects.filter(pk__in=slot_ids).annotate(holding=holding)
    return checked.filter(Q(booked__gt=F("capacity")) | ~Q(booked=F("holding"))).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=3000, help="booking attempts")
    parser.add_argument("--threads", type=int, default=4, help="per process")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--without-push",
        action="store_true",
        help="diagnosis only: skip the live push after commit, to see what the rest costs",
    )
    args = parser.parse_args()
    if args.without_push:
        import orders.services

        orders.services.push_order_event = lambda event: None
    attempts = plan(random.Random(args.seed), args.orders)
    slot_ids = {a.slot.pk for a in attempts}
    places = sum(a.slot.capacity - a.slot.booked for a in {a.slot.pk: a for a in attempts}.values())
    before = Order.objects.count()
    print(
        f"database {connection.settings_dict['NAME']}: {len(attempts)} attempts on "
        f"{len(slot_ids)} slots with {places} places, {args.processes} process(es) × "
        f"{args.threads} threads{' WITHOUT the live push' if args.without_push else ''}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    machine_before, own_before = busy_cpu_seconds(), own_cpu_seconds()
    outcomes, seconds = run_in_processes(attempts, args.processes, args.threads)
    machine_cpu = busy_cpu_seconds() - machine_before
    own_cpu = own_cpu_seconds() - own_before
    booked = outcomes["booked"]
    for outcome, n in outcomes.most_common():
        print(f"  {n:>6}  {outcome}")
    print(f"\n{booked} orders in {seconds:.2f} s: {booked / seconds:.1f} orders/s")
    print(f"{len(attempts) / seconds:.1f} attempts/s (losers included)")
    # Throughput here is bound by CPU: what one booking costs says what a target needs.
    per_booking = machine_cpu / max(booked, 1)
    print(
        f"CPU per booking (losers' attempts included): {per_booking * 1000:.0f} ms, of which "
        f"{own_cpu / max(booked, 1) * 1000:.0f} ms in the booking processes and the rest in "
        f"PostgreSQL, Redis and anything else on the machine; at that cost "
        f"{TARGET_PER_SECOND} bookings/s need about {TARGET_PER_SECOND * per_booking:.0f} CPUs "
        f"(this machine: {os.cpu_count()})"
    )
    bad = oversold(slot_ids)
    made = Order.objects.count() - before
    print(f"slots oversold or miscounted: {bad}; orders written: {made} (booked {booked})")
    verdict = "meets" if booked / seconds >= TARGET_PER_SECOND and not bad else "misses"
    print(f"{verdict} the target of {TARGET_PER_SECOND} bookings/s with no oversell")


if __name__ == "__main__":
    main()
