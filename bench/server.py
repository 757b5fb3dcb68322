"""The app server started the way the README deploys it, for the benchmarks that need one:
uvicorn with one worker process per CPU, or (for comparison) one Daphne process."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

APP = "config.asgi:application"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_server_arguments(parser) -> None:
    parser.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count(), help="uvicorn's worker processes"
    )


def command(server: str, port: int, workers: int) -> list[str]:
    bin_dir = Path(sys.executable).parent
    if server == "daphne":
        return [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(port), APP]
    return [
        str(bin_dir / "uvicorn"),
        APP,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def start(server: str, port: int, workers: int, log_name: str) -> subprocess.Popen:
    """The server with this process's environment; its output goes to
    test-output/<log_name> (the access log stays on, as deployed, but unread)."""
    log = Path(settings.BASE_DIR) / "test-output" / log_name
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        command(server, port, workers),
        env=dict(os.environ),
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal/", timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    sys.exit(f"{server} did not answer within a minute; see {log}.")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)
