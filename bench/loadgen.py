"""A small closed-loop HTTP load generator: N connections, each sending its next request
when the last answer is read (no wrk or oha on these machines; aiohttp is already pinned
in constraints.txt as a dependency of localstripe)."""

import asyncio
import time
from dataclasses import dataclass, field

import aiohttp


@dataclass
class Result:
    label: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile p (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


async def _worker(
    session: aiohttp.ClientSession,
    urls: list[str],
    headers: dict,
    result: Result,
    until: float,
    n: int,
) -> None:
    i = n
    while time.perf_counter() < until:
        url = urls[i % len(urls)]
        i += 1
        started = time.perf_counter()
        try:
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientError:
            result.errors += 1
            continue
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1


async def _run(
    label: str, urls: list[str], headers: dict, connections: int, seconds: float, warmup: float
) -> Result:
    connector = aiohttp.TCPConnector(limit=connections)
    jar = aiohttp.DummyCookieJar()  # every request carries exactly the headers given
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=jar, timeout=timeout) as s:
        if warmup:
            scratch = Result(label, warmup)
            until = time.perf_counter() + warmup
            await asyncio.gather(
                *(_worker(s, urls, headers, scratch, until, n) for n in range(connections))
            )
        result = Result(label, seconds)
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(
            *(_worker(s, urls, headers, result, until, n) for n in range(connections))
        )
        # The last requests finish after `until`: count the time they really took.
        result.seconds = time.perf_counter() - started
        return result


def hammer(
    label: str,
    urls: list[str],
    *,
    headers: dict | None = None,
    connections: int = 16,
    seconds: float = 10.0,
    warmup: float = 2.0,
) -> Result:
    return asyncio.run(_run(label, urls, headers or {}, connections, seconds, warmup))
