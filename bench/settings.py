"""The production settings plus a bench-only URLconf (the minimal view). Benchmarks serve
plain HTTP on 127.0.0.1, so HTTPS redirects are off; everything else is as deployed."""

import os

os.environ.setdefault("SECRET_KEY", "linli-bench-not-a-secret-" + "x" * 40)
os.environ.setdefault("HTTPS", "false")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
