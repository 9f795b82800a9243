"""Typed readers for configuration from the environment.

A bad value stops start-up with a message that names the variable, instead of a
surprise later on.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    value = os.environ.get(name)
    if value is None:
        file_name = os.environ.get(f"{name}_FILE")
        if file_name:
            return Path(file_name).read_text(encoding="utf-8").strip()
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def mailer_from_url(url: str) -> dict:
    """Turn EMAIL_URL into a Django 6.1 MAILERS entry.

    smtp://host:port, smtp+tls://user:pass@host:587 (STARTTLS), smtp+ssl://… (implicit
    TLS), console:// (print), locmem:// (tests), file:///path (one file per message).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme {scheme!r}; use smtp, smtp+tls, smtp+ssl, "
            "console, file or locmem."
        )
    query = parse_qs(parts.query)
    options: dict = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme],
        "use_tls": scheme == "smtp+tls",
        "use_ssl": scheme == "smtp+ssl",
        "timeout": int(query.get("timeout", ["20"])[0]),
    }
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
