"""Usernames: one written form, and no two that look alike.

A username is kept in Unicode NFKC form, so that a fullwidth `ＪｄｅＶｒｉｅｓ` typed on a
phone keyboard is the same name as `JdeVries`. Besides being unique regardless of case,
every username is unique by its *skeleton* (Unicode UTS #39, with the prototypes of ICU's
spoof checker kept in `confusables.json`; see scripts/build_confusables.py): `JdeVrіes`
with a Cyrillic і cannot exist beside `JdeVries`, nor `MdeVrles` (small L) beside
`MdeVrIes` (capital i). The skeleton is stored with the account and a database constraint
keeps it unique.

Logging in stays case-sensitive: the skeleton only decides which names may exist.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

MAX_LENGTH = 150
_ALLOWED = re.compile(r"[\w.@+-]")


def normalise(name: str | None) -> str:
    """The form a username is stored, looked up and throttled in: NFKC, no outer spaces."""
    return unicodedata.normalize("NFKC", name or "").strip()


@cache
def _prototypes() -> dict[str, str]:
    path = Path(__file__).with_name("confusables.json")
    return json.loads(path.read_text(encoding="utf-8"))["prototypes"]


def uts39_skeleton(text: str) -> str:
    """UTS #39 skeleton: decompose, replace each character by its prototype, decompose."""
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(prototypes.get(c, c) for c in decomposed))


def skeleton(name: str | None) -> str:
    """The key under which look-alike usernames collide: UTS #39 skeleton, any case.

    Case is folded between two skeleton passes, so that a capital I and a small l (one
    skeleton) and a capital and small letter (one case fold) all meet.
    """
    return uts39_skeleton(uts39_skeleton(normalise(name)).casefold())


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
