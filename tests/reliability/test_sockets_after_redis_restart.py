"""Live pages after Redis loses everything: flushed, or killed and started again empty.

The channel layer runs on a `redis-server` of the test's own (another port, no persistence),
so the machine's Redis, shared with others, is never touched. An open page is told to fetch
what it missed ("resync") or its socket is closed so that its script reconnects; either way
it hears the next change, and the order's live part shows what happened meanwhile
(decision 0023)."""

import asyncio
import logging
import shutil
import socket as sockets
import subprocess
import time

import pytest
import pytest_asyncio
import redis
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections
from django.test import override_settings
from django.urls import reverse

from accounts.live_socket import TRY_AGAIN_LATER
from orders import services
from orders.events import order_group
from orders.models import Order
from tests.orders.conftest import book, put_in
from tests.reliability.conftest import slot_of
from tests.reliability.test_sockets_follow_access import opened, signed_in, socket

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

REJOIN_SECONDS = 0.5


def free_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, which may be flushed, killed and started again."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the test's redis-server did not start")

    def kill(self) -> None:
        """As a crash: nothing is saved, every client's connection breaks."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def flush(self) -> None:
        redis.Redis.from_url(self.url).flushall()


@pytest.fixture
def own_redis():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary)
    server.start()
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": server.url, "socket_timeout": None}],
                "prefix": "linli-test",
                "group_expiry": 60,
            },
        }
    }
    with override_settings(CHANNEL_LAYERS=layers, LIVE_REJOIN_SECONDS=REJOIN_SECONDS):
        yield server
    server.kill()


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    yield
    await sync_to_async(connections.close_all)()


@pytest_asyncio.fixture
async def order(daughter, cleaning, grandma_li):
    def make():
        slot = slot_of(cleaning, capacity=2)
        return put_in(book(daughter, slot, grandma_li), Order.Status.REQUESTED)

    return await sync_to_async(make)()


async def reconnected(client, path: str):
    """As the page's script does: try again, waiting longer each time. The first try
    after the restart may meet a connection the layer's pool kept from before it."""
    delay = 0.25
    for _attempt in range(6):
        ws = socket(client, path)
        connected, code = await ws.connect(timeout=10)
        if connected:
            return ws
        assert code == TRY_AGAIN_LATER
        await asyncio.sleep(delay)
        delay *= 2
    raise AssertionError(f"{path} did not reconnect")


async def order_event(code: str) -> None:
    await get_channel_layer().group_send(
        order_group(code), {"type": "order.event", "payload": {"code": code}}
    )


async def test_after_redis_is_flushed_an_open_page_is_told_to_fetch_and_hears_again(
    own_redis, order, daughter
):
    ws = await opened(await signed_in(daughter), f"/ws/orders/{order.code}/")
    await order_event(order.code)
    assert await ws.receive_json_from(timeout=5) == {"code": order.code}

    own_redis.flush()  # every group is gone; the socket's connection is not

    assert await ws.receive_json_from(timeout=5) == {"type": "resync"}
    await order_event(order.code)
    assert await ws.receive_json_from(timeout=5) == {"code": order.code}
    await ws.disconnect()


async def test_after_a_redis_restart_the_page_catches_up_and_hears_the_next_change(
    own_redis, order, daughter, provider_manager, caplog
):
    client = await signed_in(daughter)
    ws = await opened(client, f"/ws/orders/{order.code}/")

    with caplog.at_level(logging.WARNING):
        own_redis.kill()
        # The provider accepts while Redis is down: the push is lost, the order is not.
        await sync_to_async(services.accept_order)(order=order, by=provider_manager)
        own_redis.start()

        # The page learns that it may have missed something: told to fetch again, or its
        # socket closed with "try again later" so that its script reconnects.
        message = await ws.receive_output(timeout=15)
    if message["type"] == "websocket.close":
        assert message["code"] == TRY_AGAIN_LATER
        ws = await reconnected(client, f"/ws/orders/{order.code}/")
    else:
        assert message["type"] == "websocket.send"
        assert '"resync"' in message["text"]

    # What the page's script then fetches shows the change it missed...
    live = await sync_to_async(client.get)(reverse("orders:live", args=[order.code]))
    assert str(Order.Status.CONFIRMED.label) in live.content.decode()
    # ...and the next change arrives live.
    await asyncio.sleep(REJOIN_SECONDS)
    await order_event(order.code)
    assert await ws.receive_json_from(timeout=5) == {"code": order.code}
    await ws.disconnect()
