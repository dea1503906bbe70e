"""The admin's import shows the file before anything is written: every fault grouped by kind and
beside its row, each Bijoy cell converted (before and after), the single target's tier to choose,
and for a file without faults the plan as the official table. Only "import" on the preview writes
it, and only the session that uploaded the file can."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov_plan.plans.models import ActionPlan
from reports.quarters.models import QuarterlyReport
from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401 (fixtures)
from tests.conftest import client_for
from tests.helpers import indicator_by_code
from tests.plans.test_plan_import_quarterly_layouts import (
    OFFICE,
    PLACE,
    QUARTERLY_HEADER,
    QUARTERLY_ROWS,
    SINGLE_HEADER,
    SINGLE_ROWS,
    line_of,
    text_file,
)

pytestmark = pytest.mark.django_db

IMPORT = "/admin/egov_plan/actionplan/import/"


@pytest.fixture
def admin(people):
    from egov_plan.offices.tree import office_create

    office_create(name=OFFICE, location=PLACE, code="UNO-MYM-MUK")
    return client_for(people.admin)


def upload(client, data: bytes, name="plan.txt"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), "office": ""})


def row_of(html: str, line: int) -> str:
    """The source row of that line, from its <tr> (with its class) to its end."""
    row = html[html.rindex("<tr", 0, html.index(f'data-line="{line}"')) :]
    return row[: row.index("</tr>")]


def test_a_good_file_is_shown_as_the_official_table_and_written_only_on_import(admin):
    before = ActionPlan.objects.count()
    response = upload(admin, text_file(QUARTERLY_HEADER, QUARTERLY_ROWS))
    assert (
        response.status_code == 200 and ActionPlan.objects.count() == before
    )  # nothing written yet
    html = response.content.decode()
    table = html[html.index('class="import-official-table') :]
    assert (
        '<table class="apa-table">' in table and "ইনোভেশন টিমের সভা" in table and "১৫/১২/২২" in table
    )
    assert 'name="action" value="import"' in html and "ভুল আছে" not in html
    response = admin.post(IMPORT, {"token": response.context["token"], "action": "import"})
    assert response.status_code == 302
    plan = ActionPlan.objects.get(office__code="UNO-MYM-MUK")
    assert response["Location"] == f"/admin/egov_plan/actionplan/{plan.pk}/change/"
    assert set(plan.reports.values_list("quarter", "status")) == {
        (1, QuarterlyReport.DRAFT),
        (2, QuarterlyReport.DRAFT),
    }


def test_faults_are_grouped_by_kind_and_said_beside_their_rows_and_nothing_can_be_imported(admin):
    rows = [
        QUARTERLY_ROWS[0][:6] + ["ঘণ্টা২"] + QUARTERLY_ROWS[0][7:],  # no unit
        QUARTERLY_ROWS[1][:13]
        + ["২০/১২/২০২২", ""]
        + QUARTERLY_ROWS[1][15:],  # a December date in quarter 1
        QUARTERLY_ROWS[2][:9] + ["সত্তর"] + QUARTERLY_ROWS[2][10:17] + ["৮৫%"],
    ]
    data = text_file(QUARTERLY_HEADER, rows)
    before = ActionPlan.objects.count()
    response = upload(admin, data)
    assert response.status_code == 400 and ActionPlan.objects.count() == before
    html = response.content.decode()
    assert "ফাইলে ৪টি ভুল আছে; কিছুই আমদানি হয়নি:" in html
    assert re.findall(r'<h3 class="fault-kind">([^<]*)</h3>', html) == [
        "অজানা একক (১)",
        "সংখ্যা, তারিখ বা শতাংশ নয় (১)",
        "ত্রৈমাসিকের বাইরের অর্জন (১)",
        "এ পর্যন্ত অর্জনের অমিল (১)",
    ]
    assert "“একক” কলামে “ঘণ্টা২”" in row_of(html, line_of(data, "১.১.১"))
    assert "সেই ত্রৈমাসিকের (০১/০৭/২২ – ৩০/০৯/২২) বাইরে" in row_of(html, line_of(data, "১.২.১"))
    third = row_of(html, line_of(data, "১.২.২"))
    assert "“সত্তর” শতাংশ নয়" in third and "(গড়) হয় ৮০%" in third and "has-fault" in third
    assert 'value="import"' not in html and "import-official-table" not in html
    # Even a forged "import" with the token writes nothing.
    assert (
        admin.post(IMPORT, {"token": response.context["token"], "action": "import"}).status_code
        == 400
    )
    assert ActionPlan.objects.count() == before


def test_bijoy_cells_are_shown_converted_with_what_the_file_had(admin):
    rows = [
        [{"সংখ্যা": "msL¨v", "[১.২] সেবা সহজিকরণ": "[1.2] cÖwk¶Y"}.get(c, c) for c in row]
        for row in QUARTERLY_ROWS
    ]
    data = text_file(QUARTERLY_HEADER, rows)
    response = upload(admin, data)
    assert response.status_code == 200, response.context["preview"].faults
    html = response.content.decode()
    conversions = html[html.index('class="import-conversions"') :]
    conversions = conversions[: conversions.index("</table>")]
    assert re.findall(
        r'<tr><td>([^<]*)</td><td lang="en"><code>([^<]*)</code></td><td>([^<]*)</td></tr>',
        conversions,
    ) == [
        (f"লাইন {line_of(data, '[১.১.১]')}", "msL¨v", "সংখ্যা"),
        (f"লাইন {line_of(data, 'cÖwk¶Y')}", "[1.2] cÖwk¶Y", "[১.২] প্রশিক্ষণ"),
    ]
    first = row_of(html, line_of(data, "[১.১.১]"))
    assert (
        'class="source-cell converted" title="msL¨v">সংখ্যা<' in first and "কলাম ৭ বিজয় থেকে:" in first
    )
    assert (
        "[১.২] প্রশিক্ষণ" in html[html.index('class="import-official-table') :]
    )  # the plan as it will be


def test_a_single_target_goes_in_the_tier_the_admin_picks_on_the_preview(admin):
    response = upload(admin, text_file(SINGLE_HEADER, SINGLE_ROWS))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="single_tier"' in html
    assert "ফাইলে একটি মাত্র লক্ষ্যমাত্রা, “অসাধারণ” স্তরে রাখা হলো" in html
    token = response.context["token"]
    again = admin.post(
        IMPORT, {"token": token, "action": "preview", "single_tier": "2"}
    ).content.decode()
    assert "“উত্তম” স্তরে রাখা হলো" in again and '<option value="2" selected>' in again
    assert (
        admin.post(IMPORT, {"token": token, "action": "import", "single_tier": "2"}).status_code
        == 302
    )
    plan = ActionPlan.objects.get(office__code="UNO-MYM-MUK")
    assert list(indicator_by_code(plan, "1.1.1").targets) == [None, None, 40, None, None]
    bad = admin.post(IMPORT, {"token": token, "action": "import", "single_tier": "9"})
    assert (
        bad.status_code == 302
    )  # the upload is gone once imported: asked for again, nothing written twice
    assert ActionPlan.objects.filter(office__code="UNO-MYM-MUK").count() == 1


def test_only_the_session_that_uploaded_a_file_can_import_it(admin, people):
    token = upload(admin, text_file(QUARTERLY_HEADER, QUARTERLY_ROWS)).context["token"]
    other = client_for(people.admin)  # the same admin, another session
    response = other.post(IMPORT, {"token": token, "action": "import"}, follow=True)
    assert "আমদানির ফাইলটি আর নেই" in response.content.decode()
    assert not ActionPlan.objects.filter(office__code="UNO-MYM-MUK").exists()
    for forged in ("../../etc/passwd", "", "x" * 500):
        assert admin.post(IMPORT, {"token": forged, "action": "import"}).status_code in (
            200,
            302,
            400,
        )
    assert not ActionPlan.objects.filter(office__code="UNO-MYM-MUK").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_the_admin_checks_a_file_then_imports_it(
    browser, live_server, people, screenshots, tmp_path
):
    """The preview as an admin sees it (screenshots: $SCREENSHOT_DIR), from the upload to the import."""
    from egov_plan.offices.tree import office_create

    office_create(name=OFFICE, location=PLACE, code="UNO-MYM-MUK")
    faulty = tmp_path / "faulty.txt"
    faulty.write_bytes(
        text_file(QUARTERLY_HEADER, [QUARTERLY_ROWS[0][:17] + ["৩"], *QUARTERLY_ROWS[1:]])
    )
    good = tmp_path / "plan.txt"
    good.write_bytes(
        text_file(
            QUARTERLY_HEADER,
            [[{"সংখ্যা": "msL¨v"}.get(c, c) for c in QUARTERLY_ROWS[0]], *QUARTERLY_ROWS[1:]],
        )
    )
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}{IMPORT}")
    page.set_input_files('input[name="file"]', str(faulty))
    page.get_by_role("button", name="যাচাই করে দেখুন").click()
    assert "এ পর্যন্ত অর্জনের অমিল (১)" in page.locator(".import-fault-groups").inner_text()
    assert (
        page.locator("tr.has-fault").count() == 1
        and page.get_by_role("button", name="আমদানি করুন").count() == 0
    )
    page.screenshot(path=str(screenshots / "import-preview-faults.png"), full_page=True)

    page.get_by_role("link", name="অন্য ফাইল দিন").click()
    page.set_input_files('input[name="file"]', str(good))
    page.get_by_role("button", name="যাচাই করে দেখুন").click()
    assert page.locator(".import-official-table table.apa-table").is_visible()
    assert page.locator(".source-cell.converted").first.get_attribute("title") == "msL¨v"
    page.screenshot(path=str(screenshots / "import-preview-good.png"), full_page=True)
    assert not ActionPlan.objects.filter(office__code="UNO-MYM-MUK").exists()
    page.get_by_role("button", name="আমদানি করুন").click()
    page.wait_for_url(re.compile(r".*/admin/egov_plan/actionplan/\d+/change/$"))
    assert ActionPlan.objects.filter(office__code="UNO-MYM-MUK").exists()


# A percent indicator whose 100 % target a spreadsheet stored as a fraction, and whose achievement
# to date lost its value to the cell's number format; a count written without its sign stays as it is.
BROKEN = [
    QUARTERLY_ROWS[0],
    QUARTERLY_ROWS[1],
    QUARTERLY_ROWS[2][:8] + ["0.8", "৭০"] + QUARTERLY_ROWS[2][10:17] + ["$-5000445]0.2f%"],
]


def test_a_percent_a_spreadsheet_broke_is_a_fault_with_a_suggested_repair_until_decided(
    office_only,
):
    from reports.plans.exchange import import_plan

    data = text_file(QUARTERLY_HEADER, BROKEN)
    line = line_of(data, "১.২.২")
    faults = import_plan(data=data, filename="plan.txt").faults
    assert [(f.line, f.repair, f.message) for f in faults] == [
        (
            line,
            (f"{line}:9", "৮০%"),
            "সূচক [১.২.২] এর “অসাধারণ” লক্ষ্যমাত্রা “0.8” এককের ভগ্নাংশের মতো দেখায় (স্প্রেডশিট "
            "শতাংশকে এভাবে রাখে)। প্রস্তাবিত সংশোধন: “৮০%”; গ্রহণ বা বাতিল করুন।",
        ),
        (
            line,
            (f"{line}:18", ""),
            "সূচক [১.২.২] এর এ পর্যন্ত অর্জন “$-5000445]0.2f%” কোনো মান নয়, স্প্রেডশিটের "
            "সংখ্যা-বিন্যাসের সংকেত (মানটি রূপান্তরে হারিয়েছে)। প্রস্তাবিত সংশোধন: “ফাঁকা”; "
            "গ্রহণ বা বাতিল করুন।",
        ),
    ]
    # Rejected, the fraction is read as written (and so the tiers are out of order); a format code has no
    # value to keep and stays a fault.
    result = import_plan(
        data=data, filename="plan.txt", repairs={f"{line}:9": False, f"{line}:18": False}
    )
    assert [(f.repair, f.message) for f in result.faults] == [
        (
            None,
            "সূচক [১.২.২] এর এ পর্যন্ত অর্জন “$-5000445]0.2f%” কোনো মান নয়, স্প্রেডশিটের সংখ্যা-বিন্যাসের সংকেত "
            "(মানটি রূপান্তরে হারিয়েছে)।",
        ),
        (
            None,
            "সূচক [১.২.২]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “অতি উত্তম” (৭০%) “অসাধারণ” (০.৮%) এর চেয়ে বেশি হতে পারে না।",
        ),
    ]
    # Accepted, both are repaired and said.
    result = import_plan(
        data=data, filename="plan.txt", repairs={f"{line}:9": True, f"{line}:18": True}
    )
    assert result.faults == []
    assert list(indicator_by_code(result.plan, "1.2.2").targets) == [80, 70, 60, 50, 40]
    assert [n.message for n in result.notices] == [
        "সূচক [১.২.২] এর “অসাধারণ” লক্ষ্যমাত্রা “0.8” সংশোধন করে “৮০%” পড়া হলো (আপনি গ্রহণ করেছেন)।",
        "সূচক [১.২.২] এর এ পর্যন্ত অর্জন “$-5000445]0.2f%” সংশোধন করে “ফাঁকা” পড়া হলো (আপনি গ্রহণ করেছেন)।",
    ]


@pytest.fixture
def office_only(db):
    from egov_plan.offices.tree import office_create

    return office_create(name=OFFICE, location=PLACE, code="UNO-MYM-MUK")


def test_the_admin_accepts_or_rejects_each_repair_on_the_preview(admin):
    data = text_file(QUARTERLY_HEADER, BROKEN)
    line = line_of(data, "১.২.২")
    response = upload(admin, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert re.findall(
        r'<input type="radio" name="(repair-[0-9:]+)" value="(accept|reject)">', html
    ) == [
        (f"repair-{line}:9", "accept"),
        (f"repair-{line}:9", "reject"),
        (f"repair-{line}:18", "accept"),
        (f"repair-{line}:18", "reject"),
    ]
    token = response.context["token"]
    decided = {
        "token": token,
        "action": "preview",
        f"repair-{line}:9": "accept",
        f"repair-{line}:18": "accept",
        "repair-../x": "accept",
        f"repair-{line}:19": "maybe",
    }  # the last two are ignored
    response = admin.post(IMPORT, decided)
    html = response.content.decode()
    assert response.status_code == 200 and 'value="import"' in html
    assert (
        f'<input type="hidden" name="repair-{line}:9" value="accept">' in html
    )  # kept for the import
    assert "“0.8” সংশোধন করে “৮০%” পড়া হলো" in row_of(html, line)
    assert admin.post(IMPORT, {**decided, "action": "import"}).status_code == 302
    plan = ActionPlan.objects.get(office__code="UNO-MYM-MUK")
    assert list(indicator_by_code(plan, "1.2.2").targets)[0] == 80
