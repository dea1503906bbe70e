"""The PDF is laid out once: the row groups that start a page repeat their area and activity
without a second layout, and the pages are the very pages of laying out until the page starts
stay put (reports/pdf/page_starts.py)."""

import subprocess

import pytest
import weasyprint
import weasyprint.document
from PIL import Image, ImageChops

from reports.pdf import page_starts as pdf_page_starts
from reports.pdf import render as report_pdf_module
from reports.quarters.selectors import quarter_table
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(monkeypatch):
    """How many times WeasyPrint lays out a document."""
    calls = []
    original = weasyprint.document.layout_document

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(weasyprint.document, "layout_document", counted)
    return calls


@pytest.fixture
def long_table(people):
    """A four-page plan whose pages end on a group that shares its area with the next page's first."""
    plan = make_plan(
        indicators=120, office_name=people.office.name, title="দীর্ঘ পরীক্ষামূলক কর্মপরিকল্পনা"
    )
    return quarter_table(plan_id=plan.pk, quarter=1)


def page_images(document, tmp_path, name) -> list[Image.Image]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(document.write_pdf())
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / name)], check=True, timeout=120
    )
    return [Image.open(png).convert("RGB") for png in sorted(tmp_path.glob(f"{name}-*.png"))]


def repeated_groups(table) -> set[int]:
    return {
        group.index
        for group in table.row_groups
        if any(
            getattr(group.rows[0], f"{attr}_continued") and getattr(group.rows[0], f"{attr}_shown")
            for attr in ("area", "activity")
        )
    }


def test_a_plan_over_several_pages_is_laid_out_once(long_table, layouts):
    document = report_pdf_module.render_document(long_table, draft=True)
    assert len(document.pages) >= 3
    assert len(layouts) == 1


def test_the_pages_are_those_of_laying_out_until_the_page_starts_stay(long_table, tmp_path):
    once = report_pdf_module.render_document(long_table, draft=True)
    repeated = repeated_groups(long_table)
    passes = report_pdf_module.render_document_in_passes(long_table, draft=True)
    assert repeated and repeated == repeated_groups(
        long_table
    )  # the same groups print their area again

    first, second = page_images(once, tmp_path, "once"), page_images(passes, tmp_path, "passes")
    assert len(first) == len(second) == len(once.pages)
    for number, (a, b) in enumerate(zip(first, second), start=1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {number} differs"


def test_after_rendering_the_table_repeats_the_area_on_the_groups_that_start_a_page(long_table):
    """`report_html` after a render (the benchmark's input for bare WeasyPrint) is the PDF's HTML."""
    placed = report_pdf_module.group_pages(
        report_pdf_module.render_document(long_table, draft=True)
    )
    first = {group: min(pages) for group, pages in placed.items()}
    starts = {group for group in first if group > 0 and first[group] != first[group - 1]}
    assert starts and repeated_groups(long_table) == starts


def test_the_wrapped_table_layout_is_that_of_weasyprint_70():
    # Fails on purpose when a WeasyPrint upgrade changes the table layout, column widths or
    # collapsed borders that reports/pdf/page_starts.py wraps and edits: then re-read that module
    # against the new code, rerun this file, and record the new fingerprint.
    assert (
        pdf_page_starts.layout_fingerprint() == pdf_page_starts.WEASYPRINT_TABLE_LAYOUT_FINGERPRINT
    ), (
        f"WeasyPrint {weasyprint.__version__} changed the table layout that the PDF's page starts rely on"
    )


def test_installing_refuses_a_table_layout_with_other_parameters(monkeypatch):
    import weasyprint.layout.block as block

    monkeypatch.setattr(pdf_page_starts, "_originals", {})
    monkeypatch.setattr(block, "table_layout", lambda context, box, skip_stack, bottom_space: None)
    with pytest.raises(RuntimeError, match="reports/pdf/page_starts.py must be adapted"):
        pdf_page_starts.install()
