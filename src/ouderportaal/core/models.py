"""The school domain: boards, schools, years, groups, pupils, guardians and staff.

Every row that belongs to a school carries that school, so that one installation can
serve many schools and every query can be scoped through it (see core.access).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

brin_validator = RegexValidator(
    r"^\d{2}[A-Z]{2}$", _("A BRIN code is two digits and two capitals.")
)
postcode_validator = RegexValidator(
    r"^\d{4} ?[A-Z]{2}$", _("Enter a Dutch postcode such as 1234 AB.")
)


class Board(models.Model):
    """A school board (bevoegd gezag) that runs one or more schools."""

    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("board number"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("school board")
        verbose_name_plural = _("school boards")

    def __str__(self) -> str:
        return self.name


def new_settings_version() -> int:
    """Random rather than counted: a value set in a transaction that was rolled back is
    never used again, so nothing kept under it can be mistaken for later data."""
    return secrets.randbits(62)


class School(models.Model):
    class HolidayRegion(models.TextChoices):
        NORTH = "Noord", _("North")
        MIDDLE = "Midden", _("Middle")
        SOUTH = "Zuid", _("South")

    class UsernameStyle(models.TextChoices):
        INITIALS = "initials", _("Initials and surname (JdeVries)")
        RANDOM = "random", _("17 random letters")

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), unique=True)
    brin = models.CharField(_("BRIN code"), max_length=4, validators=[brin_validator])
    vestiging = models.CharField(
        _("branch code"),
        max_length=2,
        default="00",
        validators=[RegexValidator(r"^\d{2}$", _("Two digits, such as 00."))],
    )
    city = models.CharField(_("town"), max_length=100, blank=True)
    portal_email = models.EmailField(
        _("portal mailbox"),
        help_text=_("Parents write here with questions about the portal."),
    )
    website = models.URLField(_("website"), blank=True)
    holiday_region = models.CharField(
        _("holiday region"), max_length=6, choices=HolidayRegion.choices
    )
    username_style = models.CharField(
        _("username style"),
        max_length=10,
        choices=UsernameStyle.choices,
        default=UsernameStyle.INITIALS,
    )
    # A new random value with every change to what parent pages read per school
    # (modules, closed periods, releases, result settings): part of the key of the kept
    # copy of that data (core/schoolcache.py), set in the transaction of the change.
    settings_version = models.BigIntegerField(default=new_settings_version, editable=False)
    # The same for the school's results and what surrounds them on the parent pages
    # (tests, learning goals, periods, school years): part of the key of the kept
    # results pages (results/kept.py). Apart from settings_version, so that entering
    # results does not make every page read the school's rules again.
    results_version = models.BigIntegerField(default=new_settings_version, editable=False)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(fields=["brin", "vestiging"], name="school_brin_unique"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def current_school_year(self, on=None) -> SchoolYear | None:
        """The school year that contains the day (today), else the latest one."""
        day = on or timezone.localdate()
        years = self.school_years.order_by("-start_date")
        return years.filter(start_date__lte=day, end_date__gte=day).first() or years.first()


class SchoolBranding(models.Model):
    """A school's own look: its logo and one accent colour (see core/branding.py).

    The logo is kept as a PNG the portal made itself from the upload (re-encoded, at
    most 512 px), served only through the portal; `version` changes with every new
    logo or colour so browsers and mail clients fetch the new one.
    """

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="branding")
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-f]{6}$", _("A colour such as #1d4f91."))],
    )
    logo = models.BinaryField(_("logo"), null=True, blank=True, editable=False)
    has_logo = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("school look")
        verbose_name_plural = _("school looks")

    def __str__(self):
        return str(self.school)


class SchoolYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_years")
    label = models.CharField(
        _("school year"),
        max_length=9,
        validators=[RegexValidator(r"^\d{4}-\d{4}$", _("Write a school year as 2025-2026."))],
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.UniqueConstraint(fields=["school", "label"], name="schoolyear_unique"),
            models.CheckConstraint(
                condition=Q(start_date__lt=models.F("end_date")), name="schoolyear_order"
            ),
        ]
        ordering = ["school", "-start_date"]

    def __str__(self) -> str:
        return self.label


class StaffMember(models.Model):
    """A person who works at a school, with the roles they have there."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    is_administration = models.BooleanField(_("administration"), default=False)
    is_teacher = models.BooleanField(_("teacher"), default=False)
    is_portal_manager = models.BooleanField(_("portal manager"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    external_key = models.CharField(_("key in the administration"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="staffmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school}"

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_administration:
            names.append(str(_("administration")))
        if self.is_teacher:
            names.append(str(_("teacher")))
        if self.is_portal_manager:
            names.append(str(_("portal manager")))
        return names


class Jaargroep(models.TextChoices):
    """EDEXML jaargroep codes used in primary schools."""

    G1 = "1", _("groep 1")
    G2 = "2", _("groep 2")
    G3 = "3", _("groep 3")
    G4 = "4", _("groep 4")
    G5 = "5", _("groep 5")
    G6 = "6", _("groep 6")
    G7 = "7", _("groep 7")
    G8 = "8", _("groep 8")
    COMBINATION = "C", _("combination group")


class Group(models.Model):
    class Kind(models.TextChoices):
        HOME = "stam", _("class group")
        COMPOSED = "samengesteld", _("composed group")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.HOME)
    jaargroep = models.CharField(
        _("jaargroep"), max_length=2, choices=Jaargroep.choices, blank=True
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    external_key = models.CharField(_("key in the administration"), max_length=256, blank=True)
    teachers = models.ManyToManyField(
        StaffMember, related_name="groups", blank=True, verbose_name=_("teachers")
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "external_key"],
                condition=~Q(external_key=""),
                name="group_key_unique",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    """ISO 5218, as EDEXML uses it."""

    UNKNOWN = "0", _("unknown")
    BOY = "1", _("boy")
    GIRL = "2", _("girl")
    UNSPECIFIED = "9", _("not specified")


def new_public_id() -> str:
    return uuid.uuid4().hex


class AddressFields(models.Model):
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("town"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        lines = []
        if self.street or self.house_number:
            lines.append(f"{self.street} {self.house_number}".strip())
        if self.postcode or self.city:
            lines.append(f"{self.postcode} {self.city}".strip())
        return lines


class StudentQuerySet(models.QuerySet):
    def enrolled(self, on=None):
        """Pupils at school on the given day (today): started, and not yet left."""
        day = on or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day)).filter(
            Q(enrolled_on__isnull=True) | Q(enrolled_on__lte=day)
        )


class Student(AddressFields):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    external_key = models.CharField(_("key in the administration"), max_length=256)
    eck_id = models.CharField(_("ECK iD"), max_length=300, null=True, blank=True, unique=True)
    first_names = models.CharField(_("first names"), max_length=200, blank=True)
    roepnaam = models.CharField(_("first name in use (roepnaam)"), max_length=64)
    voorvoegsel = models.CharField(_("surname prefix"), max_length=10, blank=True)
    achternaam = models.CharField(_("surname"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("group"),
    )
    jaargroep = models.CharField(
        _("jaargroep"), max_length=2, choices=Jaargroep.choices, blank=True
    )
    enrolled_on = models.DateField(_("first day at school"), null=True, blank=True)
    left_on = models.DateField(_("left school on"), null=True, blank=True)
    composed_groups = models.ManyToManyField(
        Group,
        related_name="composed_members",
        blank=True,
        verbose_name=_("composed groups"),
        help_text=_("Groups across classes (samengestelde groepen), such as a plus class."),
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        constraints = [
            models.UniqueConstraint(fields=["school", "external_key"], name="student_key_unique"),
        ]
        indexes = [
            models.Index(fields=["school", "achternaam", "roepnaam"], name="student_name_idx"),
            models.Index(fields=["school", "group"], name="student_group_idx"),
        ]
        ordering = ["achternaam", "roepnaam"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def surname(self) -> str:
        return f"{self.voorvoegsel} {self.achternaam}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.roepnaam} {self.surname}".strip()

    @property
    def has_left(self) -> bool:
        return self.left_on is not None and self.left_on <= timezone.localdate()


class Guardian(AddressFields):
    """An ouder/verzorger as one school knows them.

    A parent with children at two schools is two Guardian rows (each school owns its
    own record) that can share one user account.
    """

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_records",
    )
    external_key = models.CharField(_("key in the administration"), max_length=256, blank=True)
    initials = models.CharField(_("initials"), max_length=10, blank=True)
    roepnaam = models.CharField(_("first name"), max_length=64, blank=True)
    voorvoegsel = models.CharField(_("surname prefix"), max_length=10, blank=True)
    achternaam = models.CharField(_("surname"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone_mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    phone_home = models.CharField(_("home phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_key"],
                condition=~Q(external_key=""),
                name="guardian_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["school", "email"], name="guardian_email_idx")]
        ordering = ["achternaam", "roepnaam"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def surname(self) -> str:
        return f"{self.voorvoegsel} {self.achternaam}".strip()

    @property
    def full_name(self) -> str:
        first = self.roepnaam or self.initials
        return f"{first} {self.surname}".strip()


class Custody(models.TextChoices):
    GEZAG = "gezag", _("parental authority (gezag)")
    INFORMATIERECHT = "informatierecht", _("right to information only")
    NONE = "geen", _("no authority")


class Relation(models.TextChoices):
    """Relation to the child, after OSO code list 41."""

    FATHER = "vader", _("father")
    MOTHER = "moeder", _("mother")
    GUARDIAN = "voogd", _("legal guardian")
    FOSTER = "pleegouder", _("foster parent")
    STEP = "stiefouder", _("step-parent")
    OTHER = "overig", _("other")


MAX_GEZAG_PER_STUDENT = 2


class GuardianLink(models.Model):
    """Guardian ↔ pupil, with the custody that decides portal access."""

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    custody = models.CharField(_("custody"), max_length=16, choices=Custody.choices)
    note = models.CharField(
        _("note on custody"),
        max_length=300,
        blank=True,
        help_text=_("For example: extract from the custody register seen on 1 September."),
    )

    class Meta:
        verbose_name = _("guardian of pupil")
        verbose_name_plural = _("guardians of pupils")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardianlink_unique"),
        ]
        indexes = [models.Index(fields=["student", "custody"], name="guardianlink_custody_idx")]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student} ({self.custody})"

    def clean(self) -> None:
        if self.guardian.school_id != self.student.school_id:
            raise ValidationError(_("A guardian and a pupil must belong to the same school."))
        if self.custody == Custody.GEZAG:
            others = GuardianLink.objects.filter(
                student_id=self.student_id, custody=Custody.GEZAG
            ).exclude(pk=self.pk)
            if others.count() >= MAX_GEZAG_PER_STUDENT:
                raise ValidationError(
                    _("A pupil has at most two guardians with parental authority (gezag).")
                )


class AuditEvent(models.Model):
    """Append-only record of what happened: who did what, to what, when, old and new."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    student = models.ForeignKey(
        Student, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["school", "-at"], name="audit_school_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class OutgoingMail(models.Model):
    """One mail in the outbox, rendered when it was queued and sent by a background task.

    Its state moves forward only, by conditional updates: queued → sending (claimed just
    before the mail server is contacted) → sent, or failed when the server refused it or
    could not be reached after the last retry. While the server cannot be reached the
    mail goes back to queued with a later `next_attempt_at`. A mail left in "sending"
    means the sender stopped during that one mail; it is never resent by itself.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("accepted by the mail server")
        FAILED = "failed", _("not sent")

    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    # The template's name: enough to tell mails apart in logs without their content.
    template = models.CharField(max_length=120)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Subject, bodies, addresses and headers as rendered, so a retry sends the same mail.
    # Emptied once the mail is sent or has failed: no addresses, texts or set-password
    # links are kept longer than needed.
    message = models.JSONField()
    message_id = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The last problem, as an exception class name or SMTP code: never an address.
    last_error = models.CharField(max_length=80, blank=True)
    refused = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outgoingmail_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.state})"


class FormSubmission(models.Model):
    """A form that was sent once: its token (a hidden field, new for each rendered form)
    and the page its first submit led to. A second submit of the same form (double
    click, retry after a timeout) leads there too instead of creating a second object."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    result_url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="formsubmission_once"),
        ]

    def __str__(self) -> str:
        return f"{self.token} ({self.created_at:%Y-%m-%d %H:%M})"
