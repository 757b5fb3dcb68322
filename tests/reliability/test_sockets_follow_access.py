"""Open WebSockets follow the person's access (decision 0023): they close within 5 s of a
sign-out or of losing access to what they show, and stay joined to their groups however
long the page stays open, on the real Redis channel layer."""

import asyncio
import time

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings

from accounts.live_socket import NOT_ALLOWED, SIGNED_OUT
from accounts.models import CareLink, RoleAssignment
from orders.events import order_group
from orders.models import Order
from providers.models import ProviderMember
from tests.orders.conftest import book, put_in
from tests.reliability.conftest import slot_of

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

WITHIN = 5  # seconds


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    yield
    await sync_to_async(connections.close_all)()


@pytest_asyncio.fixture
async def order(daughter, son, cleaning, grandma_li):
    """Booked by the daughter for her mother; the son is linked to the mother too."""

    def make():
        CareLink.objects.create(care_recipient=grandma_li, account=son, relationship="child")
        slot = slot_of(cleaning, capacity=2)
        return put_in(book(daughter, slot, grandma_li), Order.Status.REQUESTED)

    return await sync_to_async(make)()


async def signed_in(user) -> Client:
    client = Client()
    await sync_to_async(client.force_login)(user)
    return client


def socket(client: Client, path: str) -> WebsocketCommunicator:
    from config.asgi import application

    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketCommunicator(
        application,
        path,
        headers=[
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
            (b"cookie", cookie.encode()),
        ],
    )


async def opened(client: Client, path: str) -> WebsocketCommunicator:
    ws = socket(client, path)
    connected, _ = await ws.connect(timeout=10)
    assert connected
    if path == "/ws/notifications/":
        assert await ws.receive_json_from(timeout=5) == {"type": "hello"}
    return ws


async def closed_within(ws: WebsocketCommunicator, seconds: float) -> int:
    """The close code the socket sent, failing if it took longer than `seconds`."""
    started = time.monotonic()
    message = await ws.receive_output(timeout=seconds)
    assert message["type"] == "websocket.close", message
    assert time.monotonic() - started < seconds
    return message["code"]


def order_path(order) -> str:
    return f"/ws/orders/{order.code}/"


@pytest.mark.parametrize("page", ["notifications", "order"])
async def test_a_socket_closes_within_5_s_after_its_person_signs_out(order, daughter, page):
    client = await signed_in(daughter)
    path = "/ws/notifications/" if page == "notifications" else order_path(order)
    ws = await opened(client, path)

    response = await sync_to_async(client.post)("/accounts/logout/")

    assert response.status_code == 302
    assert await closed_within(ws, WITHIN) == SIGNED_OUT


async def test_signing_out_in_one_browser_leaves_the_other_browsers_socket_open(order, daughter):
    phone, laptop = await signed_in(daughter), await signed_in(daughter)
    on_phone = await opened(phone, order_path(order))
    on_laptop = await opened(laptop, order_path(order))

    await sync_to_async(laptop.post)("/accounts/logout/")

    assert await closed_within(on_laptop, WITHIN) == SIGNED_OUT
    assert await on_phone.receive_nothing(timeout=1)
    await on_phone.disconnect()


async def test_a_deactivated_account_loses_every_socket(order, daughter):
    ws = await opened(await signed_in(daughter), "/ws/notifications/")

    def deactivate():
        daughter.is_active = False
        daughter.save(update_fields=["is_active"])

    await sync_to_async(deactivate)()

    assert await closed_within(ws, WITHIN) == SIGNED_OUT


def remove_care_link(order, cast) -> None:
    CareLink.objects.filter(account=cast["son"]).delete()


def remove_role(order, cast) -> None:
    RoleAssignment.objects.filter(user=cast["community_staff"]).delete()


def remove_membership(order, cast) -> None:
    ProviderMember.objects.filter(user=cast["provider_manager"]).delete()


