"""A plan file with Bijoy cells reads as the same plan as its Unicode twin (the converter's own
rules, which need no Django, are in tests/core/test_bijoy.py)."""


def test_a_mixed_plan_file_with_bijoy_cells_imports_the_same_plan_as_the_unicode_one(db):
    from reports.plans.exchange import read_plan_file
    from tests.plans import test_plan_import_real_layouts as layouts

    layouts.office.__wrapped__(db) if hasattr(layouts.office, "__wrapped__") else None
    bijoy_rows = [
        [{"তারিখ": "ZvwiL", "সংখ্যা": "msL¨v", "১.২ প্রশিক্ষণ": "1.2 cÖwk¶Y"}.get(c, c) for c in row]
        for row in layouts.APA_ROWS
    ]
    unicode_doc, faults = read_plan_file(
        layouts.text_file(layouts.APA_HEADER, layouts.APA_ROWS), "p.txt"
    )
    assert faults == []
    mixed_doc, faults = read_plan_file(layouts.text_file(layouts.APA_HEADER, bijoy_rows), "p.txt")
    assert faults == []
    conversions = mixed_doc.pop("conversions")
    assert mixed_doc == unicode_doc
    assert {(before, after) for _, _, before, after in conversions} == {
        ("ZvwiL", "তারিখ"),
        ("msL¨v", "সংখ্যা"),
        ("1.2 cÖwk¶Y", "১.২ প্রশিক্ষণ"),
    }
