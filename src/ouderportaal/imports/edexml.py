"""Reading EDEXML files (versions 1.03, 2.0 and 2.1, with or without the UWLR namespace).

The file is parsed with defusedxml: a DOCTYPE, entity declarations and external
references are refused before anything is expanded or read, so neither external
entities nor entity-expansion bombs can do harm. Validation is lenient on purpose:
elements are read by name, not checked against the published XSD (whose school-year
list stops at 2024-2025), unknown elements are ignored, and every problem is reported
with the element path and line where it was found.

Only what the portal needs is read. BSN, onderwijsnummer, ethnicity, countries of
birth and weights are never taken over (data minimisation).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.imports.report import Report

UWLR_NAMESPACE = "http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"
ROOT_NAMES = ("EDEX", "leerlinggegevens", "leerlinggegevens_antwoord")
KNOWN_VERSIONS = ("1.03", "1.0.3", "2.0", "2.1")
PRIMARY_JAARGROEPEN = {"1", "2", "3", "4", "5", "6", "7", "8"}
EDEX_JAARGROEPEN = PRIMARY_JAARGROEPEN | {
    "B", "D", "0", "11", "12", "13", "14", "15", "16", "S", "V", "C", "N", "H",
}  # fmt: skip
GENDERS = {"0", "1", "2", "9"}
TEACHER_ROLES = {
    "ADJ", "ADM", "CON", "DIR", "ICT", "IB", "KLA", "LRK", "LOS", "LOC", "OWA", "OUD",
    "RT", "SMW", "STA", "TAL", "VAK",
}  # fmt: skip
BRIN_RE = re.compile(r"^\d{2}[A-Z]{2}$")
SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
MAX_KEY = 256
MAX_ECK_ID = 300
# Encodings an EDEXML file may declare (EDEXML itself is UTF-8), as codecs names them.
READABLE_ENCODINGS = {"utf-8", "utf-16", "ascii", "iso8859-1", "iso8859-15", "cp1252"}
XML_DECLARATION_RE = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']{1,40})["']""")
# The Flemish (Belgian) variant of EDEXML names the school by its instellingsnummer
# instead of a BRIN code and the pupil by a rijksregisternummer; the Dutch format has
# neither element.
FLEMISH_ELEMENTS = {"instellingsnummer", "rijksregisternummer"}


@dataclass
class EdexSchool:
    schooljaar: str
    brincode: str
    dependancecode: str
    version: str
    created: datetime | None = None  # aanmaakdatum: when the administration wrote the file


@dataclass
class EdexGroup:
    key: str
    name: str
    composed: bool
    jaargroep: str
    description: str
    where: str
    line: int | None


@dataclass
class EdexPupil:
    key: str
    eck_id: str | None
    achternaam: str
    voorvoegsel: str
    first_names: str
    roepnaam: str
    birth_date: date | None
    gender: str
    jaargroep: str
    group_key: str | None
    composed_keys: list[str]
    enrolled_on: date | None
    left_on: date | None
    where: str
    line: int | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.roepnaam, self.voorvoegsel, self.achternaam) if p)


@dataclass
class EdexTeacher:
    key: str
    achternaam: str
    voorvoegsel: str
    voorletters: str
    roepnaam: str
    email: str
    roles: list[str]
    group_keys: list[str]
    where: str
    line: int | None

    @property
    def full_name(self) -> str:
        first = self.roepnaam or self.voorletters
        return " ".join(p for p in (first, self.voorvoegsel, self.achternaam) if p)


@dataclass
class EdexFile:
    school: EdexSchool
    groups: dict[str, EdexGroup] = field(default_factory=dict)
    has_groups: bool = False
    pupils: list[EdexPupil] = field(default_factory=list)
    teachers: list[EdexTeacher] = field(default_factory=list)
    has_teachers: bool = False


