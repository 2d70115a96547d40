"""Search across the product: reports, meetings, directives, units and people.

The app sits on top of the others (organizations ← resolutions ← meetings ← search): it reads
every model and nothing reads it.
"""
from __future__ import annotations

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_fold(sender, connection, **kwargs) -> None:
    """Give SQLite the ``rt_fold`` SQL function that PostgreSQL gets from the migration.

    The same query then runs on both backends: on PostgreSQL ``rt_fold`` is ``unaccent`` +
    ``lower`` (indexable, IMMUTABLE), on SQLite it is Python's ``organizations.text.fold``.
    """
    if connection.vendor == "sqlite":
        from organizations.text import fold

        connection.connection.create_function("rt_fold", 1, lambda text: None if text is None else fold(text),
                                              deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connection_created.connect(register_fold, dispatch_uid="search-register-fold")
