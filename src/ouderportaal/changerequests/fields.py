"""Which data a parent may propose to change, and how each field is checked.

A pupil's address and phone number; a parent's own address, phone numbers and e-mail
address. The school can narrow the pupil's fields (RequestSettings.student_fields).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")

STUDENT_FIELDS: dict[str, object] = {
    "street": _("Street"),
    "house_number": _("House number"),
    "postcode": _("Postcode"),
    "city": _("Town"),
    "phone": _("Phone"),
}
GUARDIAN_FIELDS: dict[str, object] = {
    "street": _("Street"),
    "house_number": _("House number"),
    "postcode": _("Postcode"),
    "city": _("Town"),
    "phone_mobile": _("Mobile phone"),
    "phone_home": _("Home phone"),
    "email": _("E-mail address"),
}
MAX_LENGTHS = {
    "street": 200,
    "house_number": 20,
    "postcode": 7,
    "city": 100,
    "phone": 20,
    "phone_mobile": 20,
    "phone_home": 20,
    "email": 254,
}

POSTCODE_RE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
# Letter combinations PostNL never hands out.
POSTCODE_FORBIDDEN_LETTERS = {"SA", "SD", "SS"}
PHONE_ALLOWED_RE = re.compile(r"^\+?[0-9 ()\-.]+$")
HOUSE_NUMBER_RE = re.compile(r"^[0-9]{1,5}(\s?[-/]?\s?[A-Za-z0-9]{1,6})?$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def field_label(subject: str, field: str):
    table = STUDENT_FIELDS if subject == "student" else GUARDIAN_FIELDS
    return table.get(field, field)


def normalize_postcode(value: str) -> str:
    """'1234ab' → '1234 AB'; raises ValidationError when it is no Dutch postcode."""
    match = POSTCODE_RE.match(value.strip())
    if not match or match.group(2).upper() in POSTCODE_FORBIDDEN_LETTERS:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, such as 1234 AB."),
            code="postcode",
        )
    return f"{match.group(1)} {match.group(2).upper()}"


def normalize_phone(value: str) -> str:
    """A Dutch number (10 digits, starting with 0) or an international one (+ or 00)."""
    value = " ".join(value.split())
    digits = re.sub(r"\D", "", value)
    ok = bool(PHONE_ALLOWED_RE.match(value)) and len(value) <= 20
    if ok:
        if value.startswith("+"):
            ok = 8 <= len(digits) <= 15 and not (digits.startswith("31") and len(digits) != 11)
        elif digits.startswith("00"):
            ok = 10 <= len(digits) <= 17
        else:
            ok = len(digits) == 10 and digits.startswith("0")
    if not ok:
        raise ValidationError(
            _(
                "Enter a phone number such as 06-12345678 or 030-1234567 (10 digits), or "
                "an international number starting with +."
            ),
            code="phone",
        )
    return value


def normalize_house_number(value: str) -> str:
    value = " ".join(value.split())
    if not HOUSE_NUMBER_RE.match(value):
        raise ValidationError(
            _("Enter a house number such as 12, 12a or 12-3."), code="house_number"
        )
    return value


def normalize_text(value: str) -> str:
    value = " ".join(value.split())
    if CONTROL_RE.search(value):
        raise ValidationError(_("Remove the special characters."), code="control")
    return value


def normalize_email(value: str) -> str:
    value = value.strip()
    validate_email(value)
    return value


NORMALIZERS = {
    "street": normalize_text,
    "house_number": normalize_house_number,
    "postcode": normalize_postcode,
    "city": normalize_text,
    "phone": normalize_phone,
    "phone_mobile": normalize_phone,
    "phone_home": normalize_phone,
    "email": normalize_email,
}


def normalize(field: str, value: str) -> str:
    """Clean one proposed value; an empty value stays empty (removing a phone number)."""
    value = (value or "").strip()
    if not value:
        return ""
    return NORMALIZERS[field](value)
