"""Cells of the .xlsx files the app writes: text is always written as text.

openpyxl writes a string that starts with "=" as a live formula; an office named
`=HYPERLINK(...)` must reach a reviewer's spreadsheet as the text it is. Every .xlsx the app
writes puts its cells through `text_cell` or `text_row`.
"""

from openpyxl.cell.cell import Cell


def text_cell(ws, row: int, column: int, value: str | None):
    """A cell holding text as text (a normal, not write-only, worksheet)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def text_row(ws, values) -> None:
    """Append a row to a normal or a write-only worksheet, its strings as text cells (numbers and
    dates stay typed)."""
    ws.append([_text(ws, value) if isinstance(value, str) else value for value in values])


def _text(ws, value: str) -> Cell:
    cell = Cell(ws, row=1, column=1, value=value)  # placed by append
    cell.data_type = "s"
    return cell
