"""Password rules after NIST SP 800-63B-4: length and a blocklist, nothing else.

No composition rules (capitals, digits, symbols are never required), any Unicode
character counts as one, and long passphrases are welcome. See docs/accounts.md,
"Password policy", for the reasons behind the numbers.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

import django.contrib.auth
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PORTAL_WORDS = ("ouderportaal", "portaal")
# Words in school names that say nothing about the school itself.
SCHOOL_NAME_FILLERS = {
    "de", "het", "een", "en", "van", "basisschool", "school", "obs", "kbs", "cbs", "pcbs",
    "rkbs", "ikc", "sbo", "so", "jenaplanschool", "montessorischool", "daltonschool",
}  # fmt: skip
# Signs read as letters when people dress up a word: p@ssw0rd, w3lkom.
LOOK_ALIKE_LETTERS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                                    "@": "a", "$": "s", "!": "i"})  # fmt: skip
_NOT_A_LETTER = re.compile(r"[\W\d_]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
MIN_REST = 4


def has_second_factor(user) -> bool:
    if user is None or user.pk is None:
        return False
    from ouderportaal.accounts.flow import has_totp, must_use_totp

    return has_totp(user) or must_use_totp(user)


class MinimumLengthValidator:
    """15 characters for a password that is the only factor, 12 with a second factor."""

    def __init__(self, min_length: int = 15, with_second_factor: int = 12):
        self.min_length = min_length
        self.with_second_factor = with_second_factor

    def required(self, user) -> int:
        return self.with_second_factor if has_second_factor(user) else self.min_length

    def validate(self, password, user=None):
        required = self.required(user)
        if len(password) < required:
            raise ValidationError(
                ngettext(
                    "This password is too short: use at least %(min_length)d character.",
                    "This password is too short: use at least %(min_length)d characters.",
                    required,
                )
                % {"min_length": required},
                code="password_too_short",
            )

    def get_help_text(self):
        return _(
            "At least %(min_length)d characters (%(with_code)d when you also log in with a "
            "code from an app)."
        ) % {"min_length": self.min_length, "with_code": self.with_second_factor}


@cache
def blocklist() -> frozenset[str]:
    """Django's list of 20,000 common passwords and the portal's Dutch list."""
    django_list = Path(django.contrib.auth.__file__).parent / "common-passwords.txt.gz"
    with gzip.open(django_list, "rt", encoding="utf-8") as handle:
        words = {line.strip() for line in handle if line.strip()}
    dutch = Path(__file__).with_name("common_passwords_nl.txt").read_text(encoding="utf-8")
    words |= {
        line.strip() for line in dutch.splitlines() if line.strip() and not line.startswith("#")
    }
    return frozenset(words)


def _letter_forms(text: str) -> set[str]:
    """The letters that carry a password, read plainly and with signs read as letters.

    `Welkom2024!` → {"welkom"}; `W@chtw00rd!!2025` → {"wchtwrd", "wachtwoord"}: digits
    and signs at the edges are dropped, inside they are either dropped or read as the
    letters they stand in for.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    core = _EDGES.sub("", text)
    forms = {_NOT_A_LETTER.sub("", core), _NOT_A_LETTER.sub("", core.translate(LOOK_ALIKE_LETTERS))}
    return {form for form in forms if form}


def _letters(text: str) -> str:
    return _NOT_A_LETTER.sub("", unicodedata.normalize("NFKC", text).casefold())


def _unit(letters: str) -> str:
    """`welkomwelkom` → `welkom`: the shortest part a word is a repetition of."""
    for size in range(1, len(letters) // 2 + 1):
        if len(letters) % size == 0 and letters[:size] * (len(letters) // size) == letters:
            return letters[:size]
    return letters


def _is_simple_series(text: str) -> bool:
    """Digits or signs only, in a row or repeated: 123456789012345, 111111111111111."""
    signs = [ord(c) for c in text if not c.isspace()]
    if len(set(signs)) <= 2:
        return True
    steps = {(b - a) % 10 for a, b in zip(signs, signs[1:], strict=False)}
    return steps in ({1}, {9})


def _school_words(user) -> set[str]:
    if user is None or user.pk is None:
        return set()
    from ouderportaal.core.models import School

    names = (
        School.objects.filter(Q(guardians__user=user) | Q(staff__user=user))
        .values_list("name", flat=True)
        .distinct()
    )
    words = set()
    for name in names:
        letters = _NOT_A_LETTER.sub("", unicodedata.normalize("NFKC", name).casefold())
        if len(letters) >= 3:
            words.add(letters)
        for part in re.split(r"[\W\d_]+", unicodedata.normalize("NFKC", name).casefold()):
            if len(part) >= 3 and part not in SCHOOL_NAME_FILLERS:
                words.add(part)
    return words


def context_words(user) -> set[str]:
    """The portal's name, the user's schools' names and the username, as letters."""
    words = set(PORTAL_WORDS) | _school_words(user)
    if user is not None and user.username:
        username = _letters(user.username)
        if len(username) >= 3:
            words.add(username)
    return words


class BlocklistValidator:
    """Refuses common passwords, also dressed up, and the portal's and school's names.

    `Welkom2024!`, `wachtwoord1`, `p@ssw0rd`, `welkomwelkom`: the letters that carry
    the password are compared with the lists, after dropping digits, years and signs at
    the start and the end. A password built on the portal's name, the name of one of
    the user's schools or the username (plus a year, say) is refused as well.
    """

    def validate(self, password, user=None):
        forms = _letter_forms(password)
        if not forms:
            stripped = unicodedata.normalize("NFKC", password).casefold().strip()
            if _is_simple_series(stripped) or stripped in blocklist():
                raise ValidationError(self.common_message(), code="password_too_common")
            return
        words = blocklist()
        if any(form in words or _unit(form) in words for form in forms):
            raise ValidationError(self.common_message(), code="password_too_common")
        own = sorted(context_words(user), key=len, reverse=True)
        for form in forms:
            rest = form
            for word in own:
                rest = rest.replace(word, "")
            if rest != form and (len(rest) < MIN_REST or rest in words or _unit(rest) in words):
                raise ValidationError(
                    _(
                        "This password is built on the name of the portal, of your school or "
                        "your username, which others can easily guess. Choose something "
                        "else, for example a sentence of a few words."
                    ),
                    code="password_too_similar",
                )

    @staticmethod
    def common_message() -> str:
        return _(
            "This password is one of the most used passwords (also with digits, a year or "
            "signs added), so it is guessed quickly. Choose something else, for example "
            "a sentence of a few words."
        )

    def get_help_text(self):
        return _("Not a much-used password, and not the name of the portal or your school.")
