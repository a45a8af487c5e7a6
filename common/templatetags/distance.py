"""``{% load distance %}`` then ``{{ party.distance_km|distance:approximate }}``: "3.2km", or
"약 3km" when the distance is measured from an approximate point (a home placed at its
district's centre)."""

from django import template

from common.geo import format_distance_km

register = template.Library()


@register.filter
def distance(km: float | None, approximate: object = False) -> str:
    if km is None or km == "":
        return ""
    return format_distance_km(float(km), approximate=bool(approximate))
