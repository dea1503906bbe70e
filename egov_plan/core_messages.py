"""What the pure cores say, in the interface language: the one mapping from their problems' codes
(egov_plan.core.plan_rules.Problem) to the catalogue's messages, and the saying of them.

The cores (plan_rules, seed_layout, official_form, …) import no Django: a fault of theirs holds a
Problem, a code and its parameters. Here, in the request, each code becomes its message (Bengali as
the msgid, English on request), its parameters said in turn: a Problem by its own message, a Term
(a tier's name, a quarter's ordinal) through the catalogue, a Digits (numbers, codes, dates printed
with Bengali digits) in the interface language's digits, a tuple joined with commas, and the file's
own text as it is.
"""

import dataclasses
from collections.abc import Callable, Iterable

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from egov_plan.active_language import digits, english
from egov_plan.core import plan_rules
from egov_plan.core.official_form import UNKNOWN_MARKS, UNKNOWN_TARGET
from egov_plan.core.plan_rules import (
    ACTIVITY_PLACE,
    AREA_PLACE,
    INDICATOR_PLACE,
    LAYOUT,
    NUMBERING,
    OTHER_KIND,
    PLAN_PLACE,
    QUARTER,
    TIERS,
    TO_DATE,
    UNIT_KIND,
    VALUE,
    WEIGHTS,
    Digits,
    Fault,
    Problem,
    Term,
)
from egov_plan.core.seed_layout import FILE_PLACE, MIXED_DIGITS

