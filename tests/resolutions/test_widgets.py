"""The filter forms' Python-rendered ``<select>`` says exactly what Django's template would."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.utils.safestring import mark_safe

from resolutions.widgets import FastSelect

pytestmark = pytest.mark.embedded


class _Events(HTMLParser):
    """Tags, attributes and text of a fragment, whitespace between tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data))


def _events(markup: str) -> list[tuple]:
    parser = _Events()
    parser.feed(markup)
    return parser.events


CHOICES = [
    ("", "Tất cả"),
    ("a&b", 'Ban "Tuyên giáo" <Trung ương>'),
    ("Nhóm 2019", [("2019-11", "Tháng 11/2019"), ("2019-12", "Tháng 12/2019")]),
    ("safe", mark_safe("<b>đã an toàn</b>")),
]


@pytest.mark.parametrize("value", ["", "a&b", "2019-12", None])
def test_fast_select_renders_what_django_renders(value):
    attrs = {"class": "form-select", "id": "id_period", "data-autosubmit": "period", "aria-describedby": 'x"y',
             "required": True, "disabled": False}
    fast = FastSelect(attrs=attrs, choices=CHOICES).render("period", value)
    django = forms.Select(attrs=attrs, choices=CHOICES).render("period", value)
    assert _events(fast) == _events(django)
    # Escaped, never raw: a label with markup cannot break out of its option.
    assert "<Trung ương>" not in fast and "&lt;Trung ương&gt;" in fast
    assert "<b>đã an toàn</b>" in fast  # what the code marked safe stays markup, as in Django


def test_the_selected_option_is_marked():
    fast = FastSelect(choices=CHOICES).render("period", "2019-12")
    assert '<option value="2019-12" selected>Tháng 12/2019</option>' in fast
    assert fast.count(" selected") == 1
