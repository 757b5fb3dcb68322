"""Readable e-mail in the demo's console (issue 20, point 8): who, the subject and the
plain-text part, decoded, instead of raw MIME with base64 bodies and the HTML alternative.
Only for `DEBUG`; production sends through SMTP (`manage.py check --deploy` insists)."""

from django.core.mail.backends import console


class EmailBackend(console.EmailBackend):
    def write_message(self, message) -> None:
        headers = [
            ("From", message.from_email),
            ("To", ", ".join(message.to)),
            ("Cc", ", ".join(message.cc)),
            ("Subject", message.subject),
        ]
        for name, value in headers:
            if value:
                self.stream.write(f"{name}: {value}\n")
        # The body is the plain-text part; HTML alternatives are left out on purpose.
        self.stream.write(f"\n{message.body}\n")
        for attachment in message.attachments:
            name = getattr(attachment, "filename", None) or "attachment"
            self.stream.write(f"[attachment: {name}]\n")
        self.stream.write("-" * 79 + "\n")
