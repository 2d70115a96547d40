"""A ``<select>`` rendered in Python: same markup as Django's, without a template per option.

Why: Django renders every ``<option>`` through the form renderer's template engine. The
dashboards' filter form offers up to 60 periods plus kinds, issuers, terms and levels — ~100
option templates, several milliseconds of every dashboard page. The widget's context (value,
attributes, selected options, ``aria-describedby``) is still built by Django; only the markup
is written here.
"""
from __future__ import annotations

from html import escape

from django import forms
from django.utils.safestring import SafeString, mark_safe


def _esc(value) -> str:
    """Django's ``conditional_escape``: markup already marked safe is kept as it is."""
    return str(value.__html__()) if hasattr(value, "__html__") else escape(str(value))


def _attrs(attrs: dict) -> str:
    """``flatatt`` without a ``format_html`` per attribute: ``True`` alone, ``False``/``None`` left out."""
    out = []
    for key, value in attrs.items():
        if value is True:
            out.append(f" {key}")
        elif value is not False and value is not None:
            out.append(f' {key}="{_esc(value)}"')
    return "".join(out)


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = "".join(f'<option value="{_esc(o["value"])}"{_attrs(o["attrs"])}>{_esc(o["label"])}</option>'
                               for o in options)
            parts.append(f'<optgroup label="{_esc(group_name)}">{rendered}</optgroup>' if group_name else rendered)
        return mark_safe(f'<select{_attrs({**widget["attrs"], "name": widget["name"]})}>{"".join(parts)}</select>')


def speed_up(widget: forms.Widget) -> None:
    """Swap a plain ``Select`` (not its subclasses: they have their own markup) for :class:`FastSelect`."""
    if type(widget) is forms.Select:
        widget.__class__ = FastSelect
