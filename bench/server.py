"""Daphne started the way the README deploys it, for the benchmarks that need a server."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(port: int, log_name: str) -> subprocess.Popen:
    """`daphne config.asgi:application` with this process's environment; its output goes
    to test-output/<log_name> (the access log stays on, as deployed, but unread)."""
    log = Path(settings.BASE_DIR) / "test-output" / log_name
    log.parent.mkdir(exist_ok=True)
    daphne = Path(sys.executable).with_name("daphne")
    server = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        env=dict(os.environ),
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"Daphne did not answer within a minute; see {log}.")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)