# Each code a core says, and its message (its parameters by name).
MESSAGES = {
    AREA_PLACE: _("ক্ষেত্র [%(code)s]"),
    ACTIVITY_PLACE: _("কার্যক্রম [%(code)s]"),
    INDICATOR_PLACE: _("সূচক [%(code)s]"),
    PLAN_PLACE.code: _("কর্মপরিকল্পনা"),
    FILE_PLACE.code: _("ফাইল"),
    "targets_none": _(
        "%(place)s: অন্তত একটি লক্ষ্যমাত্রা দিন (হারিয়ে যাওয়া লক্ষ্যমাত্রার ঘরে “%(unknown)s” লিখুন)।"
    ),
    "target_percent": _(
        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: শতাংশ ০ থেকে ১০০ এর মধ্যে হতে হবে।"
    ),
    "target_whole": _(
        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: সংখ্যা ০ বা তার বেশি পূর্ণসংখ্যা হতে হবে।"
    ),
    "target_measure": _(
        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: ০ বা তার বেশি, দশমিকের পরে সর্বোচ্চ দুই অঙ্ক হতে হবে।"
    ),
    "target_date_year": _(
        "%(place)s এর “%(name)s” লক্ষ্যমাত্রা %(shown)s: তারিখটি অর্থবছর %(year)s এর মধ্যে বা কাছাকাছি হতে হবে।"
    ),
    "targets_date_order": _(
        "%(place)s: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “%(worse_name)s” (%(worse)s) "
        "“%(better_name)s” (%(better)s) এর আগের তারিখ হতে পারে না।"
    ),
    "targets_order": _(
        "%(place)s: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “%(worse_name)s” (%(worse)s) "
        "“%(better_name)s” (%(better)s) এর চেয়ে বেশি হতে পারে না।"
    ),
    "number_not_under": _("%(place)s: নম্বরটি %(parent)s এর অধীনে মেলে না।"),
    "number_twice": _("%(place)s: নম্বরটি একাধিকবার আছে।"),
    "weight_not_positive": _("%(place)s: মান ০ এর বেশি হতে হবে।"),
    "indicator_sum": _(
        "%(place)s: সূচকগুলোর মানের যোগফল %(sum)s, কিন্তু ক্ষেত্রের মান %(weight)s; দুটি সমান হতে হবে।"
    ),
    "area_sum": _(
        "কর্মপরিকল্পনা: ক্ষেত্রগুলোর মানের যোগফল %(sum)s, কিন্তু মোট নম্বর %(total)s; দুটি সমান হতে হবে।"
    ),
    "no_area": _("কর্মপরিকল্পনা: অন্তত একটি কর্মসম্পাদন ক্ষেত্র দিন।"),
    "numbering_gap": _("%(place)s এর আগে %(missing)s নেই: নম্বরে ফাঁক।"),
    "file_too_large": _(
        "ফাইলটি অনেক বড় (%(size)s মেগাবাইট); কর্মপরিকল্পনার ফাইল সর্বোচ্চ %(max)s মেগাবাইট হতে পারে।"
    ),
    "too_many_rows": _("ফাইলে %(max)s টির বেশি সারি; এটি কর্মপরিকল্পনার ফাইল মনে হচ্ছে না।"),
    "binary_file": _("এটি লেখা (text) ফাইল নয়: বাইনারি ফাইল পড়া যায় না।"),
    "utf16_file": _(
        "ফাইলটি UTF-8 এনকোডিংয়ে নয় (UTF-16 এ লেখা মনে হচ্ছে); UTF-8 এ সংরক্ষণ করে আবার দিন।"
    ),
    "not_utf8_file": _("ফাইলটি UTF-8 এনকোডিংয়ে নয়; UTF-8 এ সংরক্ষণ করে আবার দিন।"),
    "too_many_columns": _("সারিতে %(max)s টির বেশি কলাম; এটি কর্মপরিকল্পনার ফাইল মনে হচ্ছে না।"),
    "empty_file": _("ফাইলটি খালি।"),
    "no_title": _(
        "শিরোনাম পাওয়া যায়নি: “… ২০২২-২০২৩ এর প্রথম ত্রৈমাসিক প্রতিবেদন (…)” ধরনের লাইন থাকতে হবে।"
    ),
    "title_unread": _(
        "শিরোনাম থেকে অর্থবছর ও ত্রৈমাসিক পড়া যায়নি; “… ২০২২-২০২৩ এর প্রথম "
        "ত্রৈমাসিক প্রতিবেদন (জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত)” আকারে "
        "লিখুন।"
    ),
    "title_years": _("শিরোনামের অর্থবছর পরপর দুই বছরের হতে হবে (যেমন %(example)s)।"),
    "title_period": _(
        "শিরোনামের সময়কাল “%(period)s” %(ordinal)s ত্রৈমাসিকের সাথে মেলে না; হওয়ার কথা “%(expected)s”।"
    ),
    "no_office": _("শিরোনামের উপরে দপ্তরের নাম নেই।"),
    "no_header_row": _("সারণির শিরোনাম-সারি (“ক্রঃ”, “কর্মসম্পাদন ক্ষেত্র”, …) পাওয়া যায়নি।"),
    "column_missing": _("“%(column)s” কলামটি নেই।"),
    "column_twice": _("“%(column)s” শিরোনামের কলাম একাধিকবার আছে; কোনটির মান নেওয়া হবে বোঝা যায় না।"),
    "quarter_column_twice": _(
        "%(ordinal)s ত্রৈমাসিকের অর্জনের কলাম একাধিকবার আছে; কোনটির মান নেওয়া হবে বোঝা যায় না।"
    ),
    "to_date_column_twice": _("এ পর্যন্ত অর্জনের কলাম একাধিকবার আছে; কোনটির মান নেওয়া হবে বোঝা যায় না।"),
    "tiers_unplaced": _(
        "লক্ষ্যমাত্রার স্তরের কলাম শিরোনাম থেকে চেনা যায়নি (%(tiers)s): "
        "প্রতিটি স্তরের নাম (অসাধারণ … চলতি মানের নিম্নে) বা শতাংশ (১০০%% … "
        "৬০%%) শিরোনামে থাকতে হবে।"
    ),
    "row_without_indicator": _("“%(cell)s” সারিতে কোনো কর্মসম্পাদন সূচক ([ক.খ.গ]) নেই।"),
    "activity_without_area": _("কার্যক্রম [%(code)s] এর আগে কোনো কর্মসম্পাদন ক্ষেত্র নেই।"),
    "indicator_without_parent": _("সূচক %(place)s এর আগে কোনো কর্মসম্পাদন ক্ষেত্র বা কার্যক্রম নেই।"),
    "unit_unknown": _(
        "সূচক %(place)s: “একক” কলামে “%(cell)s” — তারিখ, %%, সংখ্যা বা কোনো "
        "এককের নাম (যেমন জন, লক্ষ টাকা) হতে হবে (কলামটি বাদ পড়েছে কি?)।"
    ),
    "single_target": _(
        "সূচক %(place)s: ফাইলে একটি মাত্র লক্ষ্যমাত্রা, “%(tier)s” স্তরে রাখা হলো; অন্য স্তরগুলো (%(blank)s) ফাঁকা।"
    ),
    "achievement_without_quarter": _(
        "সূচক %(place)s: অর্জন “%(text)s” কোন ত্রৈমাসিকের, শিরোনামে বা কলামের শিরোনামে তা নেই।"
    ),
    "no_indicator": _("সারণিতে কোনো কর্মসম্পাদন সূচক ([ক.খ.গ] …) পাওয়া যায়নি।"),
    "outside_quarter": _(
        "সূচক %(place)s: %(ordinal)s ত্রৈমাসিকের অর্জন “%(text)s” সেই "
        "ত্রৈমাসিকের (%(start)s – %(end)s) বাইরে।"
    ),
    "to_date_differs": _(
        "সূচক %(place)s: এ পর্যন্ত অর্জন “%(text)s”, কিন্তু ত্রৈমাসিকগুলোর "
        "অর্জন থেকে (%(method)s) হয় %(rolled)s।"
    ),
    "signatory_lines": _("স্বাক্ষরকারী “%(name)s”: নামের পরে এক থেকে তিন লাইনে পদবি ও দপ্তর থাকতে হবে।"),
    "what_total_marks": _("মোট নম্বর"),
    "what_area_weight": _("ক্ষেত্রের মান"),
    "what_target": _("সূচক %(place)s এর “%(name)s” লক্ষ্যমাত্রা"),
    "what_weight": _("সূচক %(place)s এর মান"),
    "what_achievement": _("সূচক %(place)s এর অর্জন"),
    "what_quarter_achievement": _("সূচক %(place)s এর %(ordinal)s ত্রৈমাসিকের অর্জন"),
    "what_to_date": _("সূচক %(place)s এর এ পর্যন্ত অর্জন"),
    MIXED_DIGITS: _("%(what)s “%(text)s” এ বাংলা ও ইংরেজি অঙ্ক মেশানো; যেকোনো এক ধরনের অঙ্কে লিখুন।"),
    "not_a_number": _("%(what)s “%(text)s” সংখ্যা নয়।"),
    "date_in_other_unit": _(
        "%(what)s “%(text)s” একটি তারিখ, কিন্তু সূচকের একক “%(unit)s”; তারিখের "
        "লক্ষ্যমাত্রার একক “তারিখ” হতে হবে।"
    ),
    "not_a_measure": _("%(what)s “%(text)s” সংখ্যা নয় (০ বা তার বেশি, দশমিকের পরে সর্বোচ্চ দুই অঙ্ক)।"),
    "not_a_date": _("%(what)s “%(text)s” সঠিক তারিখ (দদ/মম/বব) নয়।"),
    "not_a_percent": _("%(what)s “%(text)s” শতাংশ নয়।"),
    "not_a_whole_number": _("%(what)s “%(text)s” পূর্ণসংখ্যা নয়।"),
    "format_code": _(
        "%(what)s “%(text)s” কোনো মান নয়, স্প্রেডশিটের সংখ্যা-বিন্যাসের সংকেত (মানটি রূপান্তরে হারিয়েছে)।"
    ),
    "fraction": _("%(what)s “%(text)s” এককের ভগ্নাংশের মতো দেখায় (স্প্রেডশিট শতাংশকে এভাবে রাখে)।"),
    "repair_suggested": _("প্রস্তাবিত সংশোধন: “%(suggestion)s”; গ্রহণ বা বাতিল করুন।"),
    "repair_accepted": _(
        "%(what)s “%(text)s” সংশোধন করে “%(suggestion)s” পড়া হলো (আপনি গ্রহণ করেছেন)।"
    ),
    "repair_rejected": _("%(what)s “%(text)s” যেমন লেখা তেমনই পড়া হলো (সংশোধন বাতিল)।"),
    "blank": _("ফাঁকা"),
}
# Codes said otherwise than by one message.
SAID_BY: dict[str, Callable[[dict], str]] = {
    # The mark to type in a lost target's cell, as the interface language writes it.
    "unknown_mark": lambda params: UNKNOWN_MARKS[2] if english() else UNKNOWN_TARGET,
    # Messages said one after the other (a fault and its suggested repair).
    "sentences": lambda params: " ".join(text(part) for part in params["parts"]),
}

