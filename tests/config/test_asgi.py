"""The ASGI application routes WebSockets through Channels with the session's user."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from accounts.consumers import user_group
from config.asgi import application

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    """Consumers reach the database from asgiref's sync thread; close what they opened
    there, or the test database cannot be dropped at the end of the run."""
    yield
    await sync_to_async(connections.close_all)()


async def session_cookie_for(user) -> str:
    client = Client()
    await sync_to_async(client.force_login)(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def communicator(cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def test_a_signed_in_person_is_accepted_and_hears_their_own_group(daughter):
    ws = communicator(await session_cookie_for(daughter))
    connected, _subprotocol = await ws.connect()
    assert connected
    assert await ws.receive_json_from(timeout=5) == {"type": "hello"}

    await get_channel_layer().group_send(
        user_group(daughter.pk), {"type": "notify", "payload": {"text": "您的订单已确认"}}
    )

    assert await ws.receive_json_from(timeout=5) == {"text": "您的订单已确认"}
    await ws.disconnect()


async def test_a_stranger_is_refused(db):
    ws = communicator()
    connected, close_code = await ws.connect()
    assert not connected
    assert close_code == 4401


async def test_one_persons_notifications_do_not_reach_another(daughter, other_resident):
    ws = communicator(await session_cookie_for(other_resident))
    connected, _ = await ws.connect()
    assert connected
    await ws.receive_json_from(timeout=5)

    await get_channel_layer().group_send(
        user_group(daughter.pk), {"type": "notify", "payload": {"text": "private"}}
    )

    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()


async def test_a_foreign_origin_is_refused(daughter):
    cookie = await session_cookie_for(daughter)
    ws = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie.encode())],
    )
    connected, _ = await ws.connect()
    assert not connected


@pytest.mark.redis
async def test_the_channel_layer_under_test_is_redis():
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
