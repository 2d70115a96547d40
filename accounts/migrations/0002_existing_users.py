"""An ``Account`` row (with its search key) for every user created before this app."""
from django.conf import settings
from django.db import migrations


def fill(apps, schema_editor):
    from organizations.text import search_key

    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Account = apps.get_model("accounts", "Account")
    have = set(Account.objects.values_list("user_id", flat=True))
    rows = [Account(user_id=u.pk, search_text=search_key(f"{u.username} {u.first_name} {u.last_name} {u.email}")[:600])
            for u in User.objects.exclude(pk__in=have).iterator()]
    Account.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
