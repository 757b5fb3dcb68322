"""Redis gone while pages open their WebSockets: each socket is turned away with "try
again later" and a warning, never a server error, so the page's script polls instead
(static/js/live.js, order_live.js); when Redis is back, sockets join as before."""

import logging

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import override_settings

from accounts.live_socket import TRY_AGAIN_LATER
from orders.models import Order
from tests.orders.conftest import book, put_in
from tests.orders.test_order_events_consumer import socket_for
from tests.reliability.conftest import slot_of
from tests.reliability.test_faults import DEAD_REDIS

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

DEAD_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [DEAD_REDIS]},
    }
}
PATHS = {
    "notifications": lambda order: "/ws/notifications/",
    "order": lambda order: f"/ws/orders/{order.code}/",
}


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


@pytest.mark.parametrize("socket", PATHS)
async def test_with_redis_gone_a_socket_is_turned_away_to_try_later(
    order, daughter, caplog, socket
):
    with override_settings(CHANNEL_LAYERS=DEAD_LAYER), caplog.at_level(logging.WARNING):
        ws = await socket_for(daughter, order.code, path=PATHS[socket](order))
        connected, close_code = await ws.connect(timeout=10)

    assert (connected, close_code) == (False, TRY_AGAIN_LATER)
    assert any("live updates unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("socket", PATHS)
async def test_with_redis_there_the_same_socket_joins(order, daughter, socket):
    ws = await socket_for(daughter, order.code, path=PATHS[socket](order))
    connected, _ = await ws.connect(timeout=10)

    assert connected
    await ws.disconnect()
