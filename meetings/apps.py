from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count_by_unit(model, ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    rows = model.objects.filter(organization_id__in=ids).order_by().values("organization_id").annotate(n=Count("id"))
    return {row["organization_id"]: row["n"] for row in rows}


class MeetingsConfig(AppConfig):
    name = "meetings"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Meetings and reports")

    def ready(self) -> None:
        # The tree workspace and reorganisation previews count reports and meetings per unit
        # without organizations importing meetings (organizations ← resolutions ← meetings).
        from organizations.hooks import register_succession_handler, register_unit_counter

        from .models import Meeting, Report
        from .succession import carry_reports, refresh_summaries

        register_succession_handler(carry_reports)
        register_succession_handler(refresh_summaries)

        register_unit_counter("reports", _("Reports"), lambda ids: _count_by_unit(Report, ids))
        register_unit_counter("meetings", _("Meetings"), lambda ids: _count_by_unit(Meeting, ids))
