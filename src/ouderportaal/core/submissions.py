"""Forms that create something are processed once, however often they are sent.

Each rendered form carries a fresh token (`{% submission_token %}` from the
`submissions` template library). Inside the transaction that creates its object the
view calls `claim()`, which stores the token with the page the submit leads to; the
database's unique constraint lets only one submit of a form through. The `once`
decorator (below the access decorator) sends a repeated submit, also one that arrives
while the first is still running, to the first one's result page:

    @child_view(module="appointments")
    @submissions.once
    def appointments(request, student):
        ...
        with transaction.atomic():
            submissions.claim(request, result_url)
            create_the_object()

A post without a token (a page rendered before tokens existed) is processed as before.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

from ouderportaal.core.models import FormSubmission

FIELD_NAME = "submission"
KEPT_FOR = timedelta(days=7)


class AlreadySubmitted(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request) -> uuid.UUID | None:
    if not request.user.is_authenticated:
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD_NAME, ""))
    except ValueError:
        return None


def earlier_result(request) -> str | None:
    """The result page of an earlier submit of this same rendered form, if any."""
    token = _token(request)
    if token is None:
        return None
    return (
        FormSubmission.objects.filter(user=request.user, token=token)
        .values_list("result_url", flat=True)
        .first()
    )


def claim(request, result_url: str) -> None:
    """Record this submit inside the caller's transaction; raises AlreadySubmitted
    when the same form was already processed (the caller's transaction then rolls
    back, so nothing is created twice)."""
    token = _token(request)
    if token is None:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() belongs inside the transaction that creates the object.")
    try:
        with transaction.atomic():
            FormSubmission.objects.create(
                user=request.user, token=token, result_url=result_url[:300]
            )
    except IntegrityError:
        # A concurrent submit of the same form committed first.
        raise AlreadySubmitted(earlier_result(request) or result_url) from None
    FormSubmission.objects.filter(
        user=request.user, created_at__lt=timezone.now() - KEPT_FOR
    ).delete()


def once(view):
    """Send a repeated submit of a form to the page its first submit led to."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and (earlier := earlier_result(request)):
            return redirect(earlier)
        try:
            return view(request, *args, **kwargs)
        except AlreadySubmitted as earlier:
            return redirect(earlier.url)

    return wrapper
