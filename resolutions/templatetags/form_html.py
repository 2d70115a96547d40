"""A filter form's fields as HTML in one call.

Why a tag and not the loop in ``includes/filter_form.html``: every dashboard page carries
the filter form, and the template loop (label, widget, help text, errors per field) cost
about as much again as rendering the six widgets themselves. The markup is the loop's:
a Bootstrap column per field, its label, the widget (Django adds ``aria-describedby`` when
there is help text), the help text and each error with ``role="alert"``.
"""
from __future__ import annotations

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def filter_fields(form: forms.Form) -> SafeString:
    out = []
    for field in form:
        width = "col-12 col-lg-6" if field.name == "q" else "col-sm-6 col-lg-3"
        help_text = (f'<div class="form-text" id="{conditional_escape(field.auto_id)}_helptext">'
                     f"{conditional_escape(field.help_text)}</div>") if field.help_text else ""
        errors = "".join(f'<div class="invalid-feedback d-block" role="alert">{conditional_escape(e)}</div>'
                         for e in field.errors)
        out.append(f'<div class="{width}">'
                   f'<label class="form-label fw-semibold" for="{conditional_escape(field.id_for_label)}">'
                   f"{conditional_escape(field.label)}</label>{field}{help_text}{errors}</div>")
    return mark_safe("".join(out))
