"""One layout pass for the PDF's table: a row group that starts a page prints its area and activity.

The table is laid out in row groups (reports.quarters.selectors.QuarterTable.layout). A group that
carries on the area or activity of the group above opens "continued" cells: empty, with a
hidden top border, except on the group that starts a page, where they print the area and
activity again with a normal top border. Which groups start a page is known only from the
layout itself, so the PDF used to be laid out twice.

Here the HTML gives every continued cell its text and its normal border (the "shown" form),
and WeasyPrint 70's `table_layout` is wrapped: each time it lays out a page's part of the
table, the group the part resumes at (the page's first group) keeps the shown form, and
every other continued cell is made empty with no top border, as the hidden form is. The
column widths are measured on that hidden form too: the repeated text also stands in the
cell that opens the area or activity, in the same column, so the widths are the same. What
the page-start groups also change outside themselves is applied once the pages are made:

- the border between the page's last group and the next page's first group is the shown
  one, drawn as the page's bottom line (WeasyPrint draws a page's last line from the
  collapsed-border grid at the next row; the other continued rows keep their hidden border);
- the spanning cells of the page's last group have that border's half as their bottom
  border width, which (vertical-align: middle) moves their text up by a quarter of the
  border: the cells are shifted accordingly. If such a cell is the one that sets its row's
  height, the page would change: `finish` then says so and the caller lays out again.

The result is the same boxes as the former fixed point of "lay out, repeat the text on the
page-start groups, lay out again" (tests/pdf/test_pdf_layout_once.py compares the pixels).
"""

import contextlib
import contextvars
import hashlib
import inspect
from dataclasses import dataclass, field

AREA_COLUMNS = (0, 1, 2)  # serial, area, area weight: the first row of a group opens them
ACTIVITY_COLUMNS = (3,)
TABLE_CLASS = "apa-table"
# What WeasyPrint's collapse_table_borders makes of a hidden border: width 0, never drawn.
HIDDEN_BORDER = ((1, 0, 0), ("hidden", 0, None))

# row group index → the grid columns whose cells continue from the group above
_continued: contextvars.ContextVar[dict[int, tuple[int, ...]] | None] = contextvars.ContextVar(
    "continued_columns", default=None
)
_originals: dict = {}  # WeasyPrint's functions that install() wraps

# sha256 of the source of the WeasyPrint 70.0 code this module depends on: the table layout it
# wraps (how a page's part resumes from a skip stack), the column widths, the collapsed-border
# grid it edits and the drawing that reads that grid. See layout_fingerprint(); the test
# (tests/pdf/test_pdf_layout_once.py) fails when an upgrade changes any of it.
# The leading parameters the wrappers below read, by position.
WRAPPED_PARAMETERS = {
    "table_layout": ("context", "table", "bottom_space", "skip_stack"),
    "table_wrapper_width": ("context", "wrapper"),
}
WEASYPRINT_TABLE_LAYOUT_FINGERPRINT = (
    "eae05c00d054a217751ee49f2ed11145752044fa1dadd8bc5b159b47455ef6f0"
)


@dataclass
class ContinuedGroup:
    index: int
    columns: tuple[int, ...]
    cells: list  # the group's continued cells (box tree), shown form
    text: list  # their children (the area/activity text)
    top_widths: list[float]
    above: list  # the cells of the group above that they touch
    bottom_widths: list[float]  # the shown border's half, as the cells above have it
    grid_row: int


@dataclass
class TableRepeat:
    header_groups: int
    groups: dict[int, ContinuedGroup] = field(default_factory=dict)

    def lay_out_page(self, skip_stack) -> None:
        """Set the shown form on the group this page's part of the table starts with, hidden on the rest."""
        start = None
        if skip_stack:
            ((skip, group_skip_stack),) = skip_stack.items()
            if group_skip_stack is None:
                start = skip - self.header_groups
        for group in self.groups.values():
            shown = group.index == start
            for cell, text, width in zip(group.cells, group.text, group.top_widths):
                cell.children = list(text) if shown else []
                cell.border_top_width = width if shown else 0
            for cell in group.above:
                cell.border_bottom_width = 0


def _is_report_table(table) -> bool:
    element = getattr(table, "element", None)
    return element is not None and TABLE_CLASS in (element.get("class") or "").split()


def _prepare(table, continued: dict[int, tuple[int, ...]]) -> TableRepeat:
    body = [group for group in table.children if not group.is_header and not group.is_footer]
    header_groups = table.children.index(body[0]) if body else 0
    grid_rows = [len(group.children) for group in table.children[:header_groups]]
    repeat = TableRepeat(header_groups=header_groups)
    row = sum(grid_rows)
    for index, group in enumerate(body):
        columns = continued.get(index, ())
        if columns and index > 0:
            cells = [group.children[0].children[x] for x in columns]
            above = [body[index - 1].children[0].children[x] for x in columns]
            assert all(cell.grid_x == x for cell, x in zip(cells, columns))
            repeat.groups[index] = ContinuedGroup(
                index=index,
                columns=columns,
                cells=cells,
                text=[list(cell.children) for cell in cells],
                top_widths=[cell.border_top_width for cell in cells],
                above=above,
                bottom_widths=[cell.border_bottom_width for cell in above],
                grid_row=row,
            )
        row += len(group.children)
    return repeat


