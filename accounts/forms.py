from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.selectors import login_refusal_for


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("이메일"), max_length=254)
    nickname = forms.CharField(
        label=_("닉네임"), max_length=20, help_text=_("2~20자, 한글·영문·숫자·밑줄")
    )
    password = forms.CharField(label=_("비밀번호"), widget=forms.PasswordInput, max_length=128)
    password_confirm = forms.CharField(
        label=_("비밀번호 확인"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # forms.Form.clean() returns self.cleaned_data
        if cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("비밀번호가 서로 달라요."))
        return cleaned


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("이메일"), widget=forms.EmailInput(attrs={"autofocus": True})
    )
    error_messages = {
        "invalid_login": _("이메일 또는 비밀번호가 맞지 않아요."),
        "inactive": _("사용이 중지된 계정이에요."),
    }

    def get_invalid_login_error(self):
        """A suspended resident who typed the right password is told they are suspended."""
        refusal = login_refusal_for(
            email=self.cleaned_data.get("username") or "",
            password=self.cleaned_data.get("password") or "",
        )
        if refusal is not None:
            return forms.ValidationError(refusal.message, code=refusal.code)
        return super().get_invalid_login_error()


class HomeForm(forms.Form):
    address = forms.CharField(
        label=_("집 주소 (도로명)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("예: 서울 마포구 월드컵로 212")}),
    )


class HomePinForm(forms.Form):
    """The point the resident clicked (or dragged the pin to) on the my-page map."""

    _pick_first = _("지도에서 집 위치를 먼저 눌러 주세요.")
    lat = forms.FloatField(
        widget=forms.HiddenInput,
        error_messages={"required": _pick_first, "invalid": _pick_first},
    )
    lng = forms.FloatField(
        widget=forms.HiddenInput,
        error_messages={"required": _pick_first, "invalid": _pick_first},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # forms.Form.clean() returns self.cleaned_data
        # Hidden fields have no place to show their own error: say it once, for the form.
        if self.has_error("lat") or self.has_error("lng"):
            self.errors.pop("lat", None)
            self.errors.pop("lng", None)
            raise forms.ValidationError(self._pick_first, code="pin_required")
        return cleaned


class NicknameForm(forms.Form):
    nickname = forms.CharField(label=_("닉네임"), max_length=20)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("지금 비밀번호"),
        widget=forms.PasswordInput,
        max_length=128,
        error_messages={"required": _("지금 쓰는 비밀번호를 입력해 주세요.")},
    )
    new_password = forms.CharField(
        label=_("새 비밀번호"),
        widget=forms.PasswordInput,
        max_length=128,
        error_messages={"required": _("새 비밀번호를 입력해 주세요.")},
    )
    new_password_confirm = forms.CharField(
        label=_("새 비밀번호 확인"),
        widget=forms.PasswordInput,
        max_length=128,
        error_messages={"required": _("새 비밀번호를 한 번 더 입력해 주세요.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # forms.Form.clean() returns self.cleaned_data
        if cleaned.get("new_password") != cleaned.get("new_password_confirm"):
            self.add_error("new_password_confirm", _("새 비밀번호가 서로 달라요."))
        return cleaned
