"""The organisation tree, its organs and terms, people in positions, and user roles.

``organizations`` knows nothing of documents or meetings. The tree is a django-treebeard
materialized path: "this unit and everything below it" is ``path LIKE 'prefix%'``, one
indexed range scan, which every scoped query in the product relies on.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .text import search_key


class OrgKind(models.TextChoices):
    """Kinds of party organisation. Stored explicitly: depth does not imply kind (DOMAIN §1)."""

    CENTRAL = "central", _("Central Committee")
    PROVINCE = "province", _("Provincial / municipal committee")
    DISTRICT = "district", _("District committee")
    BLOC = "bloc", _("Bloc committee")
    UPPER = "upper", _("Other upper-grassroots committee")
    COMMUNE = "commune", _("Commune / ward committee")
    GRASSROOTS = "grassroots", _("Grassroots party committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell")
    SECTION = "section", _("Section committee")
    CELL = "cell", _("Party cell")


#: Administrative level of each kind: 0 central, 1 province, 2 upper-grassroots,
#: 3 grassroots, 4 below grassroots. Used for the "unit level" filters.
ORG_LEVELS: dict[str, int] = {
    OrgKind.CENTRAL: 0,
    OrgKind.PROVINCE: 1,
    OrgKind.DISTRICT: 2,
    OrgKind.BLOC: 2,
    OrgKind.UPPER: 2,
    OrgKind.COMMUNE: 2,
    OrgKind.GRASSROOTS: 3,
    OrgKind.GRASSROOTS_CELL: 3,
    OrgKind.SECTION: 4,
    OrgKind.CELL: 4,
}


class Organization(MP_Node):
    """A party organisation (tổ chức đảng) at any level.

    Units are merged, split and dissolved; a unit keeps its row (and its reports) with
    ``valid_to`` set, and ``successors`` records where its work went.
    """

    steplen = 4
    node_order_by = ["code"]

    code = models.CharField(_("code"), max_length=64, unique=True, help_text=_("Stable identifier, never reused."))
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    member_count = models.PositiveIntegerField(_("party members"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("successors")
    )
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                name="org_valid_interval",
                violation_error_message=_("An organisation cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], name="org_kind_idx"),
            # "The children of X" = one depth and a path prefix: a tight range even at the root,
            # where a prefix alone matches every unit (pattern opclass: LIKE under any collation).
            models.Index(fields=["depth", "path"], opclasses=["int4_ops", "varchar_pattern_ops"],
                         name="org_depth_path_idx"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def level(self) -> int:
        return ORG_LEVELS.get(self.kind, 4)

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        return self.valid_to is None or self.valid_to >= timezone.localdate()

    def clean(self) -> None:
        self.search_text = search_key(f"{self.name} {self.short_name} {self.code}")[:400]

    def existence_error(self, start, end) -> str | None:
        """Why the unit cannot have work (a report, a meeting) dated ``start``–``end``, if it cannot.

        An ended unit still files for the time it existed (its last report comes after it
        ends); for the time after, the work belongs to the unit that carries it on.
        """
        from django.utils.formats import date_format

        if self.valid_to is not None and start is not None and start > self.valid_to:
            return _("“%(unit)s” ended on %(day)s: work after that date belongs to the unit that carries it on.") % {
                "unit": self, "day": date_format(self.valid_to, "SHORT_DATE_FORMAT")}
        if self.valid_from is not None and end is not None and end < self.valid_from:
            return _("“%(unit)s” only exists from %(day)s.") % {
                "unit": self, "day": date_format(self.valid_from, "SHORT_DATE_FORMAT")}
        return None

    def subtree_q(self, prefix: str = "") -> Q:
        """Q matching this organisation and everything below it, on a FK path ``prefix``."""
        field = f"{prefix}__path__startswith" if prefix else "path__startswith"
        return Q(**{field: self.path})


class OrganKind(models.TextChoices):
    CENTRAL_COMMITTEE = "bch", _("Executive Committee")
    POLITBURO = "bct", _("Politburo")
    SECRETARIAT = "bbt", _("Secretariat")
    STANDING_COMMITTEE = "btv", _("Standing Committee")
    STANDING_OFFICE = "tt", _("Standing Office")
    CONGRESS = "congress", _("Congress")
    INSPECTION = "ubkt", _("Inspection Commission")
    STATE = "state", _("State body")


class Organ(models.Model):
    """A body that issues documents: an organ of a committee, a congress, or a state body.

    Party organs belong to an organisation of the tree; state bodies (Quốc hội, Chính phủ)
    have none. ``symbol_code`` is the issuer code printed in document symbols (TW, TU, QH).
    """

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganKind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="organs", verbose_name=_("organisation")
    )
    symbol_code = models.CharField(_("symbol code"), max_length=20, blank=True, help_text=_("e.g. TW, TU, ĐUK, QH"))
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("Other names used in texts, one per line."))

    class Meta:
        verbose_name = _("issuing organ")
        verbose_name_plural = _("issuing organs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="state") | Q(organization__isnull=False),
                name="organ_party_has_org",
                violation_error_message=_("A party organ must belong to an organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


def roman(n: int) -> str:
    """Roman numeral for a term ordinal (khóa XII)."""
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in table:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


class Term(models.Model):
    """A term (nhiệm kỳ / khóa) of an organisation or of a state body.

    Ordinals are local: the HCM bloc's congress II, the city's X and the nation's XII ran
    over the same years, so a term is always the pair (body, ordinal).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="terms", verbose_name=_("organisation")
    )
    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="terms", verbose_name=_("state body")
    )
    ordinal = models.PositiveSmallIntegerField(_("ordinal (khóa)"))
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    name = models.CharField(_("name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["start_year", "ordinal"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")),
                name="term_years_ordered",
                violation_error_message=_("A term cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(organ__isnull=True))
                | (Q(organization__isnull=True) & Q(organ__isnull=False)),
                name="term_one_body",
                violation_error_message=_("A term belongs to exactly one organisation or state body."),
            ),
            models.UniqueConstraint(
                fields=["organization", "ordinal"], condition=Q(organization__isnull=False), name="term_unique_org_ordinal",
                violation_error_message=_("This organisation already has a term with this ordinal."),
            ),
            models.UniqueConstraint(
                fields=["organ", "ordinal"], condition=Q(organ__isnull=False), name="term_unique_organ_ordinal",
                violation_error_message=_("This body already has a term with this ordinal."),
            ),
        ]

    def __str__(self) -> str:
        body = self.organization or self.organ
        return self.name or f"{body} khóa {self.roman} ({self.start_year}-{self.end_year})"

    @property
    def roman(self) -> str:
        return roman(self.ordinal)


