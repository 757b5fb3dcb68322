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
    multipart: bool = False


class _Parser(HTMLParser):
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
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self.form)
        elif self.form is None or "name" not in a or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            old = self.form.fields.get(a["name"])
            if old is not None and kind in {"radio", "checkbox", "submit"}:
                old.options.append(a.get("value", "on"))
            else:
                self.form.fields[a["name"]] = Field(
                    a["name"], kind, a.get("value", ""), [a.get("value", "on")]
                )
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


class _OptionParser(_Parser):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self.select is not None:
            self.select.options.append(dict(attrs).get("value") or "")
            return
        super().handle_starttag(tag, attrs)


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _OptionParser(page_url)
    parser.feed(html)
    return parser.forms
