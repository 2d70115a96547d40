"""A filter form's fields in one call, drawn by ``templates/jinja2/forms/filter_fields.html``.

Why a Jinja2 template and not the loop in ``includes/filter_form.html``: every dashboard page
carries the filter form, and Django's template loop (label, widget, help text, errors per
field) cost about as much again as rendering the six widgets themselves.
"""
from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

from .dashboard_html import jinja_template

register = template.Library()


@register.simple_tag
def filter_fields(form: forms.Form) -> SafeString:
    return mark_safe(jinja_template("forms/filter_fields.html").render(form=form))
