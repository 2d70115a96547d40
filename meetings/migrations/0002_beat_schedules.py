"""Data only: the summary jobs' Celery beat schedules, editable afterwards in the admin.

- nightly recompute of every open period at 01:00 (Asia/Ho_Chi_Minh);
- daily period close ("chốt số liệu") at 02:00, ``days_after_end`` days after each period ends;
- daily missing-report digest e-mail at 07:00.

Idempotent: rows are looked up by name and never overwritten (an admin's edits survive).
"""
import json

from django.db import migrations

TZ = "Asia/Ho_Chi_Minh"
SCHEDULES = [
    ("Tổng hợp lại các kỳ chưa chốt (hằng đêm)", "meetings.summaries_compute_open", "0", "1", {}),
    ("Chốt số liệu các kỳ đã kết thúc", "meetings.periods_close_due", "0", "2", {"days_after_end": 10}),
    ("Thư nhắc báo cáo chưa gửi (hằng ngày)", "meetings.missing_reports_digest", "0", "7", {}),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, kwargs in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TZ)
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, kwargs=json.dumps(kwargs), enabled=True,
                                    description="Theo dõi thực hiện Nghị quyết — tổng hợp tiến độ")


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
