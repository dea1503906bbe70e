"""Cells of the .xlsx files the app writes: text is always written as text.

openpyxl writes a string that starts with "=" as a live formula; an office named
`=HYPERLINK(...)` must reach a reviewer's spreadsheet as the text it is.
"""


def text_cell(ws, row: int, column: int, value: str | None):
    """A cell holding text as text (a normal, not write-only, worksheet)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
