"""Shared fixtures. Tests run against the database the settings name (PostgreSQL in `make test`)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def tree(db):
    from tests.factories import make_tree

    return make_tree()


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory, grant

    def _make(username: str, org=None, kind: str = "staff"):
        user = UserFactory(username=username)
        if org is not None:
            grant(user, org, kind)
        return user

    return _make


@pytest.fixture(autouse=True)
def english_by_default(request, settings):
    """Assertions read English msgids; tests marked `vietnamese` see the real default (vi).

    The product's default language is Vietnamese; tests/test_i18n.py checks that pages
    render in Vietnamese and that both catalogs are complete.
    """
    from django.utils import translation

    if request.node.get_closest_marker("vietnamese"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_register_choices():
    """The dashboards cache the register's issuers and terms; a test starts without them.

    (A rolled-back test's directives would otherwise linger in the shared Redis cache.)
    """
    from django.core.cache import cache

    from resolutions.selectors import CHOICES_KEY

    cache.delete(CHOICES_KEY)
    yield
    cache.delete(CHOICES_KEY)
