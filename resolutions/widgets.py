"""A ``<select>`` drawn by one Jinja2 template (``templates/jinja2/forms/select.html``).

Why: Django renders every ``<option>`` through the form renderer's template engine, one
template per option. The dashboards' filter form offers up to 60 periods plus kinds,
issuers, terms and levels — ~100 option templates on every dashboard page. The widget's
context (value, attributes, selected options, ``aria-describedby``) is still built by Django;
only the markup is drawn by the one template, the same markup as Django's.
"""
from __future__ import annotations

from django import forms
from django.template import engines
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return mark_safe(engines["jinja2"].env.get_template("forms/select.html").render(widget=widget))


def speed_up(widget: forms.Widget) -> None:
    """Swap a plain ``Select`` (not its subclasses: they have their own markup) for :class:`FastSelect`."""
    if type(widget) is forms.Select:
        widget.__class__ = FastSelect
