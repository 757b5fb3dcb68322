"""Issue 20, point 8: the demo's e-mail is readable in the console (the plain-text part,
not raw MIME), and its links follow the host and port `make run` serves."""

import io
import subprocess

from django.core.mail import EmailMultiAlternatives

from linli.console_mail import EmailBackend
from tests.config.test_deploy_check import ROOT, run_manage

DEMO = {"DEBUG": "true", "DATABASE_URL": "sqlite://:memory:"}


def settings_seen(*names: str, **env: str) -> list[str]:
    code = "from django.conf import settings as s;" + ";".join(f"print(s.{name})" for name in names)
    result = run_manage("shell", "--verbosity", "0", "-c", code, **DEMO, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[: len(names)]


def test_the_console_mail_prints_the_plain_text_part_and_no_mime():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="[邻里 Linli] 请确认您的邮箱",
        body="您好，王芳：\n请打开 http://127.0.0.1:8080/accounts/confirm-email/abc/ 确认。",
        from_email="邻里 Linli <noreply@linli.local>",
        to=["wang.fang@linli.local"],
    )
    message.attach_alternative("<p>您好，<b>王芳</b></p>", "text/html")

    EmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert "Subject: [邻里 Linli] 请确认您的邮箱" in printed
    assert "To: wang.fang@linli.local" in printed
    assert "http://127.0.0.1:8080/accounts/confirm-email/abc/" in printed
    assert "您好，王芳" in printed
    for raw in ("Content-Type", "MIME-Version", "Content-Transfer-Encoding", "<b>"):
        assert raw not in printed


def test_the_demo_prints_mail_through_the_readable_console_backend():
    assert settings_seen("MAILERS['default']['BACKEND']") == ["linli.console_mail.EmailBackend"]


def test_links_in_the_demos_mail_follow_the_port_make_run_serves():
    assert settings_seen("SITE_URL", "WAGTAILADMIN_BASE_URL", PORT="8080") == [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080",
    ]
    assert settings_seen("SITE_URL", HOST="0.0.0.0", PORT="9000") == ["http://127.0.0.1:9000"]
    assert settings_seen("SITE_URL", PORT="8080", SITE_URL="https://linli.example.cn") == [
        "https://linli.example.cn"
    ]


def test_make_run_hands_its_port_to_every_step_and_resets_the_demo_on_request():
    """Dry runs of the Makefile: what `make run PORT=8080` and `make reset-demo` would do."""
    run = subprocess.run(
        ["make", "-n", "run", "PORT=8080"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    steps = [line for line in run.splitlines() if "manage.py" in line or "run-demo" in line]
    assert steps and all("PORT=8080" in line for line in steps), run
    reset = subprocess.run(
        ["make", "-n", "reset-demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "rm -rf linli.sqlite3" in reset and "seed_demo" in reset
