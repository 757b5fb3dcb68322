"""The forms a page offers, read from its HTML, so that new fields and new forms are
fuzzed without anyone listing them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(
                action=a.get("action") or self.page_url,
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self.form)
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
        elif self.form is None or "name" not in a or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            old = self.form.fields.get(a["name"])
            value = a.get("value", "on" if kind in {"radio", "checkbox"} else "")
            if old is not None and kind in {"radio", "checkbox", "submit"}:
                old.options.append(value)
            else:
                self.form.fields[a["name"]] = Field(a["name"], kind, value, [value])
        elif tag == "button" and a.get("name"):
            self.form.fields.setdefault(a["name"], Field(a["name"], "submit")).options.append(
                a.get("value", "")
            )
        elif tag == "textarea":
            self.form.fields[a["name"]] = Field(a["name"], "textarea")
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.form.fields[a["name"]] = self.select

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
