"""WebSocket fan-out: N connected clients (Channels over Redis, served by uvicorn or Daphne), time
from an order transition's commit to its arrival at the family's open order page.

    python -m bench.fanout --clients 1000 --threads 4

Each client is a family account watching one of its upcoming orders (/ws/orders/<code>/,
with its own session). The bench then sends a worker to each order through
orders.services.assign_worker (an ordinary transition, repeatable) from a few threads; the
commit time is stamped by an on_commit hook registered before the service's own, and the
receipt time by the client process. Needs REDIS_URL: the channel layer must be Redis.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from functools import partial

for _name, _value in {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "DATABASE_CONN_MAX_AGE": "0",  # see bench/http.py: persistent connections leak on ASGI
    "DATABASE_POOL_SIZE": "10",  # as the README deploys
    "TASKS_BACKEND": "database",
}.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from asgiref.sync import async_to_sync  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.loadgen import Result  # noqa: E402
from bench.server import add_server_arguments, free_port, start, stop  # noqa: E402
from orders.models import Order  # noqa: E402
from orders.services import assign_worker  # noqa: E402
from providers.models import ProviderMember  # noqa: E402

TARGET_P99_MS = 1000


def watched(count: int) -> list[tuple[Order, ProviderMember, int]]:
    """Upcoming orders needing no special qualification: (order, worker, manager id)."""
    orders = (
        Order.objects.filter(
            status__in=("requested", "confirmed"),
            starts_at__gt=timezone.now(),
            service__required_qualification="",
        )
        .select_related("service", "provider", "booked_by")
        .order_by("pk")[: count * 2]
    )
    members: dict[int, dict[str, list[ProviderMember]]] = {}
    for member in ProviderMember.objects.filter(
        provider__in={o.provider_id for o in orders}, suspended_at__isnull=True
    ).select_related("user"):
        roles = members.setdefault(member.provider_id, {})
        roles.setdefault("worker" if member.role == "worker" else "manager", []).append(member)
    chosen = []
    for order in orders:
        roles = members.get(order.provider_id, {})
        if roles.get("worker") and roles.get("manager"):
            chosen.append((order, roles["worker"][0], roles["manager"][0].user_id))
    return chosen[:count]


def session_cookies(orders: list[Order]) -> dict[int, str]:
    cookies = {}
    name = settings.SESSION_COOKIE_NAME
    for user in {o.booked_by_id: o.booked_by for o in orders}.values():
        client = Client()
        client.force_login(user)
        cookies[user.pk] = f"{name}={client.cookies[name].value}"
    return cookies


def fire(plan: list[tuple[Order, ProviderMember, int]], threads: int) -> dict[str, float]:
    committed: dict[str, float] = {}
    managers = User.objects.in_bulk({m for _o, _w, m in plan})

    def stamp(code: str) -> None:
        committed[code] = time.time()

    queue = list(plan)
    lock = threading.Lock()

    def worker() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    order, member, manager = queue.pop()
                with transaction.atomic():
                    # Registered first, so it runs first after the commit, before the push.
                    transaction.on_commit(partial(stamp, order.code))
                    assign_worker(order=order, by=managers[manager], worker=member)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return committed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4, help="threads committing transitions")
    add_server_arguments(parser)
    args = parser.parse_args()
    if "redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
        sys.exit("Set REDIS_URL: the fan-out goes through the Redis channel layer.")
    # Clients of earlier runs vanished with their Daphne, leaving their channels in the
    # order groups (for a day): every push would go to them too. Start from a clean layer.
    async_to_sync(get_channel_layer().flush)()
    plan = watched(args.clients)
    cookies = session_cookies([order for order, _w, _m in plan])
    print(
        f"{len(plan)} clients watching {len(plan)} orders of {len(cookies)} families; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    port = free_port()
    server = start(args.server, port, args.workers, f"bench-fanout-{args.server}.log")
    clients = subprocess.Popen(
        [sys.executable, "-m", "bench.wsclients", f"127.0.0.1:{port}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        started = time.perf_counter()
        watchers = [(o.code, cookies[o.booked_by_id]) for o, _w, _m in plan]
        clients.stdin.write(json.dumps(watchers) + "\n")
        clients.stdin.flush()
        connected = int(clients.stdout.readline().split()[1])
        print(f"  {connected} connected in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        committed = fire(plan, args.threads)
        seconds = time.perf_counter() - started
        time.sleep(3)  # the last pushes are still on their way
        clients.stdin.write("stop\n")
        clients.stdin.flush()
        received = json.loads(clients.stdout.readline())
    finally:
        clients.kill()
        stop(server)
    latency = Result("fan-out", seconds)
    for code, at in committed.items():
        arrivals = [t for t in received.get(code, []) if t >= at]
        if arrivals:
            latency.latencies.append(min(arrivals) - at)
    missing = len(committed) - latency.requests
    late = sum(1 for t in latency.latencies if t > TARGET_P99_MS / 1000)
    print(
        f"  {len(committed)} transitions committed in {seconds:.1f} s "
        f"({len(committed) / seconds:.1f}/s, {args.threads} threads)"
    )
    print(
        f"commit → receipt: p50 {latency.percentile(50):.0f} ms, p90 "
        f"{latency.percentile(90):.0f} ms, p99 {latency.percentile(99):.0f} ms, max "
        f"{latency.percentile(100):.0f} ms; {latency.requests} received ({late} after more "
        f"than {TARGET_P99_MS} ms), {missing} missing"
    )
    ok = latency.percentile(99) <= TARGET_P99_MS and not missing
    print(f"{'meets' if ok else 'misses'} the target p99 ≤ {TARGET_P99_MS} ms with none lost")


if __name__ == "__main__":
    main()
