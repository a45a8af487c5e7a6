from tests.fakes.kakao import fake_kakao

__all__ = ["fake_kakao"]
