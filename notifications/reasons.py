"""Why a resident is told of something: shown with every notification (찜한 마트 / 찜한 품목
/ 내 파티 …)."""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Reason(StrEnum):
    """Why a recipient is told: shown with every notification."""

    FAVORITE_MARKET = "favorite_market"
    FAVORITE_ITEM = "favorite_item"
    MY_PARTY = "my_party"
    MY_ACCOUNT = "my_account"
    MY_QUESTION = "my_question"


REASON_LABELS: dict[str, Promise] = {
    Reason.FAVORITE_MARKET: _("찜한 마트"),
    Reason.FAVORITE_ITEM: _("찜한 품목"),
    Reason.MY_PARTY: _("내 파티"),
    Reason.MY_ACCOUNT: _("내 계정"),
    Reason.MY_QUESTION: _("내 질문"),
}
