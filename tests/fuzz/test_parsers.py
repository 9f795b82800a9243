"""Fuzzing the three file readers: any bytes give problems or a plan, never a crash.

Each reader is fed both raw bytes and inputs shaped like the real format with random
text in every place, through `imports.services.build` (read and plan; nothing is
written) and `results.cito.plan_import`.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouderportaal.core.models import Guardian, GuardianLink, Student
from ouderportaal.imports.guardians import HEADERS
from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.services import build
from ouderportaal.results import cito
from ouderportaal.results.models import LvsResult
from tests.factories import SchoolFactory, StudentFactory

from .helpers import FUZZ, PARSER_EXAMPLES, row_counts

pytestmark = pytest.mark.django_db

ENCODINGS = ["UTF-8", "utf-8", "UTF-16", "ISO-8859-1", "windows-1252", "UTF-7", "Shift_JIS", "x"]
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
xml_text = text.map(escape)
cell = st.one_of(
    text,
    st.sampled_from(["", "ja", "nee", "moeder", "vader", "1234 AB", "L000001", "2025-01-27"]),
    st.integers(-10, 10**6).map(str),
)


@pytest.fixture
def school(db):
    school = SchoolFactory(brin="99XX", slug="fuzz")
    for number in range(3):
        StudentFactory(school=school, external_key=f"L{number:06d}")
    return school


def _reads_without_crashing(kind, school, content: bytes):
    before = row_counts(Student, Guardian, GuardianLink, ImportRun)
    report, planner = build(kind, school, content)
    # Either a plan without errors, or errors (each in words) and no plan.
    assert (planner is None) == report.has_errors
    for problem in report.problem_dicts():
        assert problem["message"]
    assert row_counts(Student, Guardian, GuardianLink, ImportRun) == before


edexml_documents = st.builds(
    lambda encoding, year, brin, key, names, groups, extra: (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f"<EDEX><school><schooljaar>{year}</schooljaar><brincode>{brin}</brincode>"
        f"{extra}</school><groepen>"
        + "".join(
            f'<groep key="{g}"><naam>{g}</naam><jaargroep>{g}</jaargroep></groep>' for g in groups
        )
        + "</groepen><leerlingen>"
        + "".join(
            f'<leerling key="{key}{i}"><achternaam>{n}</achternaam>'
            f"<geboortedatum>{n}</geboortedatum>"
            f'<geslacht>{n[:1]}</geslacht><groep key="{(groups or ["x"])[0]}"/></leerling>'
            for i, n in enumerate(names)
        )
        + "</leerlingen></EDEX>"
    ).encode("utf-8", errors="surrogatepass"),
    st.sampled_from(ENCODINGS),
    st.one_of(st.sampled_from(["2025-2026", "2024-2025", "2025-2025", ""]), xml_text),
    st.one_of(st.just("99XX"), xml_text),
    xml_text,
    st.lists(xml_text, max_size=4),
    st.lists(xml_text, max_size=3),
    st.one_of(
        st.just(""),
        xml_text.map(lambda t: f"<aanmaakdatum>{t}</aanmaakdatum>"),
        st.just("<instellingsnummer>123456</instellingsnummer>"),
        st.just("<dependancecode>01</dependancecode>"),
    ),
)


@settings(max_examples=PARSER_EXAMPLES, **FUZZ)
@given(content=st.one_of(st.binary(max_size=400), edexml_documents))
def test_edexml(school, content):
    _reads_without_crashing(ImportRun.Kind.EDEXML, school, content)


guardian_csv = st.builds(
    lambda sep, newline, header, rows, encoding: newline.join(
        [sep.join(header)] + [sep.join(row) for row in rows]
    ).encode(encoding, errors="replace"),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.one_of(st.just(HEADERS.split(";")), st.lists(cell, max_size=6)),
    st.lists(st.lists(cell, min_size=0, max_size=17), max_size=5),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)


@settings(max_examples=PARSER_EXAMPLES, **FUZZ)
@given(content=st.one_of(st.binary(max_size=400), guardian_csv))
def test_guardians_csv(school, content):
    _reads_without_crashing(ImportRun.Kind.GUARDIANS, school, content)


CITO_HEADER = list(cito.DEFAULT_MAPPING.values())
cito_csv = st.builds(
    lambda sep, newline, rows, encoding: newline.join(
        [sep.join(CITO_HEADER)] + [sep.join(row) for row in rows]
    ).encode(encoding, errors="replace"),
    st.sampled_from([";", ","]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.lists(
        st.lists(
            st.one_of(cell, st.sampled_from(["M4", "III", "B", "rekenen", "L000001", "2024-2025"])),
            max_size=26,
        ),
        max_size=5,
    ),
    st.sampled_from(["utf-8", "cp1252"]),
)


@settings(max_examples=PARSER_EXAMPLES, **FUZZ)
@given(content=st.one_of(st.binary(max_size=400), cito_csv))
def test_cito_csv(school, content):
    before = row_counts(LvsResult)
    try:
        plan = cito.plan_import(school, content)
    except cito.FileError as error:
        assert str(error)
    else:
        assert all(message for _line, message in plan.errors)
    assert row_counts(LvsResult) == before