def _repeat_for(table) -> TableRepeat | None:
    continued = _continued.get()
    if continued is None or not _is_report_table(table):
        return None
    repeat = getattr(table, "page_start_repeat", None)
    if repeat is None:
        repeat = table.page_start_repeat = _prepare(table, continued)
    return repeat


def _table_wrapper_width(context, wrapper, *args):
    repeat = _repeat_for(wrapper.get_wrapped_table())
    if repeat is not None:
        # The column widths without the repeated text (the same text stands in the cell that
        # opens the area or activity, in the same column): measuring it again costs time.
        repeat.lay_out_page(None)
    return _originals["table_wrapper_width"](context, wrapper, *args)


def _table_layout(context, table, bottom_space, skip_stack, *args):
    repeat = _repeat_for(table)
    if repeat is not None:
        repeat.lay_out_page(skip_stack)
    return _originals["table_layout"](context, table, bottom_space, skip_stack, *args)


def layout_fingerprint() -> str:
    """A digest of the WeasyPrint code this module depends on: table layout, widths and borders."""
    import weasyprint.draw
    import weasyprint.layout.table as table

    functions = (
        table.table_layout,
        table.table_wrapper_width,
        table.collapse_table_borders,
        weasyprint.draw.draw_collapsed_borders,
    )
    return hashlib.sha256("\n".join(inspect.getsource(f) for f in functions).encode()).hexdigest()


def install() -> None:
    """Wrap WeasyPrint's table layout (idempotent); only tables laid out under `laying_out` change."""
    import weasyprint
    import weasyprint.layout.block as block

    for name, parameters in WRAPPED_PARAMETERS.items():
        found = tuple(inspect.signature(_originals.get(name, getattr(block, name))).parameters)
        if found[: len(parameters)] != parameters:
            raise RuntimeError(
                f"WeasyPrint {weasyprint.__version__}: {name}{found} does not start with "
                f"{parameters}; reports/pdf/page_starts.py must be adapted"
            )
    for name, wrapper in (
        ("table_layout", _table_layout),
        ("table_wrapper_width", _table_wrapper_width),
    ):
        if getattr(block, name) is not wrapper:
            _originals[name] = getattr(block, name)
            setattr(block, name, wrapper)


@contextlib.contextmanager
def laying_out(continued: dict[int, tuple[int, ...]]):
    install()
    token = _continued.set(continued)
    try:
        yield
    finally:
        _continued.reset(token)


def continued_columns(row_groups) -> dict[int, tuple[int, ...]]:
    """Row group index → the grid columns of its cells that continue from the group above."""
    columns = {}
    for group in row_groups:
        first = group.rows[0]
        columns[group.index] = (AREA_COLUMNS if first.area_continued else ()) + (
            ACTIVITY_COLUMNS if first.activity_continued else ()
        )
    return {index: cols for index, cols in columns.items() if cols}


def _page_tables(document):
    """The report table's laid-out part on each page (None where a page has none)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in document.pages:
        table, stack = None, [page._page_box]
        while stack and table is None:
            box = stack.pop()
            if isinstance(box, boxes.TableBox):
                table = box if _is_report_table(box) else None
            elif isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
                stack.extend(reversed(box.children))  # block-level boxes only: the table is one
        found.append(table)
    return found


def finish(document) -> frozenset[int] | None:
    """Apply what the page-start groups change outside themselves; their indexes, or None if
    the pages themselves would change (the caller then lays out again)."""
    tables = [table for table in _page_tables(document) if table is not None]
    repeat = getattr(tables[0], "page_start_repeat", None) if tables else None
    if repeat is None:
        return frozenset()
    parts = [
        [group for group in table.children if not group.is_header and not group.is_footer]
        for table in tables
    ]
    starts = set()
    for body, following in zip(parts, parts[1:]):
        if not body or not following or following[0].children[0].index != 0:
            continue  # a group cut by the page break goes on: it does not start the page
        start = following[0].index - repeat.header_groups
        starts.add(start)
        group = repeat.groups.get(start)
        if group is None:
            continue
        last = body[-1]
        if last.index - repeat.header_groups != start - 1 or last.children[0].index != 0:
            return None
        for x, width in zip(group.columns, group.bottom_widths):
            if not _widen_bottom_border(
                next(c for c in last.children[0].children if c.grid_x == x), width
            ):
                return None
    # The collapsed-border grid (one for every page's part): hidden borders above the
    # continued cells of the groups that do not start a page.
    horizontal = tables[0].collapsed_border_grid[1]
    for group in repeat.groups.values():
        if group.index not in starts:
            for x in group.columns:
                horizontal[group.grid_row][x] = HIDDEN_BORDER
    return frozenset(starts)


def _widen_bottom_border(cell, width: float) -> bool:
    """Give a laid-out middle-aligned cell a bottom border `width`, as if it had been laid out
    with it; False if that would make its row taller."""
    delta = width - cell.border_bottom_width
    if not delta:
        return True
    slack = cell.padding_bottom - cell.style["padding_bottom"].value  # half the free height
    if cell.vertical_align != "middle" or slack < delta / 2 - 1e-9:
        return False
    cell.border_bottom_width += delta
    cell.padding_top -= delta / 2
    cell.padding_bottom -= delta / 2
    for child in cell.children:
        child.translate(dy=-delta / 2)
    return True
