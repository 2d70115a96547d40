"""Test settings: the production shape minus what a test client cannot speak (HTTPS redirects).

The suite runs with ``DATABASE_URL``/``REDIS_URL`` pointing at real PostgreSQL and Redis
(``make test`` sets them); the ``embedded`` marker runs a subset with neither set.
"""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "t" * 40)

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-axes needs the request in ``authenticate()``, which Django's test client ``login()``
# does not pass; the throttling tests (tests/test_security.py) switch it on with
# ``settings.AXES_ENABLED = True`` and log in through the login page as a browser does.
AXES_ENABLED = False
