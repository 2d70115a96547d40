"""A ``<select>`` rendered in Python: same markup as Django's, without a template per option.

Why: Django renders every ``<option>`` through the form renderer's template engine. The
dashboards' filter form offers up to 60 periods plus kinds, issuers, terms and levels — ~100
option templates, several milliseconds of every dashboard page. The widget's context (value,
attributes, selected options, ``aria-describedby``) is still built by Django; only the markup
is written here.
"""
from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        attributes = {**widget["attrs"], "name": widget["name"]}
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join("", "<option value=\"{}\"{}>{}</option>",
                                        ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options))
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                         if group_name else rendered)
        return format_html("<select{}>{}</select>", flatatt(attributes), mark_safe("".join(parts)))


def speed_up(widget: forms.Widget) -> None:
    """Swap a plain ``Select`` (not its subclasses: they have their own markup) for :class:`FastSelect`."""
    if type(widget) is forms.Select:
        widget.__class__ = FastSelect
