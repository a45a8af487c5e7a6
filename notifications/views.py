"""Notification pages. The UI work (inbox, favorites, heart buttons, bell) fills these in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/inbox.html")


@login_required
def favorites(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/inbox.html")
