"""The client side of the fan-out benchmark, in its own process (no Django): N WebSocket
connections to /ws/orders/<code>/, each with its family's session cookie. Reads the
[(code, cookie)] list as JSON on stdin, prints "ready <n>" once connected, then on stdin's
"stop" prints {code: [receipt times]} as JSON."""

import asyncio
import json
import sys
import time

import aiohttp

received: dict[str, list[float]] = {}


async def listen(
    session: aiohttp.ClientSession, base: str, code: str, cookie: str, ready: asyncio.Queue
) -> None:
    url = f"ws://{base}/ws/orders/{code}/"
    headers = {"Cookie": cookie, "Origin": f"http://{base}"}
    try:
        async with session.ws_connect(url, headers=headers, heartbeat=None) as ws:
            await ready.put(True)
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    # Stamped on arrival, before parsing: the latency is the transport's.
                    at = time.time()
                    if json.loads(message.data).get("type") == "order_event":
                        received.setdefault(code, []).append(at)
    except aiohttp.ClientError:
        await ready.put(False)


async def main() -> None:
    base = sys.argv[1]
    watchers = json.loads(sys.stdin.readline())
    ready: asyncio.Queue = asyncio.Queue()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = []
        connected = 0
        # In waves: a thousand handshakes at once would each wait on the server's database.
        for start in range(0, len(watchers), 50):
            wave = watchers[start : start + 50]
            tasks += [asyncio.create_task(listen(session, base, *w, ready)) for w in wave]
            for _ in wave:
                connected += await ready.get()
        print(f"ready {connected}", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
        print(json.dumps(received), flush=True)
        for task in tasks:
            task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
