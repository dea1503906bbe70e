"""`manage.py bulk_print --under CODE --year YYYY --quarter N -o FILE`: the zip from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.bulk_tree import build_tree, pdf_name, read_zip
from tests.signatures import assert_signed_by_us

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(people):
    return build_tree(people)


def test_it_writes_the_zip_and_reports_progress_step_by_step(people, tree, tmp_path, signing_key):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "out" / "q1.zip"
    call_command(
        "bulk_print",
        "--under",
        people.supervising.code,
        "--year",
        "2022",
        "--quarter",
        "1",
        "-o",
        str(target),
        stdout=out,
        stderr=err,
    )
    files, rows = read_zip(target.read_bytes())
    assert sorted(files) == sorted(pdf_name(plan) for plan in tree.approved)
    for data in files.values():
        assert_signed_by_us(data, signing_key)
    assert len(rows) == 4
    assert "2 signed PDFs, 2 missing" in out.getvalue()
    bars = err.getvalue().splitlines()
    assert [line.split("] ")[1].split(" ")[0] for line in bars] == ["0/2", "1/2", "2/2"]
    assert bars[-1].startswith("[" + "#" * 30 + "]")
    assert list(target.parent.iterdir()) == [target]  # no temporary file left beside it


def test_a_subtree_prints_only_its_part(people, tree, tmp_path):
    target = tmp_path / "fulpur.zip"
    call_command(
        "bulk_print",
        "--under",
        tree.fulpur.office.code,
        "--year",
        "2022",
        "--quarter",
        "1",
        "-o",
        str(target),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    files, rows = read_zip(target.read_bytes())
    assert files == {}
    office = tree.tarakanda.office
    assert rows == [(office.display_name, office.code, "অনুমোদিত প্রতিবেদন নেই (দাখিলকৃত)", None, None)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--under", "NO-SUCH-CODE", "--year", "2022", "--quarter", "1"], "no office"),
        (["--under", "LGD", "--year", "2022", "--quarter", "5"], "quarter must be 1 to 4"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(people, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bulk_print", *args, "-o", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
