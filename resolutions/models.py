"""The directive register: directives, their aliases, targets and assignments.

Identity follows DOMAIN §2.2: a symbol alone is not unique (numbering restarts every
term), so a numbered directive is identified by issuer organ + kind + number + term (or
issue date), and an unnumbered one (congress and plenum resolutions, the Charter) by
issuer + kind + term + title.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Cast, Least, NullIf
from django.utils.translation import gettext_lazy as _

from organizations.models import Organ, Organization, Term
from organizations.text import search_key

from .symbols import KIND_WORDS, DirectiveKind, SymbolFamily, canonical_symbol, default_type_code


class DirectiveStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    COMPLETED = "completed", _("Completed")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")


class Directive(models.Model):
    """A guiding document (văn bản chỉ đạo) that reports implement."""

    kind = models.CharField(_("kind"), max_length=4, choices=DirectiveKind.choices)
    family = models.CharField(_("symbol family"), max_length=20, choices=SymbolFamily.choices, default=SymbolFamily.PARTY)
    type_code = models.CharField(
        _("type code in the symbol"), max_length=8, blank=True,
        help_text=_("Usually the kind's code; a Quy định may be printed with QĐ (1374-QĐ/TU)."),
    )
    number = models.CharField(_("number"), max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    issuer = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="directives", verbose_name=_("issuer"))
    issuer_code = models.CharField(_("issuer code in the symbol"), max_length=20, blank=True)
    plenum = models.PositiveSmallIntegerField(
        _("plenum"), null=True, blank=True, help_text=_("Hội nghị Trung ương number, for plenum resolutions (TW4)."),
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    title = models.TextField(_("title (trích yếu)"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, null=True, blank=True, related_name="directives", verbose_name=_("term"))
    symbol_printed = models.CharField(_("symbol as printed"), max_length=64, blank=True)
    symbol = models.CharField(_("canonical symbol"), max_length=64, blank=True, db_index=True, editable=False)
    implements = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="implemented_by", verbose_name=_("implements")
    )
    status = models.CharField(_("status"), max_length=12, choices=DirectiveStatus.choices, default=DirectiveStatus.IN_FORCE)
    search_text = models.TextField(editable=False, default="")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issue_date", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "number", "term"], condition=~Q(number="") & Q(term__isnull=False),
                name="directive_identity_term",
                violation_error_message=_("This issuer already has a document of this kind and number in this term."),
            ),
            models.UniqueConstraint(
                fields=["issuer", "kind", "number", "issue_date"], condition=~Q(number="") & Q(issue_date__isnull=False),
                name="directive_identity_date",
                violation_error_message=_("This issuer already has a document of this kind and number on this date."),
            ),
            models.UniqueConstraint(
                fields=["issuer", "kind", "term", "plenum", "title"], condition=Q(number=""),
                name="directive_identity_unnumbered",
                violation_error_message=_("This unnumbered document is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(number="") | Q(term__isnull=False) | Q(issue_date__isnull=False) | ~Q(family="party"),
                name="directive_unnumbered_has_term",
                violation_error_message=_("An unnumbered party document needs a term or an issue date."),
            ),
            models.CheckConstraint(
                condition=Q(number="") | Q(term__isnull=False) | Q(issue_date__isnull=False) | Q(year__isnull=False),
                name="directive_numbered_is_dated",
                violation_error_message=_("A numbered document needs a term, a year or an issue date: numbers restart every term."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "number"], name="directive_kind_number_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def kind_word(self) -> str:
        return KIND_WORDS.get(self.kind, "")

    @property
    def label(self) -> str:
        """How people name it: 'Chỉ thị 05-CT/TW' or, unnumbered, its title."""
        return directive_label(self.kind, self.symbol, self.title)

    def compute_symbol(self) -> str:
        issuer_code = self.issuer_code or (self.issuer.symbol_code if self.issuer_id else "")
        return canonical_symbol(
            family=self.family, number=self.number, type_code=self.type_code or default_type_code(self.kind),
            issuer_code=issuer_code, year=self.year,
        )

    def clean(self) -> None:
        if self.number and not self.number.strip():
            self.number = ""
        self.number = (self.number or "").strip()
        if self.issue_date and self.year and self.issue_date.year != self.year:
            raise ValidationError({"year": _("The year does not match the issue date.")})
        if self.issue_date and not self.year:
            self.year = self.issue_date.year
        if self.family != SymbolFamily.PARTY and self.number and not (self.issuer_code or (self.issuer_id and self.issuer.symbol_code)):
            raise ValidationError({"issuer_code": _("A state document needs its issuer code (e.g. QH14).")})
        if self.term_id and self.issue_date and not (self.term.start_year <= self.issue_date.year <= self.term.end_year):
            raise ValidationError({"issue_date": _("The issue date lies outside the term.")})
        self.symbol = self.compute_symbol()
        self.search_text = search_key(" ".join(filter(None, [self.kind_word, self.symbol, self.symbol_printed, self.title])))


def directive_label(kind: str, symbol: str, title: str) -> str:
    """A directive's name from its parts (also for reads that skip the model, as the dashboards do)."""
    if symbol:
        return f"{KIND_WORDS.get(kind, '')} {symbol}"
    return title[:120]


