"""Admin pieces every app's admin uses: a page that only reads (rows written by services: a
hand edit would skip their rules and their events), and running an action's service on each
selected object on its own, reporting each result."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import admin, messages
from django.http import HttpRequest

from common.errors import DomainError

T = TypeVar("T")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def apply_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[T],
    service: Callable[[T], object],
    *,
    name: Callable[[T], str],
    done: str | None = None,
    done_count: str | None = None,
) -> int:
    """Call ``service`` for every object on its own — one refusal does not undo the others —
    and tell the user: the service's Korean message for each refusal (named by ``name``),
    ``done`` for each success, or ``done_count`` (with ``%(n)d``) once for all of them.
    Returns how many succeeded."""
    succeeded = 0
    for obj in objects:
        try:
            service(obj)
        except DomainError as error:
            model_admin.message_user(request, f"{name(obj)}: {error.message}", messages.WARNING)
            continue
        succeeded += 1
        if done is not None:
            model_admin.message_user(request, f"{name(obj)}: {done}", messages.SUCCESS)
    if done_count is not None:
        model_admin.message_user(request, done_count % {"n": succeeded}, messages.SUCCESS)
    return succeeded
