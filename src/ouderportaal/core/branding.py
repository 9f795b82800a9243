"""A school's own look: logo, accent colour, app icons and the web app manifest.

The accent colour is the header's background with white text and the colour of links on
the portal's light backgrounds (white, the light grey of the footer and table headers,
the pale yellow of notices), so it must reach WCAG AA contrast (4.5:1) against the
darkest of those. A colour that does not is refused with the contrast it has and a
darker shade of the same colour that works; a colour saved before this rule is darkened
to that shade when pages are drawn.

A logo is accepted when Pillow reads it as a PNG, JPEG or WebP image (the content
decides, not the name) of reasonable dimensions; the portal keeps its own re-encoded PNG
(no metadata, at most 512 px), so what it serves is never the uploaded file.

Which school a page belongs to (`school_for_request`): the school in the address (the
back office), the parent's only school, or, before login, `?school=<slug>` on the login
page or the school chosen earlier on the help pages (the help desk's cookie).
"""

from __future__ import annotations

import colorsys
import io
import re

from django.utils.translation import gettext as _

from ouderportaal.core.schoolcache import school_data

DEFAULT_ACCENT = "#1d4f91"
WHITE = "#ffffff"
# The light backgrounds the accent colour is drawn on (core/static/core/portal.css:
# --paper, --soft, --notice); white text on the accent is covered by the same check.
LIGHT_BACKGROUNDS = (WHITE, "#f3f5f8", "#fff4d6")
MIN_CONTRAST = 4.5
LOGO_MAX_MB = 2
LOGO_MAX_SIDE = 512
# Refuse images whose header promises more pixels than this (decompression bombs).
LOGO_MAX_PIXELS = 40_000_000
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
ICON_SIZES = (192, 512)
# The help desk remembers the chosen school in this cookie (helpdesk/views.py).
SCHOOL_COOKIE = "hulp_school"

COLOUR_RE = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


class LogoRefused(ValueError):
    """The upload is not a usable image; the message says why, in plain words."""