class _LineTarget:
    """Builds the element tree and remembers the line where each element starts."""

    def __init__(self) -> None:
        self.builder = TreeBuilder()
        self.lines: dict[int, int] = {}
        self.parser = None

    def start(self, tag, attrs):
        element = self.builder.start(tag, attrs)
        expat = getattr(self.parser, "parser", None)  # the pure-Python parser's expat
        if expat is not None:
            self.lines[id(element)] = expat.CurrentLineNumber
        return element

    def end(self, tag):
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _declared_encoding(content: bytes) -> str | None:
    match = XML_DECLARATION_RE.match(content.removeprefix(codecs.BOM_UTF8)[:200])
    return match[1].decode("ascii", errors="replace").strip() if match else None


def _unreadable_encoding(report: Report, declared: str | None) -> None:
    report.error(
        _(
            "The file says it is written in the character encoding “%(encoding)s”, which "
            "the portal cannot read. Export the file again as UTF-8 (the encoding EDEXML "
            "prescribes). Nothing was read."
        )
        % {"encoding": declared or "?"},
        where=_("start of the file"),
        line=1,
    )


def parse_xml(content: bytes, report: Report):
    """The root element and a line lookup, or None (with an error) when unsafe or broken."""
    declared = _declared_encoding(content)
    if declared is not None:
        try:
            readable = codecs.lookup(declared).name in READABLE_ENCODINGS
        except LookupError:
            readable = False
        if not readable:
            _unreadable_encoding(report, declared)
            return None, {}
    target = _LineTarget()
    parser = SafeElementTree.DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    target.parser = parser
    try:
        parser.feed(content)
        root = parser.close()
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, DefusedXmlException):
        report.error(
            _(
                "The file contains a document type declaration or entities. These are "
                "refused for safety; an EDEXML export never needs them. Nothing was read."
            ),
            where=_("start of the file"),
        )
        return None, {}
    except (LookupError, ValueError):
        # expat reads only single-byte encodings besides UTF-8 and UTF-16.
        _unreadable_encoding(report, declared)
        return None, {}
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        report.error(
            _("The file is not valid XML (%(reason)s). Nothing was read.")
            % {"reason": str(exc).split(":")[0]},
            where=_("XML structure"),
            line=line,
        )
        return None, {}
    return root, target.lines


