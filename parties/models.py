import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.geo import bounding_box

if TYPE_CHECKING:
    from accounts.models import User

MIN_CAPACITY = 2
MAX_CAPACITY = 20
LNG_STRIPES_PER_DEGREE = 20


def share_price(total_price: int, capacity: int) -> int:
    """Per-person share: total price split over the full capacity, rounded up (KRW). Exact
    for any size of integer (``math.ceil`` of a float division is not, past 2**53)."""
    return -(-total_price // capacity)


class PartyStatus(models.TextChoices):
    RECRUITING = "recruiting", _("모집 중")
    CLOSED = "closed", _("모집 마감")
    COMPLETED = "completed", _("완료")
    CANCELLED = "cancelled", _("취소")


class PartyQuerySet(models.QuerySet["Party"]):
    def recruiting(self, *, now: datetime | None = None) -> "PartyQuerySet":
        """Open for joining: recruiting and the deadline still ahead."""
        return self.filter(status=PartyStatus.RECRUITING, recruit_until__gt=now or timezone.now())

    def within_box(self, lat: float, lng: float, radius_km: float) -> "PartyQuerySet":
        """The bounding box of the circle, on the indexed (copied) market coordinates."""
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
        # The database may round or truncate when it casts to a stripe: take one extra stripe
        # on the right so the list covers both; the exact lng range below decides.
        stripes = range(
            math.floor(min_lng * LNG_STRIPES_PER_DEGREE),
            math.floor(max_lng * LNG_STRIPES_PER_DEGREE) + 2,
        )
        return self.filter(
            lng_stripe__in=list(stripes),
            lat__range=(min_lat, max_lat),
            lng__range=(min_lng, max_lng),
        )

    def visible(self) -> "PartyQuerySet":
        """Not hidden by a moderator."""
        return self.filter(hidden_at__isnull=True)

    def with_member(self, user: "User") -> "PartyQuerySet":
        return self.filter(memberships__user=user, memberships__left_at__isnull=True).distinct()


class Party(models.Model):
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_parties",
        verbose_name=_("파티장"),
    )
    market = models.ForeignKey(
        "markets.Market", on_delete=models.PROTECT, related_name="parties", verbose_name=_("마트")
    )
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="parties", verbose_name=_("품목")
    )
    title = models.CharField(_("제목"), max_length=60)
    description = models.TextField(_("설명"), max_length=2000, blank=True)
    total_price = models.PositiveIntegerField(_("총 가격 (원)"))
    total_quantity = models.PositiveIntegerField(_("총 수량"))
    unit = models.CharField(_("단위"), max_length=10)
    capacity = models.PositiveSmallIntegerField(_("정원 (파티장 포함)"))
    meet_at = models.DateTimeField(_("만나는 시각"))
    recruit_until = models.DateTimeField(_("모집 마감 시각"))
    status = models.CharField(
        _("상태"), max_length=12, choices=PartyStatus.choices, default=PartyStatus.RECRUITING
    )
    member_count = models.PositiveSmallIntegerField(_("인원"), default=0)
    # Copied from the market so the nearby search filters one table on its own index.
    lat = models.FloatField(_("위도"))
    lng = models.FloatField(_("경도"))
    # A 0.05° (~4.4 km) longitude stripe, kept by the database. Leading the nearby index,
    # it turns the bounding box into a few short index ranges (one per stripe) instead of
    # one latitude band across the whole country.
    lng_stripe = models.GeneratedField(
        expression=Cast(
            F("lng") * Value(LNG_STRIPES_PER_DEGREE), output_field=models.IntegerField()
        ),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    sido = models.CharField(_("시도"), max_length=20, blank=True)
    sigungu = models.CharField(_("시군구"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("만든 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("바꾼 시각"), auto_now=True)
    closed_at = models.DateTimeField(_("모집 마감된 시각"), null=True, blank=True)
    finished_at = models.DateTimeField(_("완료/취소 시각"), null=True, blank=True)
    # A database default too: bulk loads (benchmarks, imports) that do not name it still work.
    # Hidden by a moderator (a report): gone for residents, kept for the record.
    hidden_at = models.DateTimeField(_("가린 시각"), null=True, blank=True)
    meeting_note = models.CharField(
        _("만나는 곳 메모"), max_length=200, blank=True, default="", db_default=""
    )
    # When the leader last moved meet_at: members may then withdraw until the new meeting.
    rescheduled_at = models.DateTimeField(_("일정 변경 시각"), null=True, blank=True)

    objects = PartyQuerySet.as_manager()

    # Not columns: set on instances by the reads that compute them (``distance_km`` by the
    # nearby search, the rest by the party cards, ``parties.views.decorate_parties``).
    distance_km: float
    deadline_left: str
    meet_left: str
    is_open: bool
    leader_standing: Any  # parties.selectors.Standing

    class Meta:
        verbose_name = _("파티")
        verbose_name_plural = _("파티")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=MIN_CAPACITY, capacity__lte=MAX_CAPACITY),
                name="party_capacity_2_to_20",
            ),
            models.CheckConstraint(
                condition=Q(member_count__lte=F("capacity")), name="party_members_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PartyStatus.values), name="party_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recruit_until__lte=F("meet_at")), name="party_recruit_before_meet"
            ),
            models.CheckConstraint(
                condition=Q(total_price__gt=0, total_quantity__gt=0),
                name="party_price_quantity_positive",
            ),
        ]
        indexes = [
            # The nearby search: only recruiting parties, by coordinates. Partial, so the
            # index holds the ~10% of parties that are open rather than all of history.
            # Covering: the deadline and id ride along, so the distance filter, the sort and
            # the count are answered from the index without reading table rows.
            models.Index(
                fields=["lng_stripe", "lat"],
                include=["lng", "recruit_until", "id"],
                condition=Q(status="recruiting"),
                name="party_recruiting_geo_idx",
            ),
            # The settle task: recruiting parties whose deadline has passed.
            models.Index(
                fields=["recruit_until"],
                condition=Q(status="recruiting"),
                name="party_recruiting_deadline_idx",
            ),
            # The reminder task: parties meeting within the hour, or met an hour ago.
            models.Index(
                fields=["meet_at"],
                condition=Q(status__in=["closed", "completed"]),
                name="party_meeting_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        # The enum's label directly: get_status_display() re-hashes the lazy choices each call.
        return str(PartyStatus(self.status).label)

    @property
    def share_price(self) -> int:
        return share_price(self.total_price, self.capacity)

    @property
    def share_quantity(self) -> float:
        return self.total_quantity / self.capacity

    @property
    def seats_left(self) -> int:
        return self.capacity - self.member_count


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("파티장")
    MEMBER = "member", _("파티원")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        """Memberships that have not ended (the member has not left)."""
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("파티")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("회원"),
    )
    role = models.CharField(_("역할"), max_length=10, choices=MembershipRole.choices)
    joined_at = models.DateTimeField(_("참여한 시각"), default=timezone.now)
    left_at = models.DateTimeField(_("나간 시각"), null=True, blank=True)
    # "못 가게 됐어요": left after recruitment closed, in time; no penalty for this party.
    withdrawn_at = models.DateTimeField(_("빠진 시각 (마감 뒤)"), null=True, blank=True)
    withdraw_reason = models.CharField(
        _("빠진 사유"), max_length=200, blank=True, default="", db_default=""
    )

    objects = MembershipQuerySet.as_manager()

    # Not a column: set for the party page (``parties.views.party_detail_page``).
    standing: Any  # set by the party page: parties.selectors.Standing

    class Meta:
        verbose_name = _("파티 참여")
        verbose_name_plural = _("파티 참여")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "user"],
                condition=Q(left_at__isnull=True),
                name="membership_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
            # A withdrawal is a way of leaving.
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(left_at__isnull=False),
                name="membership_withdrawn_has_left",
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="membership_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.user.nickname} · {self.party.title}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class ReminderKind(models.TextChoices):
    MEETING = "meeting", _("만나기 1시간 전")
    ATTENDANCE = "attendance", _("만난 뒤 1시간: 누가 왔나요?")


class PartyReminder(models.Model):
    """One reminder sent: to one user, of one kind, for one meeting time. The unique
    constraint makes it exactly once however many beat ticks or workers try at the same
    time; a rescheduled meeting (another ``meet_at``) is reminded again."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("파티")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("받은 회원"),
    )
    kind = models.CharField(_("종류"), max_length=10, choices=ReminderKind.choices)
    meet_at = models.DateTimeField(_("그때의 만나는 시각"))
    created_at = models.DateTimeField(_("보낸 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("알림 보낸 기록")
        verbose_name_plural = _("알림 보낸 기록")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "user", "kind", "meet_at"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.title} — {self.get_kind_display()} ({self.user.nickname})"
