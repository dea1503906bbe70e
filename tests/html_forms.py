"""Reads an HTML form as a browser would submit it (inputs, checked boxes, selected options, textareas)."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.select_first: str | None = None
        self.option_value: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.data[self.select] = value
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data[self.textarea] = "".join(self.text).lstrip("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def form_data(html: str, form_id: str) -> dict[str, str]:
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.data