def parse_colour(value: str) -> str | None:
    """'#1D4F91', '1d4f91' or '#14a' as '#1d4f91'; None for anything else."""
    match = COLOUR_RE.match((value or "").strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(max(0, min(1, c)) * 255):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darker_shade(colour: str, against: str = WHITE, minimum: float = MIN_CONTRAST) -> str:
    """The lightest shade of `colour` (same hue and saturation) with enough contrast."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*_rgb(colour))
    best = _hex(colorsys.hls_to_rgb(hue, 0, saturation))
    low, high = 0.0, lightness
    for _step in range(30):
        middle = (low + high) / 2
        candidate = _hex(colorsys.hls_to_rgb(hue, middle, saturation))
        if contrast(candidate, against) >= minimum:
            best, low = candidate, middle
        else:
            high = middle
    return best


def _darkest_background() -> str:
    return min(LIGHT_BACKGROUNDS, key=relative_luminance)


def usable_shade(colour: str) -> str:
    """`colour` when it reads well on every light background, else its lightest shade
    that does."""
    darkest = _darkest_background()
    if contrast(colour, darkest) >= MIN_CONTRAST:
        return colour
    return darker_shade(colour, against=darkest)


def check_accent(value: str) -> tuple[str | None, str]:
    """(the colour, "") when it can be used; (None, reason) when not.

    The reason names the contrast the colour has and a darker shade that works.
    """
    colour = parse_colour(value)
    if colour is None:
        return None, _("Give the colour as a hex code such as #1d4f91.")
    ratio = contrast(colour, _darkest_background())
    if ratio < MIN_CONTRAST:
        return None, _(
            "Text in %(colour)s is too hard to read: on the portal's light grey background "
            "the contrast is %(ratio)s to 1 and must be at least 4.5 to 1 (WCAG AA). A "
            "darker shade of the same colour that works: %(suggestion)s."
        ) % {
            "colour": colour,
            "ratio": f"{ratio:.1f}".replace(".", ","),
            "suggestion": usable_shade(colour),
        }
    return colour, ""


def normalised_logo(upload) -> bytes:
    """The uploaded image as the portal's own PNG, or LogoRefused with the reason."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise LogoRefused(
            _("This file is not an image. Choose a PNG, JPEG or WebP file.")
        ) from None
    if kind not in LOGO_FORMATS:
        raise LogoRefused(
            _("Choose a PNG, JPEG or WebP file; this is a %(kind)s.") % {"kind": kind}
        )
    if width * height > LOGO_MAX_PIXELS or min(width, height) < 16:
        raise LogoRefused(_("The image must be between 16 and 6000 pixels wide and high."))
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            image = image.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise LogoRefused(_("This image is damaged and cannot be read.")) from None
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def app_icon(logo: bytes | None, accent: str, initials: str, size: int) -> bytes:
    """A square PNG icon: the logo centred on white, or the initials on the accent colour."""
    from PIL import Image, ImageDraw, ImageFont

    if logo:
        icon = Image.new("RGBA", (size, size), (255, 255, 255, 255))
        with Image.open(io.BytesIO(logo)) as image:
            image = image.convert("RGBA")
            room = int(size * 0.8)  # a safe zone for masked (round) icons
            image.thumbnail((room, room))
            icon.alpha_composite(image, ((size - image.width) // 2, (size - image.height) // 2))
    else:
        icon = Image.new("RGBA", (size, size), accent)
        draw = ImageDraw.Draw(icon)
        font = ImageFont.load_default(size=size * 0.4)
        draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    icon.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def initials(name: str) -> str:
    """'KBS De Ark' -> 'DA': the capitals of the words after a leading abbreviation."""
    words = [w for w in re.split(r"\s+", name or "") if w]
    if len(words) > 1 and words[0].isupper() and len(words[0]) <= 4:
        words = words[1:]
    letters = "".join(w[0] for w in words if w[0].isalnum()).upper()
    return letters[:2] or "OP"


def _load_branding(school):
    from ouderportaal.core.models import SchoolBranding

    return SchoolBranding.objects.filter(school=school).defer("logo").first()


def branding_of(school):
    """The school's SchoolBranding (the logo itself left behind), or None: kept per
    school version (core.schoolcache), so a page frame reads no look of its own."""
    if school is None:
        return None
    return school_data(school, "core.branding", _load_branding)


def accent_of(school) -> str:
    branding = branding_of(school)
    colour = branding.accent_colour if branding else ""
    return usable_shade(colour) if colour else DEFAULT_ACCENT


def school_for_request(request):
    """The school this page belongs to, or None when it is not known or not one."""
    if not hasattr(request, "_branding_school"):
        request._branding_school = _find_school(request)
    return request._branding_school


def remember_school(request, school) -> None:
    """A view that has found the page's school already (a child's page) hands it over,
    so the page frame asks nothing more."""
    request._branding_school = school


def remember_children(request, children) -> None:
    """The home page hands over the children it loaded (with their schools): one school
    among them is the page's school, as `_find_school` decides."""
    schools = {child.school_id: child.school for child in children}
    if schools:
        request._branding_school = next(iter(schools.values())) if len(schools) == 1 else None


def _find_school(request):
    from ouderportaal.core.access import active_memberships, visible_students
    from ouderportaal.core.models import School

    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    slug = kwargs.get("school")
    if isinstance(slug, str) and match.namespace == "helpdesk":
        # The help pages are public and name their school in the address.
        return School.objects.filter(slug=slug).first()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        chosen = request.GET.get("school") or request.COOKIES.get(SCHOOL_COOKIE, "")
        return School.objects.filter(slug=chosen[:50]).first() if chosen else None
    if isinstance(slug, str):
        # A back-office page: staff_view has found the member's school already.
        school = getattr(request, "school", None)
        return school if school is not None and school.slug == slug else None
    # One query for the children's schools (their look is kept per school).
    children = list(visible_students(user).select_related("school"))
    student = kwargs.get("student")
    child = next((c for c in children if c.public_id == student), None)
    if child is not None:
        return child.school
    schools = {child.school_id: child.school for child in children}
    if not schools:
        schools = {m.school_id: m.school for m in active_memberships(user)}
    return next(iter(schools.values())) if len(schools) == 1 else None
