"""The one place parties are locked for update. Keep what runs under the lock short."""

from django.utils.translation import gettext as _

from common.errors import NotFound
from parties.models import Party


def party_for_update(*, party_id: int) -> Party:
    """Lock the party row until the surrounding transaction ends (no-op lock on SQLite,
    whose IMMEDIATE transactions already serialise writers)."""
    party = Party.objects.select_for_update().filter(pk=party_id).first()
    if party is None:
        raise NotFound("party_not_found", _("파티를 찾을 수 없어요."))
    return party
