from django.conf import settings


def gonggu(request) -> dict:
    return {"PENALTY_BLOCK_THRESHOLD": settings.PENALTY_BLOCK_THRESHOLD}