class _Reader:
    def __init__(self, report: Report, lines: dict[int, int]):
        self.report = report
        self.lines = lines
        self.namespace = ""

    # -- helpers -----------------------------------------------------------------------
    def line(self, element) -> int | None:
        return self.lines.get(id(element))

    def children(self, element, name: str) -> list:
        return [child for child in element if _local(child.tag)[1] == name]

    def child(self, element, name: str):
        for child in element:
            if _local(child.tag)[1] == name:
                return child
        return None

    def at(self, element, name: str):
        """The named child, or the element itself when the child is missing."""
        child = self.child(element, name)
        return element if child is None else child

    def text(self, element, name: str) -> str:
        child = self.child(element, name)
        if child is None or child.text is None:
            return ""
        return " ".join(child.text.split())

    def error(self, message, where: str, element) -> None:
        self.report.error(message, where=where, line=self.line(element))

    def warning(self, message, where: str, element) -> None:
        self.report.warning(message, where=where, line=self.line(element))

    def date(self, element, name: str, where: str) -> date | None:
        value = self.text(element, name)
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.error(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value},
                f"{where}/{name}",
                self.child(element, name),
            )
            return None

    def bounded(self, element, name: str, where: str, maximum: int) -> str:
        value = self.text(element, name)
        if len(value) > maximum:
            self.error(
                _("Longer than %(max)s characters.") % {"max": maximum},
                f"{where}/{name}",
                self.child(element, name),
            )
            return value[:maximum]
        return value

    def key(self, element, where: str) -> str:
        key = (element.get("key") or "").strip()
        if not key:
            self.error(_("The key attribute is missing."), where, element)
        elif len(key) > MAX_KEY:
            self.error(_("The key is longer than 256 characters."), where, element)
        return key

    # -- sections ----------------------------------------------------------------------
    def school(self, root) -> EdexSchool | None:
        element = self.child(root, "school")
        if element is None:
            self.error(_("The school element is missing."), "school", root)
            return None
        year = self.text(element, "schooljaar")
        match = SCHOOL_YEAR_RE.match(year)
        if not match or int(match[2]) != int(match[1]) + 1:
            self.error(
                _("“%(value)s” is not a school year such as 2025-2026.") % {"value": year},
                "school/schooljaar",
                self.at(element, "schooljaar"),
            )
        brin = self.text(element, "brincode").upper()
        if not BRIN_RE.match(brin):
            self.error(
                _("The BRIN code is missing or not two digits and two capitals."),
                "school/brincode",
                self.at(element, "brincode"),
            )
        dependance = self.text(element, "dependancecode") or "00"
        if not re.match(r"^\d{2}$", dependance):
            self.error(
                _("The dependance code must be two digits."),
                "school/dependancecode",
                self.child(element, "dependancecode"),
            )
        version = self.text(element, "xsdversie")
        if version and version not in KNOWN_VERSIONS:
            self.warning(
                _("Unknown EDEXML version “%(version)s”; read as version 2.1.")
                % {"version": version},
                "school/xsdversie",
                self.child(element, "xsdversie"),
            )
        return EdexSchool(year, brin, dependance, version, self.created(element))

    def created(self, element) -> datetime | None:
        """The file's aanmaakdatum (local time), or None when missing or unreadable."""
        value = self.text(element, "aanmaakdatum")
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.warning(
                _("“%(value)s” is not a date and time such as 2025-09-15T07:00:00.")
                % {"value": value},
                "school/aanmaakdatum",
                self.child(element, "aanmaakdatum"),
            )
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def groups(self, root, data: EdexFile) -> None:
        section = self.child(root, "groepen")
        if section is None:
            return
        data.has_groups = True
        for element in section:
            kind = _local(element.tag)[1]
            if kind not in ("groep", "samengestelde_groep"):
                continue
            where = f"groepen/{kind}"
            key = self.key(element, where)
            where = f"groepen/{kind}[@key='{key}']"
            name = self.bounded(element, "naam", where, 64)
            if not name:
                self.error(_("The group has no name (naam)."), where, element)
            jaargroep = ""
            if kind == "groep":
                jaargroep = self.text(element, "jaargroep").upper()
                if not jaargroep:
                    self.warning(_("The group has no jaargroep."), where, element)
                elif jaargroep not in EDEX_JAARGROEPEN:
                    self.error(
                        _("“%(value)s” is not a jaargroep code.") % {"value": jaargroep},
                        f"{where}/jaargroep",
                        self.child(element, "jaargroep"),
                    )
                    jaargroep = ""
                elif jaargroep not in PRIMARY_JAARGROEPEN and jaargroep != "C":
                    self.warning(
                        _(
                            "Jaargroep “%(value)s” is not a primary school year (1 to 8) or "
                            "a combination group (C); the group is kept without a jaargroep."
                        )
                        % {"value": jaargroep},
                        f"{where}/jaargroep",
                        self.child(element, "jaargroep"),
                    )
                    jaargroep = ""
            if not key:
                continue
            if key in data.groups:
                self.error(
                    _("The key “%(key)s” is used for more than one group.") % {"key": key},
                    where,
                    element,
                )
                continue
            data.groups[key] = EdexGroup(
                key=key,
                name=name,
                composed=kind == "samengestelde_groep",
                jaargroep=jaargroep,
                description=self.bounded(element, "omschrijving", where, 200),
                where=where,
                line=self.line(element),
            )

    def names(self, element, where: str) -> dict:
        return {
            "achternaam": self.bounded(element, "achternaam", where, 200),
            "voorvoegsel": self.bounded(element, "voorvoegsel", where, 10),
            "voornamen": self.bounded(element, "voornamen", where, 200),
            "voorletters": self.bounded(element, "voorletters-1", where, 10),
            "roepnaam": self.bounded(element, "roepnaam", where, 64),
        }

    def group_ref(self, data: EdexFile, element, where: str, composed: bool) -> str | None:
        key = (element.get("key") or "").strip()
        group = data.groups.get(key)
        if not data.has_groups or group is None or group.composed != composed:
            message = (
                _("Composed group “%(key)s” is not in the list of groups (groepen).")
                if composed
                else _("Group “%(key)s” is not in the list of groups (groepen).")
            )
            self.error(message % {"key": key}, where, element)
            return None
        return key

    def pupils(self, root, data: EdexFile) -> None:
        section = self.child(root, "leerlingen")
        if section is None:
            self.error(_("The list of pupils (leerlingen) is missing."), "leerlingen", root)
            return
        seen_keys: dict[str, int | None] = {}
        seen_eck: dict[str, str] = {}
        for element in self.children(section, "leerling"):
            key = self.key(element, "leerlingen/leerling")
            where = f"leerlingen/leerling[@key='{key}']"
            eck_id = (element.get("eckid") or "").strip() or None
            if eck_id and len(eck_id) > MAX_ECK_ID:
                self.error(_("The ECK iD is longer than 300 characters."), where, element)
                eck_id = None
            names = self.names(element, where)
            if not names["achternaam"] and not names["roepnaam"]:
                self.error(_("The pupil has neither a surname nor a first name."), where, element)
            roepnaam = names["roepnaam"] or (names["voornamen"].split() or [""])[0]
            gender = self.text(element, "geslacht")
            if gender and gender not in GENDERS:
                self.error(
                    _("“%(value)s” is not a gender code (0, 1, 2 or 9).") % {"value": gender},
                    f"{where}/geslacht",
                    self.child(element, "geslacht"),
                )
                gender = ""
            group_key = None
            group_element = self.child(element, "groep")
            if group_element is not None:
                group_key = self.group_ref(data, group_element, f"{where}/groep", False)
            composed_keys = []
            composed_section = self.child(element, "samengestelde_groepen")
            if composed_section is not None:
                for ref in self.children(composed_section, "samengestelde_groep"):
                    ref_key = self.group_ref(
                        data, ref, f"{where}/samengestelde_groepen/samengestelde_groep", True
                    )
                    if ref_key and ref_key not in composed_keys:
                        composed_keys.append(ref_key)
            jaargroep = self.text(element, "jaargroep").upper()
            if jaargroep and jaargroep not in EDEX_JAARGROEPEN:
                self.error(
                    _("“%(value)s” is not a jaargroep code.") % {"value": jaargroep},
                    f"{where}/jaargroep",
                    self.child(element, "jaargroep"),
                )
            if jaargroep not in PRIMARY_JAARGROEPEN:
                jaargroep = ""
            if not jaargroep and group_key:
                group_jaargroep = data.groups[group_key].jaargroep
                if group_jaargroep in PRIMARY_JAARGROEPEN:
                    jaargroep = group_jaargroep
                elif group_jaargroep == "C":
                    self.warning(
                        _("The pupil is in a combination group but has no jaargroep of their own."),
                        where,
                        element,
                    )
            pupil = EdexPupil(
                key=key,
                eck_id=eck_id,
                achternaam=names["achternaam"],
                voorvoegsel=names["voorvoegsel"],
                first_names=names["voornamen"],
                roepnaam=roepnaam,
                birth_date=self.date(element, "geboortedatum", where),
                gender=gender,
                jaargroep=jaargroep,
                group_key=group_key,
                composed_keys=composed_keys,
                enrolled_on=self.date(element, "instroomdatum", where),
                left_on=self.date(element, "uitstroomdatum", where),
                where=where,
                line=self.line(element),
            )
            if not key:
                continue
            if key in seen_keys:
                self.error(
                    _("The key “%(key)s” is used for more than one pupil (first on line %(line)s).")
                    % {"key": key, "line": seen_keys[key]},
                    where,
                    element,
                )
                continue
            seen_keys[key] = pupil.line
            if eck_id:
                if eck_id in seen_eck:
                    self.error(
                        _("The ECK iD is also given for pupil “%(key)s”.")
                        % {"key": seen_eck[eck_id]},
                        where,
                        element,
                    )
                    continue
                seen_eck[eck_id] = key
            data.pupils.append(pupil)

    def teachers(self, root, data: EdexFile) -> None:
        section = self.child(root, "leerkrachten")
        if section is None:
            return
        data.has_teachers = True
        seen: set[str] = set()
        for element in self.children(section, "leerkracht"):
            key = self.key(element, "leerkrachten/leerkracht")
            where = f"leerkrachten/leerkracht[@key='{key}']"
            names = self.names(element, where)
            if not names["achternaam"] and not names["roepnaam"]:
                self.error(_("The teacher has neither a surname nor a first name."), where, element)
            email = self.text(element, "emailadres")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.warning(
                        _("“%(value)s” is not an e-mail address; it is left out.")
                        % {"value": email},
                        f"{where}/emailadres",
                        self.child(element, "emailadres"),
                    )
                    email = ""
            roles = [
                " ".join((r.text or "").split()).upper() for r in self.children(element, "rol")
            ]
            group_keys: list[str] = []
            groups = self.child(element, "groepen")
            if groups is not None:
                for ref in groups:
                    kind = _local(ref.tag)[1]
                    if kind not in ("groep", "samengestelde_groep"):
                        continue
                    ref_key = self.group_ref(
                        data, ref, f"{where}/groepen/{kind}", kind == "samengestelde_groep"
                    )
                    if ref_key and ref_key not in group_keys:
                        group_keys.append(ref_key)
                    roles.extend(
                        " ".join((r.text or "").split()).upper() for r in self.children(ref, "rol")
                    )
            for role in roles:
                if role and role not in TEACHER_ROLES:
                    self.warning(
                        _("“%(value)s” is not a known teacher role.") % {"value": role},
                        f"{where}/rol",
                        element,
                    )
            if not key:
                continue
            if key in seen:
                self.error(
                    _("The key “%(key)s” is used for more than one teacher.") % {"key": key},
                    where,
                    element,
                )
                continue
            seen.add(key)
            data.teachers.append(
                EdexTeacher(
                    key=key,
                    achternaam=names["achternaam"],
                    voorvoegsel=names["voorvoegsel"],
                    voorletters=names["voorletters"],
                    roepnaam=names["roepnaam"],
                    email=email,
                    roles=sorted({r for r in roles if r}),
                    group_keys=group_keys,
                    where=where,
                    line=self.line(element),
                )
            )