# The words of the form's that a Term carries, marked for the catalogue (the cores keep them as the
# form prints them: the tiers' names, the mark of a lost target).
TERMS = (
    gettext_noop("অসাধারণ"),
    gettext_noop("অতি উত্তম"),
    gettext_noop("উত্তম"),
    gettext_noop("চলতি মান"),
    gettext_noop("চলতি মানের নিম্নে"),
    gettext_noop("অজানা"),
)

# The kinds of fault an import groups them by (plan_rules.fault_kind), each with its heading, in
# this order on the page.
FAULT_KINDS = {
    LAYOUT: gettext_noop("ফাইলের বিন্যাস (শিরোনাম, কলাম)"),
    UNIT_KIND: gettext_noop("অজানা একক"),
    VALUE: gettext_noop("সংখ্যা, তারিখ বা শতাংশ নয়"),
    TIERS: gettext_noop("লক্ষ্যমাত্রার স্তর"),
    WEIGHTS: gettext_noop("মানের যোগফল"),
    NUMBERING: gettext_noop("নম্বরের ফাঁক বা পুনরাবৃত্তি"),
    QUARTER: gettext_noop("ত্রৈমাসিকের বাইরের অর্জন"),
    TO_DATE: gettext_noop("এ পর্যন্ত অর্জনের অমিল"),
    OTHER_KIND: gettext_noop("অন্যান্য"),
}


