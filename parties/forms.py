"""The create-party form: input parsing only. The rules live in ``parties.services``."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from common.params import MAX_ID
from parties.models import MAX_CAPACITY, MIN_CAPACITY

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
MAX_QUANTITY = 1_000_000  # as the API accepts


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">``; the naive value is read in the current time zone
    (``TIME_ZONE = Asia/Seoul``) by ``forms.DateTimeField``."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)


def local_datetime_field(
    label: "StrOrPromise", required_message: "StrOrPromise"
) -> forms.DateTimeField:
    """A meeting or deadline time from a ``datetime-local`` input (or typed by hand)."""
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=DateTimeLocalInput,
        error_messages={
            "required": required_message,
            "invalid": _("날짜와 시각을 정확히 입력해 주세요."),
        },
    )


class PartyCreateForm(forms.Form):
    market_id = forms.IntegerField(
        label=_("마트"),
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ["required", "invalid", "min_value", "max_value"], _("마트를 골라 주세요.")
        ),
    )
    # The visible search boxes (market, when there is no select; item) only keep what was
    # typed; the hidden ``market_id`` / ``item_id`` they fill are what is submitted.
    market_query = forms.CharField(label=_("마트 검색"), required=False, max_length=100)
    item_query = forms.CharField(label=_("품목"), required=False, max_length=100)
    item_id = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ["required", "invalid", "min_value", "max_value"], _("품목을 검색해서 골라 주세요.")
        ),
    )
    title = forms.CharField(
        label=_("제목"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("예: 코스트코 키친타월 나눠요")}),
        error_messages={"required": _("제목을 입력해 주세요.")},
    )
    description = forms.CharField(
        label=_("설명"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("예: 12롤 중 3롤씩, 주차장 입구에서 만나요.")}
        ),
    )
    total_price = forms.IntegerField(
        label=_("총 가격 (원)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "step": 1}),
        error_messages={
            "required": _("총 가격을 입력해 주세요."),
            "invalid": _("총 가격은 숫자로 입력해 주세요."),
        },
    )
    total_quantity = forms.IntegerField(
        label=_("총 수량"),
        max_value=MAX_QUANTITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "step": 1}),
        error_messages={
            "required": _("총 수량을 입력해 주세요."),
            "invalid": _("총 수량은 숫자로 입력해 주세요."),
            "max_value": _("총 수량은 100만 이하로 입력해 주세요."),
        },
    )
    unit = forms.CharField(
        label=_("단위"),
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": _("개, kg, 롤")}),
        error_messages={"required": _("단위를 입력해 주세요. (예: 개, kg, 롤)")},
    )
    capacity = forms.IntegerField(
        label=_("정원 (파티장 포함)"),
        initial=4,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "min": MIN_CAPACITY, "max": MAX_CAPACITY, "step": 1}
        ),
        error_messages={
            "required": _("정원을 입력해 주세요."),
            "invalid": _("정원은 숫자로 입력해 주세요."),
        },
    )
    recruit_until = local_datetime_field(_("모집 마감 시각"), _("모집 마감 시각을 정해 주세요."))
    meet_at = local_datetime_field(_("만나는 시각"), _("만나는 시각을 정해 주세요."))

    def add_domain_error(self, error) -> None:
        """A service's refusal, next to the field it names (``DomainError.field``)."""
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("item_query", None)
        data.pop("market_query", None)
        return data


class PartyRescheduleForm(forms.Form):
    """The leader's reschedule: a new meeting time and the spot note (input parsing only)."""

    meet_at = local_datetime_field(_("만나는 시각"), _("만나는 시각을 정해 주세요."))
    meeting_note = forms.CharField(
        label=_("만나는 곳 메모"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("예: 1층 정문 앞 벤치")}),
    )

    def add_domain_error(self, error) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)
