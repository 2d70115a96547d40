from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count_by_unit(model, ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    rows = model.objects.filter(organization_id__in=ids).order_by().values("organization_id").annotate(n=Count("id"))
    return {row["organization_id"]: row["n"] for row in rows}


def _count_in_subtree(model, path: str) -> int:
    return model.objects.filter(organization__path__startswith=path).count()


def _count_dated(model, ids: list[int], starts: str, ends: str, since, before) -> int:
    """Rows starting on or after ``since``, or (without it) ending before ``before``."""
    lookup = {f"{starts}__gte": since} if since else {f"{ends}__lt": before}
    return model.objects.filter(organization_id__in=ids, **lookup).count()


class MeetingsConfig(AppConfig):
    name = "meetings"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Meetings and reports")

    def ready(self) -> None:
        # The tree workspace and reorganisation previews count reports and meetings per unit
        # without organizations importing meetings (organizations ← resolutions ← meetings).
        from organizations.hooks import (
            register_dated_counter,
            register_subtree_counter,
            register_succession_handler,
            register_unit_counter,
            register_unit_panel,
        )

        from . import numbering
        from .models import Meeting, Report
        from .succession import carry_reports, refresh_summaries

        register_succession_handler(carry_reports)
        register_succession_handler(refresh_summaries)

        register_unit_counter("reports", _("Reports"), lambda ids: _count_by_unit(Report, ids))
        register_unit_counter("meetings", _("Meetings"), lambda ids: _count_by_unit(Meeting, ids))
        register_subtree_counter("reports", _("Reports"), lambda path: _count_in_subtree(Report, path))
        register_subtree_counter("meetings", _("Meetings"), lambda path: _count_in_subtree(Meeting, path))
        # The rule of meetings.succession (a report for a period starting on or after a
        # reorganisation's date goes with the unit that carries the work on), and what an edited
        # start or end date of a unit would leave outside its existence.
        register_dated_counter("reports", lambda ids, since, before: _count_dated(
            Report, ids, "period_start", "period_end", since, before))
        register_dated_counter("meetings", lambda ids, since, before: _count_dated(
            Meeting, ids, "date", "date", since, before))
        # Gaps and repeats in the numbering of meetings and documents, per term: a section of
        # the unit's page, and a figure the tree workspace can flag units with.
        register_unit_panel("numbering", numbering.unit_panel)
        register_unit_counter("numbering_issues", _("Numbering issues"),
                              lambda ids: {pk: i.total for pk, i in numbering.numbering_issues(ids).items()})
