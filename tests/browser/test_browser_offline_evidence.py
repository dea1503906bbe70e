"""Evidence files chosen while offline (Debian's Chromium): kept in the browser's IndexedDB with the
queued save, they survive a reload and reach the server with it, once, byte for byte; where the
browser keeps no IndexedDB the page says, in Bengali, that the files must be chosen again, and once
the save has gone out without them, that they were not sent."""

import pytest
from playwright.sync_api import expect

from reports.quarters.models import Achievement, Evidence
from tests.browser.test_browser_offline_entry import NOT_SAVED, VALUE_131, kept_for_offline
from tests.browser.test_browser_workflow import browser, log_in  # noqa: F401  (fixtures)
from tests.helpers import PDF_BYTES, indicator_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE_131 = "[১.৩.১] প্রমাণক"
FILES_KEPT = "প্রমাণক ফাইলগুলো এই ব্রাউজারে রাখা আছে"
FILES_AGAIN = "প্রমাণক ফাইলগুলো এই ব্রাউজারে রাখা যায়নি; সংযোগ ফিরলে ফাইলগুলো আবার বেছে নিন"
NOT_SENT = "প্রমাণক ফাইলগুলো এই ব্রাউজারে রাখা যায়নি বলে পাঠানো যায়নি: ফাইলগুলো আবার বেছে নিয়ে সংরক্ষণ করুন"
SAVED_WITH_FILE = "সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ১টি প্রমাণক যুক্ত)"


def chosen_offline_and_saved(page, live_server, plan, tmp_path):
    """The entry page, kept for offline; offline, a value typed, a file chosen and save pressed."""
    page.goto(f"{live_server.url}/plans/{plan.pk}/quarters/2/edit/")
    kept_for_offline(page)
    evidence = tmp_path / "ড্যাশবোর্ডের-প্রতিবেদন.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.context.set_offline(True)
    page.get_by_label(VALUE_131).fill("৪০%")
    page.get_by_label(EVIDENCE_131).set_input_files(str(evidence))
    page.get_by_role("button", name="সংরক্ষণ করুন").click()


def test_a_file_chosen_offline_survives_a_reload_and_reaches_the_server_once(
    browser, live_server, people, tmp_path
):
    plan = people.plan
    page = log_in(browser, live_server, "officer")
    chosen_offline_and_saved(page, live_server, plan, tmp_path)
    expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)
    expect(page.locator(".entry-not-saved")).to_contain_text(FILES_KEPT)

    page.reload()  # offline: the worker's copy, with the queued save and its file still kept
    expect(page.locator(".entry-offline-copy")).to_be_visible()
    expect(page.locator(".entry-not-saved")).to_contain_text(FILES_KEPT)
    assert not Evidence.objects.exists()

    page.context.set_offline(False)
    expect(page.locator(".alert-success")).to_contain_text(SAVED_WITH_FILE, timeout=20000)
    expect(page.locator(".entry-not-saved")).to_have_count(0)
    evidence = Evidence.objects.get()
    assert evidence.indicator == indicator_by_code(plan, "1.3.1")
    assert evidence.original_name == "ড্যাশবোর্ডের-প্রতিবেদন.pdf"
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    # Sent once, and the browser keeps nothing more of it.
    page.reload()
    expect(page.locator(".alert-success")).to_have_count(0)
    assert Evidence.objects.count() == 1
    assert (
        page.evaluate("""() => new Promise(resolve => {
        const opening = indexedDB.open("egov-entry", 1);
        opening.onsuccess = () => {
            const count = opening.result.transaction("files").objectStore("files").count();
            count.onsuccess = () => resolve(count.result);
        };
    })""")
        == 0
    )


def test_without_indexeddb_the_page_says_the_files_must_be_chosen_again(
    browser, live_server, people, tmp_path
):
    plan = people.plan
    page = log_in(browser, live_server, "officer")
    page.add_init_script("Object.defineProperty(window, 'indexedDB', {value: undefined})")
    chosen_offline_and_saved(page, live_server, plan, tmp_path)
    expect(page.locator(".entry-not-saved")).to_contain_text(NOT_SAVED)
    expect(page.locator(".entry-not-saved")).to_contain_text(FILES_AGAIN)

    page.reload()  # still says so on the kept page
    expect(page.locator(".entry-not-saved")).to_contain_text(FILES_AGAIN)

    # Back online the typed value is saved; the file was not there to send, and the page says so.
    page.context.set_offline(False)
    expect(page.locator(".alert-success")).to_contain_text(
        "সংরক্ষিত হয়েছে (১টি মান পরিবর্তিত, ০টি প্রমাণক যুক্ত)", timeout=20000
    )
    expect(page.locator(".entry-files-again")).to_contain_text(NOT_SENT)
    assert (
        Achievement.objects.get(
            report__plan=plan, report__quarter=2, indicator=indicator_by_code(plan, "1.3.1")
        ).value
        == 40
    )
    assert not Evidence.objects.exists()
    page.reload()  # said once
    expect(page.locator(".entry-files-again")).to_have_count(0)
