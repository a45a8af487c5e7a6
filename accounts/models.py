from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.geo import KOREA_LAT_RANGE, KOREA_LNG_RANGE


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Emails are stored lower-cased; logins should not depend on how they are typed.
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("nickname", email.split("@")[0])
        return self._create_user(email, password, **fields)


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("정확한 위치")
    # Only the 시군구 is known (the offline geocoder's district centre): every address of the
    # district shares one point, so distances from it are rough.
    DISTRICT = "district", _("대략적인 위치(구 중심)")


class LocationSource(models.TextChoices):
    NONE = "", _("없음")
    KAKAO = "kakao", _("주소 검색(카카오)")
    OFFLINE = "offline", _("주소 검색(내장 주소표)")
    MAP = "map", _("지도에서 고른 위치")
    COORDINATES = "coordinates", _("좌표로 설정")


class User(AbstractBaseUser, PermissionsMixin):
    """A resident. Logs in with email; shown to others by nickname only."""

    email = models.EmailField(_("이메일"), unique=True)
    nickname = models.CharField(_("닉네임"), max_length=20)
    # Home location: the road-name address the user gave, and where it geocoded to.
    address = models.CharField(_("집 주소"), max_length=200, blank=True)
    lat = models.FloatField(_("위도"), null=True, blank=True)
    lng = models.FloatField(_("경도"), null=True, blank=True)
    sido = models.CharField(_("시도"), max_length=20, blank=True)
    sigungu = models.CharField(_("시군구"), max_length=30, blank=True)
    # How well lat/lng place the home, and where they came from (``user_update_profile``).
    location_precision = models.CharField(
        _("위치 정확도"),
        max_length=10,
        choices=LocationPrecision.choices,
        default=LocationPrecision.EXACT,
        db_default=LocationPrecision.EXACT,
    )
    location_source = models.CharField(
        _("위치 출처"),
        max_length=20,
        choices=LocationSource.choices,
        blank=True,
        default=LocationSource.NONE,
        db_default=LocationSource.NONE,
    )

    # False while suspended (``accounts.services.user_suspend``): Django's backends, the JWT
    # authentication and the WebSocket/SSE token check all refuse inactive users.
    is_active = models.BooleanField(_("활성"), default=True)
    is_staff = models.BooleanField(_("관리자 화면 접근"), default=False)
    date_joined = models.DateTimeField(_("가입 시각"), default=timezone.now)
    suspended_at = models.DateTimeField(_("이용 정지 시각"), null=True, blank=True)
    suspension_reason = models.CharField(
        _("이용 정지 사유"), max_length=300, blank=True, default="", db_default=""
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nickname"]

    class Meta:
        verbose_name = _("회원")
        verbose_name_plural = _("회원")
        constraints = [
            # Nicknames identify people in chats: unique regardless of case.
            models.UniqueConstraint(Lower("nickname"), name="user_nickname_ci_unique"),
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lng__isnull=True))
                | (
                    models.Q(lat__gte=KOREA_LAT_RANGE[0], lat__lte=KOREA_LAT_RANGE[1])
                    & models.Q(lng__gte=KOREA_LNG_RANGE[0], lng__lte=KOREA_LNG_RANGE[1])
                ),
                name="user_home_in_korea",
            ),
            models.CheckConstraint(
                condition=models.Q(location_precision__in=LocationPrecision.values),
                name="user_location_precision_valid",
            ),
            # A suspended account is inactive (it may be inactive for other reasons too).
            models.CheckConstraint(
                condition=models.Q(suspended_at__isnull=True) | models.Q(is_active=False),
                name="user_suspended_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nickname} <{self.email}>"

    @property
    def has_home(self) -> bool:
        return self.lat is not None and self.lng is not None

    @property
    def location_approximate(self) -> bool:
        """The home is only a district's centre: show it, and distances from it, roughly."""
        return self.has_home and self.location_precision == LocationPrecision.DISTRICT
