from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.geo import KOREA_LAT_RANGE, KOREA_LNG_RANGE, bounding_box


class MarketQuerySet(models.QuerySet):
    def open(self) -> "MarketQuerySet":
        """Markets still operating: not marked closed by a LOCALDATA import (폐업, 휴업)."""
        return self.filter(closed_at__isnull=True)

    def search(self, q: str) -> "MarketQuerySet":
        q = q.strip()
        if not q:
            return self
        return self.filter(
            Q(name__icontains=q) | Q(road_address__icontains=q) | Q(brand__icontains=q)
        )

    def within_box(self, lat: float, lng: float, radius_km: float) -> "MarketQuerySet":
        """Markets inside the bounding box of the circle: an indexed prefilter."""
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
        return self.filter(lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng))


class Market(models.Model):
    class Source(models.TextChoices):
        LOCALDATA = "localdata", _("지방행정 인허가 (LOCALDATA)")
        DEMO = "demo", _("데모")
        MANUAL = "manual", _("직접 등록")

    source = models.CharField(_("출처"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("출처 ID (관리번호)"), max_length=64)
    name = models.CharField(_("이름"), max_length=100)
    brand = models.CharField(_("브랜드"), max_length=50, blank=True)
    kind = models.CharField(_("업태"), max_length=50, blank=True)
    road_address = models.CharField(_("도로명 주소"), max_length=200, blank=True)
    lot_address = models.CharField(_("지번 주소"), max_length=200, blank=True)
    lat = models.FloatField(_("위도"))
    lng = models.FloatField(_("경도"))
    sido = models.CharField(_("시도"), max_length=20, blank=True)
    sigungu = models.CharField(_("시군구"), max_length=30, blank=True)
    # Set by the LOCALDATA import when the file lists the store as not operating (폐업, 휴업,
    # ...), cleared when it lists it as 영업/정상 again. A closed market leaves the lists and
    # takes no new party; its page, its parties and favorites stay.
    closed_at = models.DateTimeField(_("폐업 확인 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("바꾼 시각"), auto_now=True)

    objects = MarketQuerySet.as_manager()

    # Not a column: set by the reads that measure it (``markets.selectors.market_list``).
    distance_km: float

    class Meta:
        verbose_name = _("마트")
        verbose_name_plural = _("마트")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="market_source_id_unique"),
            models.CheckConstraint(
                condition=Q(lat__gte=KOREA_LAT_RANGE[0], lat__lte=KOREA_LAT_RANGE[1])
                & Q(lng__gte=KOREA_LNG_RANGE[0], lng__lte=KOREA_LNG_RANGE[1]),
                name="market_location_in_korea",
            ),
        ]
        indexes = [
            models.Index(fields=["lat", "lng"], name="market_lat_lng_idx"),
            models.Index(fields=["sido", "sigungu"], name="market_region_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_demo(self) -> bool:
        return self.source == self.Source.DEMO

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def address(self) -> str:
        return self.road_address or self.lot_address