class DirectiveAlias(models.Model):
    """Another name under which a directive is cited ("Nghị quyết Trung ương 4 khóa XII")."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("directive"))
    text = models.CharField(_("alias"), max_length=255)
    key = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["directive", "key"], name="alias_unique_per_directive")]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        self.key = search_key(self.text)
        if not self.key:
            raise ValidationError({"text": _("An alias cannot be empty.")})


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of contributions")
    MAX = "max", _("Highest value reported")
    LATEST = "latest", _("Latest value reported")


class Target(models.Model):
    """A measurable goal of a directive ("kết nạp 2000 đảng viên trong nhiệm kỳ")."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="targets", verbose_name=_("directive"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="targets",
        verbose_name=_("organisation"), help_text=_("Whose goal it is; empty means everyone assigned."),
    )
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=60)
    value = models.DecimalField(_("goal"), max_digits=14, decimal_places=2)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # The pace runs from here to the deadline: a target set in 2019 under a 2016 directive is
    # not behind for the three years before it existed. Empty: the earliest start of the
    # directive's assignments that cover the organisation, else the directive's issue date.
    start = models.DateField(_("start"), null=True, blank=True,
                             help_text=_("When work on the target starts; empty means when its assignment starts."))
    aggregation = models.CharField(_("how contributions add up"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["directive", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="target_value_positive",
                                   violation_error_message=_("A goal must be greater than zero.")),
            models.UniqueConstraint(fields=["directive", "organization", "name"], name="target_unique_name",
                                    violation_error_message=_("This directive already has a target with this name here.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.value:g} {self.unit})"


class Frequency(models.TextChoices):
    MONTHLY = "month", _("Monthly")
    QUARTERLY = "quarter", _("Quarterly")
    HALF_YEARLY = "half", _("Every six months")
    YEARLY = "year", _("Yearly")


class Assignment(models.Model):
    """Which subtree must implement a directive and how often units report on it.

    ``reporter_kind`` names the units inside the subtree that are expected to report
    (e.g. every cell monthly); empty means the assigned organisation itself.
    """

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("directive"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("subtree"))
    frequency = models.CharField(_("reporting frequency"), max_length=8, choices=Frequency.choices)
    reporter_kind = models.CharField(
        _("reporting units"), max_length=20, blank=True,
        choices=[("", _("The assigned organisation itself"))] + list(Organization._meta.get_field("kind").choices),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("days after period end to report"), default=5)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["directive", "organization__path"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__lte=models.F("end")), name="assignment_interval",
                                   violation_error_message=_("An assignment cannot end before it starts.")),
            models.UniqueConstraint(fields=["directive", "organization", "reporter_kind", "start"], name="assignment_unique",
                                    violation_error_message=_("This assignment already exists.")),
        ]

    def __str__(self) -> str:
        return f"{self.directive} → {self.organization} ({self.get_frequency_display()})"


class SummaryPeriod(models.TextChoices):
    """Periods summaries are computed for (a report's own period may be any interval)."""

    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half-year")
    YEAR = "year", _("Year")
    TERM = "term", _("Term")


def attention_expressions() -> tuple:
    """How the dashboards rank units worst first, after overdue, late and behind counts.

    Units with no report at all come first (0), then by coverage, lowest first (no units
    expected last). Shared by the query and the index that serves it: the same expressions.
    """
    # 0 for no report at all, else 1 (LEAST, not CASE: Django's migrations cannot compare a CASE
    # inside an index and would propose to rebuild it forever).
    silent = Least(F("reports") + F("reported_units"), Value(1))
    ratio = Cast(F("reported_units"), FloatField()) / Cast(NullIf(F("expected_units"), Value(0)), FloatField())
    return silent, ratio


#: The additive figures of a summary row, in the order the computation writes them.
SUMMARY_FIGURES: tuple[str, ...] = (
    "expected_units", "reported_units", "reporting_units", "reports",
    "links_not_started", "links_in_progress", "links_behind", "links_done",
    "units_on_time", "units_late", "units_pending", "units_overdue",
)


class ProgressSummary(models.Model):
    """Implementation of one directive in one organisation's whole subtree over one period.

    Computed by the summary jobs from reports and links (the ``meetings`` app writes these
    rows); the dashboards only ever read them. Counts of units are additive up the tree:
    a parent's row is its own figures plus the sum of its children's rows.

    On PostgreSQL the table is partitioned by period (``resolutions/partitions.py``,
    migration 0003): one partition per (period kind, period start), so a whole-tree
    recompute builds the period's rows in a fresh table, indexes it in bulk and swaps it
    in — at national scale (~2 M rows a period) that is what keeps a recompute within
    seconds instead of minutes of per-row index maintenance, and it leaves no dead rows.
    Hence the primary key there is (id, period_kind, period_start) and unique constraints
    include the period. Migrations that change these two models must keep that in mind.

    No database-level foreign keys (``db_constraint=False``): the rows are derived data that
    the computation writes only for existing units and directives, Django's ``on_delete``
    still cascades, and a swapped-in partition with foreign keys would lock the organisation
    tree and the register — which every page reads — while it is attached or dropped.
    """

    # Both foreign keys are covered by the composite indexes below: no single-column index.
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("directive"),
                                  db_index=False, db_constraint=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="summaries",
                                     verbose_name=_("organisation"), db_index=False, db_constraint=False)
    period_kind = models.CharField(_("period"), max_length=8, choices=SummaryPeriod.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # The unit's administrative level (organizations.ORG_LEVELS), copied by the computation:
    # "every unit of a level below X" is then one index range of this table.
    unit_level = models.PositiveSmallIntegerField(_("level of the unit"), default=4)
    expected_units = models.PositiveIntegerField(_("units expected to report"), default=0)
    reported_units = models.PositiveIntegerField(_("expected units that reported"), default=0)
    reporting_units = models.PositiveIntegerField(_("units that reported"), default=0)
    reports = models.PositiveIntegerField(_("reports"), default=0)
    links_not_started = models.PositiveIntegerField(_("links: not started"), default=0)
    links_in_progress = models.PositiveIntegerField(_("links: in progress"), default=0)
    links_behind = models.PositiveIntegerField(_("links: behind schedule"), default=0)
    links_done = models.PositiveIntegerField(_("links: completed"), default=0)
    units_on_time = models.PositiveIntegerField(_("done on time"), default=0)
    units_late = models.PositiveIntegerField(_("done late"), default=0)
    units_pending = models.PositiveIntegerField(_("not done, within deadline"), default=0)
    units_overdue = models.PositiveIntegerField(_("overdue"), default=0)
    last_report_date = models.DateField(_("last report"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed (figures frozen)"), default=False)
    amended_after_close = models.PositiveIntegerField(_("reports amended after close"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("progress summary")
        verbose_name_plural = _("progress summaries")
        constraints = [
            # Organisation first: it also serves "this unit's rows of a period" (every dashboard).
            models.UniqueConstraint(fields=["organization", "period_kind", "period_start", "directive"],
                                    name="summary_unique"),
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="summary_period_ordered"),
            models.CheckConstraint(condition=Q(reported_units__lte=models.F("expected_units")), name="summary_reported_le_expected"),
        ]
        indexes = [
            # A directive's units of one level in one period, worst first — the dashboards'
            # attention order, ties by unit: the first page of 70,000 cells is read off the index
            # (with fewer keys, ties of 15,000 overdue cells had to be read and sorted). No period
            # columns: on PostgreSQL each partition is one period, where they only cost
            # comparisons (the national build took 2.5× as long with them); SQLite data is small.
            models.Index(F("directive"), F("unit_level"),
                         F("units_overdue").desc(), F("units_late").desc(), F("links_behind").desc(),
                         *attention_expressions(), F("organization"), name="summary_attention_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.directive} / {self.organization} / {self.period_kind} {self.period_start:%m/%Y}"


class TargetProgress(models.Model):
    """A target's value in a summary's subtree and period, added up as the target says.

    The organisation and the period are copies of the summary's: the dashboards add up a
    term's monthly values per (organisation, target) from this table alone, and on
    PostgreSQL it is partitioned by period like ``ProgressSummary`` (see there).
    """

    summary = models.ForeignKey(ProgressSummary, on_delete=models.CASCADE, related_name="target_values",
                                db_constraint=False)
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress", db_constraint=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                     db_index=False)
    period_kind = models.CharField(_("period"), max_length=8, choices=SummaryPeriod.choices)
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(max_digits=16, decimal_places=2)
    contributions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("target progress")
        verbose_name_plural = _("target progress")
        constraints = [
            # A target belongs to one directive, so this is one row per summary and target.
            models.UniqueConstraint(fields=["organization", "period_kind", "period_start", "target"],
                                    name="target_progress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.value:g}"


class PeriodClose(models.Model):
    """A closed period ("chốt số liệu"): its summaries are frozen from ``closed_at`` on."""

    period_kind = models.CharField(_("period"), max_length=8, choices=SummaryPeriod.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [models.UniqueConstraint(fields=["period_kind", "period_start"], name="period_close_unique")]

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class SummaryDocument(models.Model):
    """A generated periodic summary (DOCX + XLSX) for an organisation and a period."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="summary_documents", verbose_name=_("organisation"))
    period_kind = models.CharField(_("period"), max_length=8, choices=SummaryPeriod.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    docx = models.FileField(_("DOCX"), upload_to="summaries/%Y/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="summaries/%Y/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("summary document")
        verbose_name_plural = _("summary documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_period_kind_display()} {self.period_start:%d/%m/%Y}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    REGISTERED = "registered", _("Registered")
    DECLINED = "declined", _("Declined")


class RegistrationRequest(models.Model):
    """A request to register a document a report cites but the register does not know.

    Staff meet the unknown citation on a report's links page; the admins whose subtree
    covers the reporting unit register the document (or decline, with a reason). It lives
    in the register's app because it is the register's work queue and its outcome is a
    directive; the report it came from belongs to ``meetings``, which this app may not
    import, so it is kept by id (``report_id``, reached by URL name, never by import) with
    the title it had — the request stays readable if the report is later deleted.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="registration_requests",
                                     verbose_name=_("requesting unit"))
    report_id = models.PositiveBigIntegerField(_("report"), db_index=True)
    report_title = models.CharField(_("report title"), max_length=255)
    citing_text = models.CharField(_("citation as written"), max_length=500)
    context = models.TextField(_("text around the citation"), blank=True)
    key = models.CharField(max_length=500, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=4, choices=DirectiveKind.choices, blank=True)
    number = models.CharField(_("number"), max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    issuer_code = models.CharField(_("issuer code in the symbol"), max_length=20, blank=True)
    issuer_words = models.CharField(_("issuer as written"), max_length=255, blank=True)
    symbol = models.CharField(_("symbol"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    directive = models.ForeignKey(Directive, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="registration_requests", verbose_name=_("registered as"))

    class Meta:
        verbose_name = _("registration request")
        verbose_name_plural = _("registration requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["report_id", "key"], condition=Q(status="open"),
                                    name="registration_request_open_once",
                                    violation_error_message=_("Registration of this citation has already been requested.")),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(reason=""), name="registration_request_declined_reason",
                                   violation_error_message=_("A declined request needs a reason.")),
        ]
        indexes = [models.Index(fields=["status", "organization"], name="registration_request_open_idx")]

    def __str__(self) -> str:
        return self.citing_text

    def clean(self) -> None:
        self.key = search_key(self.citing_text)
        if not self.key:
            raise ValidationError({"citing_text": _("The citation is empty.")})

    @property
    def parsed_label(self) -> str:
        """The citation's parts as the finder read them ("Kế hoạch 156-KH/TU"), for listings."""
        return directive_label(self.kind, self.symbol, "") if self.symbol else KIND_WORDS.get(self.kind, "")
