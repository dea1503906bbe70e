from pathlib import Path

import pytest

from egov_plan.core.bijoy import convert_cells, looks_like_bijoy, to_unicode

PAIRS = [
    line.split("\t")
    for line in (Path(__file__).parent.parent / "data" / "bijoy_pairs.tsv")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def test_the_table_holds_at_least_two_hundred_pairs():
    assert len(PAIRS) >= 200


@pytest.mark.parametrize("bijoy, unicode", PAIRS)
def test_every_known_pair_converts_exactly(bijoy, unicode):
    assert to_unicode(bijoy) == unicode


@pytest.mark.parametrize(
    "text",
    [
        "Kg©cwiKíbv",
        "Kg©m¤úv`b m~PK",
        "ZvwiL",
        "msL¨v",
        "PjwZ gvb",
        "AwZ DËg",
        "gvb",
        "‡mev mnwRKiY",
        "B-Mfb©¨vÝ",
        "[1.1] Kg©kvjv Av‡qvRb",
    ],
)
def test_bijoy_cells_are_detected(text):
    assert looks_like_bijoy(text)


@pytest.mark.parametrize(
    "text",
    [
        "Date",
        "Performance Indicators",
        "%",
        "100",
        "2022-2023",
        "e-Nothi",
        "eNothi",
        "https://www.example.gov.bd/apa",
        "info@example.gov.bd",
        "Weight (%)",
        "Q1",
        "“Digital Bangladesh”",
        "Officer’s report",
        "Café",
        "Mr. Rahman",
        "PowerPoint",
        "কর্মপরিকল্পনা",
        "তারিখ",
        "",
        "   ",
    ],
)
def test_english_numbers_urls_and_unicode_are_not_taken_for_bijoy(text):
    assert not looks_like_bijoy(text)


def test_a_mixed_row_converts_only_its_bijoy_cells():
    cells, converted = convert_cells(
        ["[১.১] সেবা", "Kg©kvjv Av‡qvRb", "msL¨v", "80", "e-Nothi", "‡gvU"]
    )
    assert cells == ["[১.১] সেবা", "কর্মশালা আয়োজন", "সংখ্যা", "80", "e-Nothi", "মোট"]
    assert converted == [1, 2, 5]
