"""The index definition (versioned data) and the aggregates the index is read from.

Aggregates are kept incrementally by `metrics.aggregation.refresh` from the one-stop facts:
- `DossierFact`: one row per dossier with what the index reads from it (days, flags, and its
  timeliness turned into day intervals), so that a changed dossier's old contribution can be
  taken back exactly before the new one is added;
- `DailyFact`: per (agency, day) counters; rates for a period are sums over its days, and the
  dossiers still open at a period's end come from running sums of `open_delta`/`late_delta`;
- `ProcedureDayFact`: per (agency, procedure, day), for counts of distinct procedures;
- `PausedVerdict`: dossiers waiting for a supplement now, judged at the end of each day since
  the pause (their due date moves with the wait, see dossiers.timeliness).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .definition_check import DefinitionError, validate


class IndexDefinition(models.Model):
    """One version of the index definition; the active one scores every result."""

    version = models.CharField(_("phiên bản"), max_length=50, unique=True, editable=False)
    title = models.CharField(_("tên bộ chỉ số"), max_length=255, editable=False)
    data = models.JSONField(_("định nghĩa (JSON)"))
    is_active = models.BooleanField(_("đang áp dụng"), default=False)
    created_at = models.DateTimeField(_("thời điểm nạp"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản bộ chỉ số")
        verbose_name_plural = _("phiên bản bộ chỉ số")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                    name="one_active_index_definition"),
        ]

    def __str__(self) -> str:
        return self.version

    def save(self, *args, **kwargs):
        self.clean()  # validated on every save, admin or not
        self.version = self.data["version"]
        self.title = self.data.get("title", self.version)
        super().save(*args, **kwargs)

    def clean(self):
        try:
            validate(self.data)
        except DefinitionError as exc:
            raise ValidationError({"data": exc.messages}) from exc


class DossierFact(models.Model):
    """What the index reads from one dossier. Days are local (Asia/Ho_Chi_Minh) dates."""

    dossier_id = models.BigIntegerField(primary_key=True)
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    status = models.PositiveSmallIntegerField()
    sup_count = models.PositiveSmallIntegerField()
    # The instants classify() reads (start: receipt, or submission when refused at intake).
    start_at = models.DateTimeField(null=True)
    end_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)  # the dossier's, or its statutory one
    withdrawn_at = models.DateTimeField(null=True)
    paused_since = models.DateTimeField(null=True)
    # Days the counters are attached to.
    recv_day = models.DateField(null=True)
    recv_month = models.DateField(null=True)  # first day of recv_day's month
    end_day = models.DateField(null=True)
    result_day = models.DateField(null=True)
    rated_day = models.DateField(null=True)
    # Timeliness: ended on time/late on end_day; open in [open_from, open_until), late
    # while open from late_from; open_until is null while the interval has no end.
    ended_on_time = models.SmallIntegerField(db_default=0)
    ended_late = models.SmallIntegerField(db_default=0)
    open_from = models.DateField(null=True)
    open_until = models.DateField(null=True)
    late_from = models.DateField(null=True)
    late_day = models.DateField(null=True)  # the day after the due day (work column)
    # Flags (0/1) counted on recv_day / result_day / rated_day.
    received = models.SmallIntegerField(db_default=0)
    synced = models.SmallIntegerField(db_default=0)
    online_eligible = models.SmallIntegerField(db_default=0)
    full_online = models.SmallIntegerField(db_default=0)
    with_fees = models.SmallIntegerField(db_default=0)
    paid_online = models.SmallIntegerField(db_default=0)
    digitized = models.SmallIntegerField(db_default=0)
    reused = models.SmallIntegerField(db_default=0)
    population_db = models.SmallIntegerField(db_default=0)
    with_result = models.SmallIntegerField(db_default=0)
    e_result = models.SmallIntegerField(db_default=0)
    edata = models.SmallIntegerField(db_default=0)
    rated = models.SmallIntegerField(db_default=0)
    satisfied = models.SmallIntegerField(db_default=0)

    class Meta:
        indexes = [
            models.Index(fields=["agency_id", "recv_day"]),
            models.Index(fields=["agency_id", "end_day"]),
            models.Index(fields=["agency_id", "open_from"]),
            models.Index(fields=["agency_id", "result_day"]),
            models.Index(fields=["agency_id", "rated_day"]),
            models.Index(fields=["paused_since"], condition=models.Q(paused_since__isnull=False),
                         name="dossier_fact_paused"),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


COUNTERS = (
    "received", "synced", "online_eligible", "full_online", "with_fees", "paid_online",
    "digitized", "reused", "population_db", "with_result", "e_result", "edata", "rated",
    "satisfied", "ended_on_time", "ended_late", "open_delta", "late_delta",
)


class DailyFact(models.Model):
    agency_id = models.BigIntegerField()
    day = models.DateField()
    received = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    online_eligible = models.IntegerField(default=0)
    full_online = models.IntegerField(default=0)
    with_fees = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    population_db = models.IntegerField(default=0)
    with_result = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    edata = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    ended_on_time = models.IntegerField(default=0)
    ended_late = models.IntegerField(default=0)
    open_delta = models.IntegerField(default=0)  # opened minus closed on the day
    late_delta = models.IntegerField(default=0)  # became late minus closed while late

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_id", "day"],
                                               name="uniq_daily_fact")]
        indexes = [
            models.Index(fields=["day", "agency_id"]),
            # Running sums up to a day read this index alone (PostgreSQL).
            models.Index(fields=["day"], include=["agency_id", "open_delta", "late_delta"],
                         name="daily_fact_running"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class MonthlyFact(models.Model):
    """DailyFact summed per month: whole months of a period read one row per agency."""

    agency_id = models.BigIntegerField()
    month = models.DateField()  # first day of the month
    received = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    online_eligible = models.IntegerField(default=0)
    full_online = models.IntegerField(default=0)
    with_fees = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    population_db = models.IntegerField(default=0)
    with_result = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    edata = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    ended_on_time = models.IntegerField(default=0)
    ended_late = models.IntegerField(default=0)
    open_delta = models.IntegerField(default=0)
    late_delta = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_id", "month"],
                                               name="uniq_monthly_fact")]
        indexes = [models.Index(fields=["month", "agency_id"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


class ProcedureDayFact(models.Model):
    """Dossiers paid online per (agency, procedure, day): distinct procedures for a range."""

    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    day = models.DateField()
    paid_online = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_id", "procedure_id", "day"],
                                               name="uniq_procedure_day_fact")]
        indexes = [models.Index(fields=["day", "agency_id"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.day}"


class ProcedureMonthFact(models.Model):
    """The same per month, so that whole months read a few rows instead of every day."""

    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    month = models.DateField()
    paid_online = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_id", "procedure_id", "month"],
                                               name="uniq_procedure_month_fact")]
        indexes = [models.Index(fields=["month", "agency_id"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.month}"


class PausedVerdict(models.Model):
    """A dossier waiting for a supplement, judged as open at the end of `day`."""

    dossier_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    day = models.DateField()
    late = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier_id", "day"],
                                               name="uniq_paused_verdict")]
        indexes = [models.Index(fields=["day", "agency_id"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.day}"


class RefreshState(models.Model):
    """The single row that serialises refreshes and remembers how far events were read."""

    last_event_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True)
    last_full_at = models.DateTimeField(null=True)
    last_seconds = models.FloatField(default=0)
    last_dossiers = models.BigIntegerField(default=0)
    requested_at = models.DateTimeField(null=True)  # a refresh task is queued
    stamp = models.CharField(max_length=32, default="")  # new after every refresh: cache key

    def __str__(self) -> str:
        return f"refresh #{self.last_event_id}"


class ChangedDossier(models.Model):
    """Dossiers staged by the running refresh (written only under RefreshState's lock)."""

    dossier_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.dossier_id)
