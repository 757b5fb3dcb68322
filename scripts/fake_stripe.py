"""A local fake Stripe for the demo and the tests: localstripe, plus the few Stripe Connect
endpoints Linli uses and localstripe lacks (accounts, account links, transfers), plus what the
pay page needs (fake_stripe_pay.py: the Payment Element, confirming again after a decline,
3-D Secure / Alipay / WeChat Pay stand-ins, idempotency keys, a record of requests), plus
saved cards (fake_stripe_cards.py: SetupIntents confirmed in the browser, off-session charges).

    python scripts/fake_stripe.py --port 8420

The state lives in memory only (localstripe's own pickle file in /tmp would be shared by
every instance on the machine). Stripe.js for the browser is served at
http://127.0.0.1:<port>/js.stripe.com/v3/. See docs/decisions/0010-payments.md.
"""

import argparse
import secrets
import time
from urllib.parse import urlencode

import fake_stripe_cards
import fake_stripe_pay
from aiohttp import web
from localstripe import resources, server

# One instance, one memory: never read or write /tmp/localstripe.pickle.
resources.store.dump_to_disk = lambda: None
resources.store.try_load_from_disk = lambda: None

ACCOUNTS: dict[str, dict] = {}
TRANSFERS: dict[str, dict] = {}


def _id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


async def _form(request: web.Request) -> dict:
    data = await server.get_post_data(request) or {}
    return dict(data)


async def create_account(request: web.Request) -> web.Response:
    data = await _form(request)
    account = {
        "id": _id("acct_"),
        "object": "account",
        "type": data.get("type", "express"),
        "country": data.get("country", "CN"),
        "details_submitted": False,
        "payouts_enabled": False,
        "charges_enabled": False,
        "metadata": data.get("metadata") or {},
        "created": int(time.time()),
    }
    ACCOUNTS[account["id"]] = account
    return server.json_response(account)


async def retrieve_account(request: web.Request) -> web.Response:
    account = ACCOUNTS.get(request.match_info["id"])
    if account is None:
        return server.json_response({"error": {"message": "No such account"}}, status=404)
    return server.json_response(account)


async def create_account_link(request: web.Request) -> web.Response:
    data = await _form(request)
    account = data.get("account")
    if account not in ACCOUNTS or not data.get("return_url"):
        return server.json_response({"error": {"message": "Bad request"}}, status=400)
    base = f"{request.scheme}://{request.host}"
    query = urlencode({"return_url": data["return_url"]})
    return server.json_response(
        {
            "object": "account_link",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 300,
            "url": f"{base}/_config/connect/onboarding/{account}?{query}",
        }
    )


async def onboarding(request: web.Request) -> web.Response:
    """Stands in for Stripe's hosted onboarding: the provider 'fills in' and returns."""
    account = ACCOUNTS.get(request.match_info["id"])
    if account is None:
        raise web.HTTPNotFound()
    account.update(details_submitted=True, payouts_enabled=True, charges_enabled=True)
    raise web.HTTPFound(request.query.get("return_url", "/"))


async def create_transfer(request: web.Request) -> web.Response:
    data = await _form(request)
    destination = ACCOUNTS.get(data.get("destination"))
    amount = int(data.get("amount", 0))
    if destination is None or not destination["payouts_enabled"] or amount <= 0:
        return server.json_response({"error": {"message": "Bad request"}}, status=400)
    transfer = {
        "id": _id("tr_"),
        "object": "transfer",
        "amount": amount,
        "currency": data.get("currency", "cny"),
        "destination": destination["id"],
        "transfer_group": data.get("transfer_group"),
        "metadata": data.get("metadata") or {},
        "created": int(time.time()),
    }
    TRANSFERS[transfer["id"]] = transfer
    return server.json_response(transfer)


async def list_transfers(request: web.Request) -> web.Response:
    """Stripe lists transfers newest first, filtered by transfer_group and destination (it
    has no search for transfers); Linli looks up a transfer whose answer it lost this way."""
    query = request.query
    unknown = set(query) - {"transfer_group", "destination", "limit", "starting_after"}
    if unknown:
        return server.json_response(
            {"error": {"message": "Received unknown parameter: " + ", ".join(sorted(unknown))}},
            status=400,
        )
    found = [
        transfer
        for transfer in reversed(TRANSFERS.values())
        if all(
            transfer.get(key) == query[key]
            for key in ("transfer_group", "destination")
            if key in query
        )
    ]
    limit = int(query.get("limit", 10))
    return server.json_response(
        {
            "object": "list",
            "url": "/v1/transfers",
            "has_more": len(found) > limit,
            "data": found[:limit],
        }
    )


CLOCK: list = []


async def set_clock(request: web.Request) -> web.Response:
    """Tests only: follow the test's clock (tests/clock.py), so that the webhooks this
    server signs are on the time of the site that checks them. Needs time-machine, a test
    dependency, so it is imported here and not at the top."""
    import datetime

    import time_machine

    data = await _form(request)
    real = time_machine.escape_hatch
    real_now = real.time.time() if real.is_travelling() else time.time()
    since = real_now - float(data["LINLI_CLOCK_REAL"])
    now = datetime.datetime.fromisoformat(data["LINLI_CLOCK_NOW"])
    while CLOCK:
        CLOCK.pop().stop()
    traveller = time_machine.travel(now + datetime.timedelta(seconds=since), tick=True)
    traveller.start()
    CLOCK.append(traveller)
    return server.json_response({"now": time.time()})


def build_app() -> web.Application:
    app = server.app
    app.router.add_post("/v1/accounts", create_account)
    app.router.add_get("/v1/accounts/{id}", retrieve_account)
    app.router.add_post("/v1/account_links", create_account_link)
    app.router.add_post("/v1/transfers", create_transfer)
    app.router.add_get("/v1/transfers", list_transfers)
    app.router.add_get("/_config/connect/onboarding/{id}", onboarding)
    app.router.add_post("/_config/clock", set_clock)
    fake_stripe_pay.install(app)
    fake_stripe_cards.install(app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    web.run_app(build_app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