class Person(models.Model):
    """A cadre (cán bộ). Positions say what they held, where and when."""

    full_name = models.CharField(_("full name"), max_length=200)
    search_text = models.CharField(max_length=200, editable=False, default="")
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        self.search_text = search_key(self.full_name)


class PositionTitle(models.TextChoices):
    SECRETARY = "bi_thu", _("Secretary")
    STANDING_DEPUTY = "pho_bi_thu_tt", _("Standing Deputy Secretary")
    DEPUTY = "pho_bi_thu", _("Deputy Secretary")
    STANDING_MEMBER = "uv_btv", _("Member of the Standing Committee")
    COMMITTEE_MEMBER = "uv_bch", _("Member of the Executive Committee")
    CENTRAL_MEMBER = "uv_tw", _("Member of the Party Central Committee")
    STATE_POST = "state", _("State post")
    OTHER = "other", _("Other")


class Position(models.Model):
    """A post held by a person in an organisation over an interval.

    One person often holds a party and a state post at once (Bí thư Đảng ủy and Giám đốc
    Sở): those are two rows with overlapping intervals.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=20, choices=PositionTitle.choices)
    label = models.CharField(
        _("label as written"), max_length=255, blank=True,
        help_text=_("e.g. 'Giám đốc Sở Tài nguyên và Môi trường' for a state post"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["organization__path", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=models.F("end")),
                name="position_interval",
                violation_error_message=_("A position cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.display_title}"

    @property
    def display_title(self) -> str:
        if self.label:
            return self.label
        return f"{self.get_title_display()} {self.organization}"

    def held_on(self, day) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class RoleKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")


class Role(models.Model):
    """A user's role at an organisation; it covers that organisation's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="roles", verbose_name=_("organisation")
    )
    kind = models.CharField(_("role"), max_length=10, choices=RoleKind.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "kind"], name="role_unique",
                violation_error_message=_("This user already has this role here."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} @ {self.organization}"

    def clean(self) -> None:
        if self.organization_id and not self.organization.is_active:
            raise ValidationError({"organization": _("Roles cannot be granted at a dissolved organisation.")})


class ReorganisationKind(models.TextChoices):
    MERGE = "merge", _("Merger")
    SPLIT = "split", _("Split")
    DISSOLVE = "dissolve", _("Dissolution")
    MOVE = "move", _("Transfer to another parent")


class Reorganisation(models.Model):
    """One change of the real structure, from a date, with its reason (the tree's history).

    ``sources`` are the units that ended on the day before ``effective`` (merged, split,
    dissolved, or the old place of a transferred unit); ``targets`` the units that carry their
    work on from ``effective``. Old units keep their rows, reports and place, so every period
    before the date is summarised by the structure as it was (see
    ``organizations.services.reorganisation``).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReorganisationKind.choices)
    effective = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sources = models.ManyToManyField(Organization, related_name="reorganisations_out", verbose_name=_("units ended"))
    targets = models.ManyToManyField(Organization, related_name="reorganisations_in", blank=True,
                                     verbose_name=_("successor units"))

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective.isoformat()}"


class ImportStatus(models.TextChoices):
    PLANNED = "planned", _("Ready to apply")
    INVALID = "invalid", _("Has problems")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being applied")
    DONE = "done", _("Applied")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class OrganizationImport(models.Model):
    """An uploaded tree file between its dry run and its application, kept on the server.

    The file itself is kept (``content``, at most ``tree_io.MAX_BYTES``) so that applying it
    plans it again from what was uploaded — never from anything the browser sends back — and
    is dropped once applied or after ``import_jobs.LIFETIME``. ``report`` is the dry run as
    shown (counts, tables, problems as codes put in words when shown); ``plan_digest`` what
    the admin saw, which the application must find again.
    """

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("uploaded by"))
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(editable=False, default=b"")
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    plan_digest = models.CharField(max_length=64, blank=True)
    report = models.JSONField(default=dict, blank=True)
    replanned = models.BooleanField(default=False)
    error = models.TextField(_("error"), blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
