"""What an import found and what it will do: problems, changes and counts."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

ERROR = "error"  # the file cannot be imported until this is fixed
SKIPPED = "skipped"  # this element or row is left out; the rest can be imported
WARNING = "warning"  # imported, but worth a look

NEW = "new"
CHANGED = "changed"
LEFT = "left"
UNCHANGED = "unchanged"
ACTIONS = (NEW, CHANGED, LEFT)


@dataclass
class Problem:
    severity: str
    message: str
    where: str = ""
    line: int | None = None

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "message": str(self.message),
            "where": self.where,
            "line": self.line,
        }


class Report:
    """Collects problems while reading a file and changes while planning an import."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # What makes the import dangerous (imports.safeguards); needs explicit confirmation.
        self.risks: list[dict] = []
        self.file_created_at = None  # EDEXML aanmaakdatum, to notice an older file later
        self.items: list[dict] = []
        self.counts: dict[str, dict[str, int]] = defaultdict(
            lambda: {NEW: 0, CHANGED: 0, LEFT: 0, UNCHANGED: 0}
        )

    # -- problems ----------------------------------------------------------------------
    def error(self, message, where: str = "", line: int | None = None) -> None:
        self.problems.append(Problem(ERROR, str(message), where, line))

    def skipped(self, message, where: str = "", line: int | None = None) -> None:
        self.problems.append(Problem(SKIPPED, str(message), where, line))

    def warning(self, message, where: str = "", line: int | None = None) -> None:
        self.problems.append(Problem(WARNING, str(message), where, line))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)

    # -- changes -----------------------------------------------------------------------
    def add(self, action: str, kind: str, key: str, name: str, changes=None) -> None:
        """Count one object; list it unless nothing changes.

        `changes` holds (field name, old value, new value) with values as text, so that
        the list does not depend on the language it is later shown in.
        """
        self.counts[kind][action] += 1
        if action != UNCHANGED:
            self.items.append(
                {
                    "action": action,
                    "kind": kind,
                    "key": key,
                    "name": name,
                    "changes": [[field, old, new] for field, old, new in changes or []],
                }
            )

    @property
    def change_count(self) -> int:
        return len(self.items)

    def summary(self) -> dict:
        counts = {kind: dict(values) for kind, values in self.counts.items()}
        return {
            "objects": counts,
            "changes": self.change_count,
            "errors": sum(1 for p in self.problems if p.severity == ERROR),
            "skipped": sum(1 for p in self.problems if p.severity == SKIPPED),
            "warnings": sum(1 for p in self.problems if p.severity == WARNING),
        }

    def problem_dicts(self) -> list[dict]:
        return [p.as_dict() for p in self.problems]

    def fingerprint(self) -> str:
        """Identifies the planned changes, to notice when they differ at confirmation."""
        problems = [(p.severity, p.where, p.line) for p in self.problems]
        payload = json.dumps([self.items, problems], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def shown(value) -> str:
    """A value as the change list shows it."""
    if value is None or value == "":
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%d-%m-%Y")
    return str(value)