def take_the_worker_off(order, cast) -> None:
    Order.objects.filter(pk=order.pk).update(worker=None)


LOSSES = {
    "son": remove_care_link,
    "community_staff": remove_role,
    "provider_manager": remove_membership,
}


@pytest.mark.parametrize("who", LOSSES)
async def test_an_order_socket_closes_within_5_s_after_its_person_loses_access(order, cast, who):
    ws = await opened(await signed_in(cast[who]), order_path(order))

    await sync_to_async(LOSSES[who])(order, cast)

    assert await closed_within(ws, WITHIN) == NOT_ALLOWED


async def test_the_notification_socket_stays_open_when_a_role_goes(order, cast):
    """Notifications are the person's own: losing a role does not end them."""
    ws = await opened(await signed_in(cast["community_staff"]), "/ws/notifications/")

    await sync_to_async(remove_role)(order, cast)

    assert await ws.receive_nothing(timeout=1)
    await ws.disconnect()


async def test_a_change_that_leaves_access_keeps_the_socket(order, daughter, grandma_li):
    """The daughter booked the order: without her family link she still sees it."""
    ws = await opened(await signed_in(daughter), order_path(order))

    await sync_to_async(CareLink.objects.filter(account=daughter).delete)()

    assert await ws.receive_nothing(timeout=1)
    await ws.disconnect()


async def test_a_worker_taken_off_an_order_hears_no_more_of_it(order, caregiver):
    def assign():
        member = ProviderMember.objects.get(user=caregiver)
        Order.objects.filter(pk=order.pk).update(worker=member)

    await sync_to_async(assign)()
    ws = await opened(await signed_in(caregiver), order_path(order))
    await sync_to_async(take_the_worker_off)(order, None)

    await get_channel_layer().group_send(
        order_group(order.code), {"type": "order.event", "payload": {"code": order.code}}
    )

    assert await closed_within(ws, WITHIN) == NOT_ALLOWED


def short_lived_groups(expiry: int) -> dict:
    layer = settings.CHANNEL_LAYERS["default"]
    return {"default": {**layer, "CONFIG": {**layer["CONFIG"], "group_expiry": expiry}}}


async def test_a_page_open_past_the_group_expiry_still_hears_its_order(order, daughter):
    """Groups expire 2 s after joining here; the socket joins again every 0.3 s."""
    with override_settings(CHANNEL_LAYERS=short_lived_groups(2), LIVE_REJOIN_SECONDS=0.3):
        ws = await opened(await signed_in(daughter), order_path(order))
        await asyncio.sleep(3.5)

        await get_channel_layer().group_send(
            order_group(order.code), {"type": "order.event", "payload": {"code": order.code}}
        )

        assert await ws.receive_json_from(timeout=5) == {"code": order.code}
        await ws.disconnect()


async def test_a_dead_servers_channels_leave_their_groups_after_the_group_expiry(order, daughter):
    group = order_group(order.code)
    with override_settings(CHANNEL_LAYERS=short_lived_groups(2), LIVE_REJOIN_SECONDS=0.3):
        layer = get_channel_layer()
        # A socket of a server that died: it joined, and nobody will join for it again.
        dead = await layer.new_channel()
        await layer.group_add(group, dead)
        ws = await opened(await signed_in(daughter), order_path(order))
        await asyncio.sleep(3.5)

        await layer.group_send(group, {"type": "order.event", "payload": {"code": order.code}})

        connection = layer.connection(layer.consistent_hash(group))
        members = {m.decode() for m in await connection.zrange(layer._group_key(group), 0, -1)}
        assert dead not in members
        assert len(members) == 1  # the open page's socket, still there
        await ws.disconnect()


async def test_groups_expire_within_an_hour_and_are_rejoined_well_before():
    expiry = settings.CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"]
    assert expiry <= 3600
    assert expiry >= settings.LIVE_REJOIN_SECONDS * 5
