"""Destructive page actions ask first: with JavaScript a dialog (``static/js/confirm.js`` on
every ``<form data-confirm="…">``), without it a confirmation page. Either way the action
runs only on a POST that carries ``confirmed=1``; the API is for clients that ask their users
themselves."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED_FIELD = "confirmed"
_NOT_ECHOED = {"csrfmiddlewaretoken", CONFIRMED_FIELD}


def confirmation_page(
    request: HttpRequest,
    *,
    question: str,
    detail: str = "",
    confirm_label: str,
    cancel_url: str,
) -> HttpResponse | None:
    """None when the POST was confirmed; else the page that asks, re-posting the same fields
    with ``confirmed=1`` to the same address."""
    if request.POST.get(CONFIRMED_FIELD) == "1":
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in _NOT_ECHOED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "question": question,
            "detail": detail,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "action": request.path,
            "fields": fields,
        },
    )
