"""The order's WebSocket: participants hear each change after it commits; others never
join, and a refused transition sends nothing."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from config.asgi import application
from orders import services
from orders.exceptions import OrdersError
from orders.models import Order
from tests.orders.conftest import book, put_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    yield
    await sync_to_async(connections.close_all)()


async def socket_for(user, code: str, *, path: str = "") -> WebsocketCommunicator:
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketCommunicator(
        application,
        path or f"/ws/orders/{code}/",
        headers=[
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
            (b"cookie", cookie.encode()),
        ],
    )


@pytest_asyncio.fixture
async def requested_order(daughter, slot, grandma_li):
    def make():
        return put_in(book(daughter, slot, grandma_li), Order.Status.REQUESTED)

    return await sync_to_async(make)()


async def test_the_family_hears_the_provider_accept(requested_order, daughter, provider_manager):
    ws = await socket_for(daughter, requested_order.code)
    connected, _ = await ws.connect()
    assert connected

    await sync_to_async(services.accept_order)(order=requested_order, by=provider_manager)

    message = await ws.receive_json_from(timeout=5)
    assert (message["code"], message["status"], message["action"]) == (
        requested_order.code,
        "confirmed",
        "accept",
    )
    await ws.disconnect()


@pytest.mark.parametrize("who", ["other_resident", "other_provider_manager", "other_street_staff"])
async def test_people_who_may_not_see_the_order_are_refused(requested_order, cast, who):
    ws = await socket_for(cast[who], requested_order.code)
    connected, close_code = await ws.connect()
    assert not connected
    assert close_code == 4403


async def test_a_refused_transition_sends_nothing(requested_order, daughter, caregiver):
    ws = await socket_for(daughter, requested_order.code)
    connected, _ = await ws.connect()
    assert connected

    with pytest.raises(OrdersError):
        await sync_to_async(services.confirm_completion)(order=requested_order, by=daughter)

    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()


async def test_events_of_another_order_do_not_arrive(
    requested_order, daughter, son, slot, grandma_li, provider_manager
):
    def other_order():
        from accounts.models import CareLink

        CareLink.objects.create(care_recipient=grandma_li, account=son, relationship="child")
        return put_in(book(son, slot, grandma_li), Order.Status.REQUESTED)

    second = await sync_to_async(other_order)()
    ws = await socket_for(daughter, requested_order.code)
    await ws.connect()

    await sync_to_async(services.accept_order)(order=second, by=provider_manager)

    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()
