"""Method tests and standardised (Cito LVS) results, learning goals and per-school texts.

Result rows are append-only: a correction is a new row that supersedes the old one
(`supersedes` / reverse `superseded_by`), with who entered it and when. Every result row
carries the fields the school's visibility rules filter on (see schoolcontrol.rules):
school, student, group (at the time of the test), school_year, entered_at,
release_moment and taken_on. Parent pages read results only through
`results.visibility`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import Group, Jaargroep, School, SchoolYear, StaffMember, Student

DEFAULT_RATING_SCALE = "goed, voldoende, matig, onvoldoende"
DEFAULT_STANDING_TEXT = (
    "Eén toets zegt weinig; kijk naar de ontwikkeling over meerdere toetsen. "
    "Heeft u vragen over de resultaten? De leerkracht vertelt u graag het verhaal "
    "achter de cijfers."
)


class ResultSettings(models.Model):
    """Per-school choices for results: the standing text, word scale and Cito import."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="result_settings")
    standing_text = models.TextField(
        _("text above the results"),
        blank=True,
        default=DEFAULT_STANDING_TEXT,
        help_text=_("Parents see this text above every results page."),
    )
    rating_scale = models.CharField(
        _("word scale for method tests"),
        max_length=300,
        default=DEFAULT_RATING_SCALE,
        help_text=_("Words from best to weakest, separated by commas."),
    )
    rating_pass_count = models.PositiveSmallIntegerField(
        _("words that count as mastered"),
        default=2,
        help_text=_("How many words, counted from the best, mean the material is mastered."),
    )
    cito_key_prefix = models.CharField(
        _("prefix of pupil keys in the Cito file"),
        max_length=40,
        blank=True,
        help_text=_(
            "Put before the pupil id of the Cito file to find the pupil's key, for "
            "example 99XX- turns L000101 into 99XX-L000101."
        ),
    )
    cito_mapping = models.JSONField(
        _("column names in the Cito file"),
        default=dict,
        blank=True,
        help_text=_("Only the columns that differ from the standard names."),
    )

    class Meta:
        verbose_name = _("result settings")
        verbose_name_plural = _("result settings")

    def __str__(self) -> str:
        return str(self.school)

    @property
    def rating_words(self) -> list[str]:
        return [w.strip() for w in self.rating_scale.split(",") if w.strip()]


