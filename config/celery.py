"""The Celery application.

Workers and beat import this module; Django code enqueues through ``shared_task``.
In the embedded configuration (no ``REDIS_URL``) settings make every task run eagerly
in-process, so a newcomer needs no broker to see summaries being computed.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("resolution_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
