"""The Jinja2 environment of the second template backend (``config/settings.py``, ``TEMPLATES``).

Only the dashboards' hot markup is written in Jinja2 (``templates/jinja2/``); every page is
still a Django template. Autoescaping is on, as in Django's engine: text from the database
is escaped, markup a caller marked safe (``SafeString``/``Markup``) is kept. Translations
are Django's own catalogs (``jinja2.ext.i18n`` with Django's ``gettext``), so a word has the
same translation whichever engine draws it.
"""
from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from jinja2 import Environment

from resolutions.dashboards import segments
from resolutions.dashboards.formatting import _number, cell_text, number, width_class


def url(name: str, *args) -> str:
    """``{% url %}`` for Jinja2 templates."""
    return reverse(name, args=args)


def truncate_chars(text, length: int) -> str:
    """Django's ``truncatechars`` (an ellipsis within ``length``), which Jinja2's ``truncate`` is not."""
    return Truncator(text).chars(length)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True,
                                  pgettext=translation.pgettext, npgettext=translation.npgettext)
    env.globals.update(static=static, url=url)
    env.globals["segments"] = segments
    env.filters.update(number=number, decimal=_number, width_class=width_class, cell=cell_text,
                       truncate_chars=truncate_chars)
    return env