class Period(models.Model):
    """A teaching period of a school year (for learning goals and method tests)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="result_periods")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="result_periods"
    )
    name = models.CharField(_("name"), max_length=80)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="results_period_order"
            ),
        ]
        indexes = [models.Index(fields=["school", "start_date"], name="results_period_idx")]

    def __str__(self) -> str:
        return self.name


class MethodTest(models.Model):
    """A test that comes with a teaching method, after a block or chapter."""

    class ResultType(models.TextChoices):
        PERCENTAGE = "percentage", _("percentage correct")
        GRADE = "grade", _("grade 1 to 10")
        RATING = "rating", _("word rating")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="method_tests")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="method_tests"
    )
    period = models.ForeignKey(
        Period, on_delete=models.SET_NULL, null=True, blank=True, related_name="method_tests"
    )
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="method_tests"
    )
    jaargroep = models.CharField(
        _("jaargroep"), max_length=2, choices=Jaargroep.choices, blank=True
    )
    subject = models.CharField(_("subject"), max_length=80)
    method = models.CharField(_("method"), max_length=120, blank=True)
    name = models.CharField(_("block or chapter"), max_length=120)
    taken_on = models.DateField(_("date"))
    result_type = models.CharField(
        _("kind of result"),
        max_length=10,
        choices=ResultType.choices,
        default=ResultType.PERCENTAGE,
    )
    mastery_norm = models.PositiveSmallIntegerField(
        _("mastery norm (percentage)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("method test")
        verbose_name_plural = _("method tests")
        ordering = ["-taken_on", "subject", "name"]
        indexes = [models.Index(fields=["school", "group", "-taken_on"], name="methodtest_idx")]

    def __str__(self) -> str:
        return f"{self.subject} – {self.name}"


class MethodTestPart(models.Model):
    """A part of a method test (toetsonderdeel) with its own score."""

    test = models.ForeignKey(MethodTest, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("test part")
        verbose_name_plural = _("test parts")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ResultRow(models.Model):
    """The fields every result row shares (and the visibility rules filter on)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    release_moment = models.CharField(_("moment"), max_length=1, blank=True, default="")
    taken_on = models.DateField(_("date taken"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    class Meta:
        abstract = True

    @property
    def is_superseded(self) -> bool:
        try:
            return self.superseded_by is not None
        except self.__class__.DoesNotExist:
            return False


class MethodResult(ResultRow):
    test = models.ForeignKey(MethodTest, on_delete=models.CASCADE, related_name="results")
    percentage = models.DecimalField(
        _("percentage correct"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    grade = models.DecimalField(
        _("grade"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(10))],
    )
    rating = models.CharField(_("rating"), max_length=40, blank=True)
    # Whether the result reaches the norm, decided when it is entered.
    mastered = models.BooleanField(_("mastered"), null=True)

    class Meta:
        verbose_name = _("method test result")
        verbose_name_plural = _("method test results")
        indexes = [
            models.Index(fields=["student", "taken_on"], name="methodresult_student_idx"),
            models.Index(fields=["school", "school_year"], name="methodresult_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
                name="methodresult_percentage_range",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=10),
                name="methodresult_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.test_id}"


class MethodResultPart(models.Model):
    result = models.ForeignKey(MethodResult, on_delete=models.CASCADE, related_name="parts")
    part = models.ForeignKey(MethodTestPart, on_delete=models.CASCADE, related_name="results")
    percentage = models.DecimalField(
        _("percentage correct"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("test part result")
        verbose_name_plural = _("test part results")

    def __str__(self) -> str:
        return f"{self.part_id}: {self.percentage}"


class CitoImport(models.Model):
    """One import of an LVS export file."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cito_imports")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    created = models.PositiveIntegerField(default=0)
    corrected = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("LVS import")
        verbose_name_plural = _("LVS imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class LvsResult(ResultRow):
    """One standardised test result (Cito LVS or similar), stored as imported."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        CSV = "csv", _("CSV import")
        DEMO = "demo", _("demo")

    subject = models.CharField(_("subject"), max_length=80)
    test_name = models.CharField(_("test"), max_length=120)
    test_version = models.CharField(_("test version"), max_length=40, blank=True)
    moment = models.CharField(
        _("moment"), max_length=10, blank=True, help_text=_("For example M5, E5, B8 or M8.")
    )
    jaargroep = models.CharField(_("jaargroep"), max_length=2, blank=True)
    dl = models.PositiveSmallIntegerField(_("DL"), null=True, blank=True)
    raw_score = models.PositiveIntegerField(_("number correct"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("number of questions"), null=True, blank=True)
    ability_score = models.DecimalField(
        _("vaardigheidsscore"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    scale_code = models.CharField(_("scale code"), max_length=40, blank=True)
    interval_low = models.DecimalField(
        _("interval low"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    interval_high = models.DecimalField(
        _("interval high"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    level_iv = models.CharField(_("level I-V"), max_length=3, blank=True)
    level_ae = models.CharField(_("level A-E"), max_length=2, blank=True)
    percentile = models.PositiveSmallIntegerField(_("percentile"), null=True, blank=True)
    functioning_level = models.CharField(_("functioneringsniveau"), max_length=10, blank=True)
    reference_level = models.CharField(_("referentieniveau"), max_length=10, blank=True)
    dle = models.PositiveSmallIntegerField(_("DLE"), null=True, blank=True)
    avi_level = models.CharField(_("AVI level"), max_length=10, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    import_batch = models.ForeignKey(
        CitoImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="results"
    )

    class Meta:
        verbose_name = _("LVS result")
        verbose_name_plural = _("LVS results")
        indexes = [
            models.Index(fields=["student", "subject", "taken_on"], name="lvsresult_student_idx"),
            models.Index(fields=["school", "school_year"], name="lvsresult_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.moment} {self.student_id}"


class CutScore(models.Model):
    """Boundaries between levels I–V for one scale at one moment, as the school entered them."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cut_scores")
    scale_code = models.CharField(_("scale code"), max_length=40)
    moment = models.CharField(_("moment"), max_length=10)
    cut_1_2 = models.DecimalField(_("lowest score for I"), max_digits=6, decimal_places=1)
    cut_2_3 = models.DecimalField(_("lowest score for II"), max_digits=6, decimal_places=1)
    cut_3_4 = models.DecimalField(_("lowest score for III"), max_digits=6, decimal_places=1)
    cut_4_5 = models.DecimalField(_("lowest score for IV"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("cut scores")
        verbose_name_plural = _("cut scores")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "scale_code", "moment"], name="cutscore_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale_code} {self.moment}"


class LearningGoal(models.Model):
    """'Bij de les': what a groep works on in a period, per subject, in words for parents."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="learning_goals")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="learning_goals")
    jaargroep = models.CharField(_("jaargroep"), max_length=2, choices=Jaargroep.choices)
    subject = models.CharField(_("subject"), max_length=80)
    text = models.TextField(_("what we work on"))
    method_ref = models.CharField(_("method and block"), max_length=120, blank=True)
    published = models.BooleanField(_("visible to parents"), default=True)

    class Meta:
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")
        ordering = ["subject", "id"]
        indexes = [
            models.Index(fields=["school", "period", "jaargroep"], name="learninggoal_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.jaargroep})"
