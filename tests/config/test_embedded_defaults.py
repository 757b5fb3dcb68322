"""`make run` works on the embedded parts alone: SQLite, in-memory layer, immediate tasks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_new_user_can_browse_search_and_book_on_sqlite(tmp_path):
    database = tmp_path / "linli.sqlite3"
    for step in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        result = manage(*step, database=database)
        assert result.returncode == 0, result.stderr

    script = (Path(__file__).parent / "embedded_smoke.py").read_text()
    result = manage("shell", "-v", "0", "-c", script, database=database)

    assert result.returncode == 0, result.stderr
    assert "catalogue ok" in result.stdout
    assert "booking ok pending_payment" in result.stdout
