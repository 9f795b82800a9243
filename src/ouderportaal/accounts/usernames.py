"""Usernames: one written form, and no two that look alike.

A username is kept in Unicode NFKC form, so that a fullwidth `ＪｄｅＶｒｉｅｓ` typed on a
phone keyboard is the same name as `JdeVries`. Besides being unique regardless of case,
every username is unique by its *skeleton* (Unicode UTS #39, computed by ICU's spoof
checker): `JdeVrіes` with a Cyrillic і cannot exist beside `JdeVries`, nor `MdeVrles`
(small L) beside `MdeVrIes` (capital i). The skeleton is stored with the account and a
database constraint keeps it unique.

Logging in stays case-sensitive: the skeleton only decides which names may exist.
"""

from __future__ import annotations

import re
import unicodedata

import icu
from django.utils.translation import gettext as _

MAX_LENGTH = 150

_spoof_checker = icu.SpoofChecker()
_ALLOWED = re.compile(r"[\w.@+-]")


def normalise(name: str | None) -> str:
    """The form a username is stored, looked up and throttled in: NFKC, no outer spaces."""
    return unicodedata.normalize("NFKC", name or "").strip()


def skeleton(name: str | None) -> str:
    """The key under which look-alike usernames collide: UTS #39 skeleton, any case.

    Case is folded between two skeleton passes, so that a capital I and a small l (one
    skeleton) and a capital and small letter (one case fold) all meet.
    """
    text = normalise(name)
    first = _spoof_checker.getSkeleton(0, text)
    return _spoof_checker.getSkeleton(0, first.casefold())


def refused_characters(name: str) -> list[str]:
    """The characters of `name` that a username may not contain, each once, in order."""
    refused = []
    for char in normalise(name):
        if not _ALLOWED.fullmatch(char) and char not in refused:
            refused.append(char)
    return refused


def describe(char: str) -> str:
    """A character as a person can recognise it in a message: the sign, or its name."""
    if char.isspace():
        return _("space") if char == " " else f"U+{ord(char):04X}"
    if unicodedata.category(char).startswith(("C", "Z")):
        return f"U+{ord(char):04X}"
    return f"“{char}”"
