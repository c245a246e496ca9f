"""The two floor pages ``make bench`` compares every page with, served only when the setting
``LIMEN_BENCH_FLOORS`` is on (the bench's own server): B1 answers "ok" to a signed-in person
through the whole middleware; B2 renders the base layout around a one-line body."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
@require_GET
def floor_ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def floor_layout(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor.html")