def text(said) -> str:
    """A Problem (or one of its parameters) said in the interface language."""
    if isinstance(said, Problem):
        if said.code in SAID_BY:
            return SAID_BY[said.code](said.params)
        message = str(MESSAGES[said.code])
        if not said.params:
            return message
        return message % {name: text(value) for name, value in said.params.items()}
    if isinstance(said, Term):
        return gettext(said)
    if isinstance(said, Digits):
        return digits(said)
    if isinstance(said, tuple):
        return ", ".join(text(part) for part in said)
    return said


def number(value) -> str:
    """A number (int, Decimal or digit string) for a message, in the interface language's digits."""
    return digits(plan_rules.number(value))


@dataclasses.dataclass(frozen=True)
class ShownFault(Fault):
    """A fault as the user reads it: its place and message said (text), its suggested repair in the
    interface language's digits; `str()` adds where it is (the line, or a file's own place)."""

    def __str__(self) -> str:
        if self.where:
            return f"{self.where}: {self.message}"
        if not self.line:
            return self.message
        return gettext("লাইন %(line)s: %(message)s") % {
            "line": number(self.line),
            "message": self.message,
        }


def shown(fault: Fault) -> ShownFault:
    """A core's fault, said: what the caller shows, stores or compares."""
    if isinstance(fault, ShownFault):
        return fault
    said = {f.name: getattr(fault, f.name) for f in dataclasses.fields(Fault)}
    said["place"] = text(fault.place)
    said["message"] = text(fault.message)
    if fault.repair is not None:
        said["repair"] = (fault.repair[0], digits(fault.repair[1]))
    return ShownFault(**said)


def shown_all(faults: Iterable[Fault]) -> list[ShownFault]:
    return [shown(fault) for fault in faults]
