"""URL arguments for the import pages: a school's previewed import."""

URL_KWARGS = {
    "imports:run": lambda side: {"run": side.import_run.pk},
    "imports:confirm": lambda side: {"run": side.import_run.pk},
    "imports:cancel": lambda side: {"run": side.import_run.pk},
}
