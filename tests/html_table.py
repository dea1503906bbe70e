"""Reads an HTML table into rows of cells (text, rowspan, colspan) with the standard library."""

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    tag: str = "td"


class _TableParser(HTMLParser):
    def __init__(self, table_class: str):
        super().__init__()
        self.table_class = table_class
        self.depth = 0  # >0 while inside the wanted table
        self.sections: dict[str, list[list[Cell]]] = {"thead": [], "tbody": [], "tfoot": []}
        self.section = None
        self.cell: Cell | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            if self.depth or self.table_class in (attrs.get("class") or "").split():
                self.depth += 1
            return
        if not self.depth:
            return
        if tag in self.sections:
            self.section = tag
        elif tag == "tr":
            self.sections[self.section or "tbody"].append([])
        elif tag in ("td", "th"):
            self.cell = Cell("", int(attrs.get("rowspan", 1)), int(attrs.get("colspan", 1)), tag)
            self.parts = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.cell.text = " ".join("".join(self.parts).split())
            self.sections[self.section or "tbody"][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.parts.append(data)


def read_table(html: str, table_class: str = "apa-table") -> dict[str, list[list[Cell]]]:
    parser = _TableParser(table_class)
    parser.feed(html)
    return parser.sections


def grid(rows: list[list[Cell]]) -> list[list[str]]:
    """Expand row and column spans: every position holds its cell's text."""
    table: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in table:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    table[(r + dr, c + dc)] = cell.text
            c += cell.colspan
    height = len(rows)
    width = max((c for _, c in table), default=-1) + 1
    return [[table.get((r, c), "") for c in range(width)] for r in range(height)]
