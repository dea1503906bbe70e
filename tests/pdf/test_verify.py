"""/verify/ and verify_pdf bound their work: a rate limit per address, a size bound, and a well-formed PDF first."""

import io

import pytest
from django.core.management import call_command

from reports.pdf import verification
from tests.conftest import client_for
from tests.pdf.test_pdf import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_pdf(officer_client, people):
    return download(officer_client, people.plan, 1)


@pytest.fixture
def no_tolerant_reader(monkeypatch):
    """Fail the test if the (costly, tolerant) signature reader is reached."""

    def refuse(data):
        raise AssertionError("the tolerant reader ran")

    monkeypatch.setattr(verification, "check_signature", refuse)


def post(data: bytes, address="203.0.113.7"):
    return client_for(None).post("/verify/", {"file": io.BytesIO(data)}, REMOTE_ADDR=address)


def test_a_signed_report_is_well_under_the_bound(seed_pdf, settings):
    assert len(seed_pdf) < settings.VERIFY_MAX_BYTES / 4
    assert "বৈধ: স্বাক্ষর অক্ষত ও বৈধ" in post(seed_pdf).content.decode()


def test_junk_after_the_pdf_header_is_refused_before_the_tolerant_reader(no_tolerant_reader):
    response = post(b"%PDF-1.7\n" + bytes(range(256)) * 4096)  # 1 MiB
    assert response.status_code == 200
    assert "ফাইলটি পড়া যায়নি" in response.content.decode()


@pytest.mark.parametrize(
    "extra, status", [(1, 400), (1024 * 1024, 413)]
)  # 413: refused by its declared length
def test_a_file_over_the_bound_is_refused_unread(settings, no_tolerant_reader, extra, status):
    response = post(b"%PDF-1.7\n" + b"0" * (settings.VERIFY_MAX_BYTES + extra))
    assert response.status_code == status
    assert "ফাইলটি অনেক বড়: স্বাক্ষরিত প্রতিবেদন সর্বোচ্চ ২ মেগাবাইট হয়" in response.content.decode()
    with pytest.raises(verification.TooLarge):
        verification.verify_document(b"%PDF-" + b"0" * settings.VERIFY_MAX_BYTES)


def test_one_address_is_limited_and_others_are_not(settings):
    settings.VERIFY_RATE_LIMIT, settings.VERIFY_RATE_WINDOW = 3, 60
    for _ in range(3):
        assert post(b"not a pdf").status_code == 200
    response = post(b"not a pdf")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "অল্প সময়ে অনেকবার যাচাই করা হয়েছে; ৬০ সেকেন্ড পরে" in response.content.decode()
    assert post(b"not a pdf", address="198.51.100.9").status_code == 200
    assert (
        client_for(None).get("/verify/", REMOTE_ADDR="203.0.113.7").status_code == 200
    )  # reading the page is free


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(settings):
    settings.VERIFY_RATE_LIMIT, settings.TRUSTED_PROXIES = 1, 1
    proxy = client_for(None)

    def through_proxy(forwarded):
        return proxy.post(
            "/verify/",
            {"file": io.BytesIO(b"x")},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert through_proxy("203.0.113.7") == 200
    assert through_proxy("1.2.3.4, 203.0.113.7") == 429  # a forged left entry does not help
    assert through_proxy("198.51.100.9") == 200  # another client behind the same proxy


def test_the_command_has_the_same_bound_and_does_not_read_a_larger_file(
    settings, tmp_path, capsys, no_tolerant_reader
):
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(50 * 1024 * 1024)  # 50 MiB, sparse: nothing to read if the bound holds
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(big))
    assert exit_info.value.code == 1
    assert "larger than 2048 KiB" in capsys.readouterr().out