def _find_root(element):
    namespace, name = _local(element.tag)
    if name in ROOT_NAMES:
        return element
    for descendant in element.iter():
        if _local(descendant.tag)[1] in ROOT_NAMES:
            return descendant
    return None


def read_edexml(content: bytes, report: Report) -> EdexFile | None:
    """Read an EDEXML file; problems go into the report. None when it cannot be read."""
    document, lines = parse_xml(content, report)
    if document is None:
        return None
    reader = _Reader(report, lines)
    flemish = next(
        (e for e in document.iter() if _local(e.tag)[1].lower() in FLEMISH_ELEMENTS), None
    )
    if flemish is not None:
        report.error(
            _(
                "This is the Flemish (Belgian) variant of EDEXML: it names the school by its "
                "instellingsnummer instead of a BRIN code. That variant is not supported; the "
                "portal reads the Dutch EDEXML of a Dutch administration system. Nothing "
                "was read."
            ),
            where=_local(flemish.tag)[1],
            line=reader.line(flemish),
        )
        return None
    root = _find_root(document)
    if root is None:
        report.error(
            _("This is not an EDEXML file: the root element is “%(name)s”, not EDEX.")
            % {"name": _local(document.tag)[1]},
            where=_local(document.tag)[1],
            line=reader.line(document),
        )
        return None
    namespace = _local(root.tag)[0]
    if namespace not in ("", UWLR_NAMESPACE):
        report.error(
            _("Unknown XML namespace “%(namespace)s”.") % {"namespace": namespace},
            where=_local(root.tag)[1],
            line=reader.line(root),
        )
        return None
    school = reader.school(root)
    if school is None:
        return None
    data = EdexFile(school=school)
    reader.groups(root, data)
    reader.pupils(root, data)
    reader.teachers(root, data)
    return data
