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
