"""{% once %} (reports/templatetags/once.py): a fragment rendered once per process for each value of
its keys and the language, and what the pages that use it show to different users and periods."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation

from reports.templatetags import once
from tests.conftest import client_for

ENGINE = Engine(libraries={"once": "reports.templatetags.once", "i18n": "django.templatetags.i18n"})


class Counter:
    def __init__(self):
        self.calls = 0

    def __str__(self):
        self.calls += 1
        return f"#{self.calls}"


def test_a_block_is_rendered_once_for_each_key_and_language():
    template = ENGINE.from_string(
        "{% load once i18n %}{% once kind %}{{ counter }}:{{ kind }}{% endonce %}"
    )
    counter = Counter()
    assert template.render(Context({"counter": counter, "kind": "a"})) == "#1:a"
    assert template.render(Context({"counter": counter, "kind": "a"})) == "#1:a"  # kept
    assert template.render(Context({"counter": counter, "kind": "b"})) == "#2:b"
    with translation.override("en"):
        assert template.render(Context({"counter": counter, "kind": "a"})) == "#3:a"
    assert counter.calls == 3


def test_a_key_that_cannot_be_kept_renders_the_block_every_time():
    template = ENGINE.from_string("{% load once %}{% once items %}{{ counter }}{% endonce %}")
    counter = Counter()
    for _ in range(2):
        template.render(Context({"counter": counter, "items": ["a list"]}))
    assert counter.calls == 2


def test_what_the_block_sets_stays_inside_it_on_the_first_rendering_as_on_the_kept_ones():
    template = ENGINE.from_string(
        "{% load once i18n %}{% once %}{% get_available_languages as choices %}"
        "{% with name='inside' %}{{ name }}{% endwith %}{% endonce %}|{{ choices }}|{{ name }}"
    )
    for _ in range(2):  # the first rendering runs the block, the second is the kept text
        assert template.render(Context({"choices": "offices", "name": "page"})) == (
            "inside|offices|page"
        )


def test_the_first_page_of_a_process_shows_no_office_chooser_to_an_officer_of_one_office(people):
    from django.template import engines

    for loader in engines["django"].engine.template_loaders:
        loader.reset()  # templates compiled afresh: every {% once %} block renders for the first time
    client = client_for(people.officer)
    for path in (f"/plans/{people.plan.pk}/quarters/2/edit/", "/"):
        first = client.get(path).content.decode()
        assert "office-choice" not in first, path  # the language list once replaced `choices`


def test_it_keeps_at_most_max_kept_renderings(monkeypatch):
    monkeypatch.setattr(once, "MAX_KEPT", 3)
    template = ENGINE.from_string("{% load once %}{% once n %}{{ counter }}{% endonce %}")
    counter = Counter()
    for n in range(5):
        template.render(Context({"counter": counter, "n": n}))
    node = template.nodelist.get_nodes_by_type(once.OnceNode)[0]
    assert len(node.kept) == 3 and {key[-1] for key in node.kept} == {
        2,
        3,
        4,
    }  # the oldest went first


def test_a_block_with_a_csrf_token_is_refused():
    with pytest.raises(TemplateSyntaxError, match="csrf_token"):
        ENGINE.from_string("{% load once %}{% once %}<form>{% csrf_token %}</form>{% endonce %}")


def test_each_user_sees_the_navigation_of_their_own_rights(people):
    """The links are kept per set of rights: an officer never sees the links a reviewer's or an
    admin's page put there before, nor another user's name."""
    pages = {
        name: client_for(getattr(people, name)).get("/").content.decode()
        for name in ("reviewer", "officer", "admin", "reviewer")
    }
    assert 'href="/dashboard/"' in pages["reviewer"] and 'href="/inbox/"' in pages["reviewer"]
    assert 'href="/dashboard/"' not in pages["officer"] and 'href="/admin/"' not in pages["officer"]
    assert ">officer</span>" in pages["officer"] and "reviewer" not in pages["officer"]
    assert 'href="/admin/"' in pages["admin"]


def head(page: str) -> str:
    return page.split("<thead>")[1].split("</thead>")[0]


def test_the_table_headings_follow_the_quarter_the_scores_and_the_language(people):
    client = client_for(people.reviewer)
    plan = people.plan.pk
    first = head(client.get(f"/plans/{plan}/quarters/1/?scores=1").content.decode())
    second = head(client.get(f"/plans/{plan}/quarters/2/?scores=1").content.decode())
    unscored = head(client.get(f"/plans/{plan}/quarters/2/").content.decode())
    english = head(client.get(f"/plans/{plan}/quarters/2/en/?scores=1").content.decode())
    assert "অর্জন (জুলাই, ২০২২ হতে সেপ্টেম্বর, ২০২২ পর্যন্ত)" in first and 'class="col-score"' in first
    assert "অর্জন (জুলাই, ২০২২ হতে ডিসেম্বর, ২০২২ পর্যন্ত)" in second and 'class="col-score"' in second
    assert (
        "অর্জন (জুলাই, ২০২২ হতে ডিসেম্বর, ২০২২ পর্যন্ত)" in unscored
        and 'class="col-score"' not in unscored
    )
    assert "Achievement (July 2022 to December 2022)" in english and "<th>Excellent</th>" in english
    assert "অসাধারণ" not in english and 'class="col-score"' in english
    assert head(client.get(f"/plans/{plan}/quarters/1/?scores=1").content.decode()) == first
