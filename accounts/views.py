"""Account pages: signup, login, logout, my page (home address), public profiles."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import (
    HomeForm,
    HomePinForm,
    LoginForm,
    NicknameForm,
    PasswordChangeForm,
    SignupForm,
)
from accounts.login_limits import lockout_error, signup_rate_check, was_locked_out
from accounts.models import User
from accounts.services import (
    user_password_change,
    user_signup,
    user_signup_check,
    user_update_profile,
)
from common.errors import DomainError
from penalties.selectors import user_penalty_standing


def _add_field_errors(form: forms.Form, error: DomainError) -> None:
    """A service's refusal next to the fields it names (``details``: field -> messages, or
    ``field`` alone); a field the form already flagged keeps the form's own message."""
    by_field: dict[str | None, list] = {
        field: texts
        for field, texts in error.details.items()
        if field in form.fields and isinstance(texts, list)
    } or {error.field: [error.message]}
    for field, texts in by_field.items():
        if field is not None and field in form.errors:
            continue
        for text in texts:
            form.add_error(field, text)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        try:
            signup_rate_check(request)
        except DomainError as error:
            form.is_valid()
            form.add_error(None, error.message)
            return render(request, "accounts/signup.html", {"form": form}, status=429)
    if request.method == "POST":
        # Every field judged in one round: the form's own checks (required, lengths, the
        # two passwords alike) and the service's rules together, not the service's only
        # once the form passed.
        form.is_valid()
        try:
            user_signup_check(
                email=form.data.get("email", ""),
                password=form.data.get("password", ""),
                nickname=form.data.get("nickname", ""),
            )
        except DomainError as error:
            _add_field_errors(form, error)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                nickname=form.cleaned_data["nickname"],
            )
        except DomainError as error:
            _add_field_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("가입을 환영해요! 집 주소를 설정하면 근처 파티를 보여 드려요.")
            )
            return redirect("accounts:me")
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Failed attempts count per account and per client address (``accounts.login_limits``);
    a locked-out attempt, right password or not, says until when (429)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if not was_locked_out(self.request):
            return super().form_invalid(form)
        form.errors.clear()
        form.add_error(None, lockout_error(self.request).message)
        response = super().form_invalid(form)
        response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    pass


def _home_saved_message(user: User, action: str) -> tuple[int, str]:
    """What the resident is told after saving the home: an approximate one says so."""
    if user.location_approximate:
        return messages.WARNING, _(
            "집 위치를 대략적인 위치(구 중심)로 저장했어요. 이 주소는 구 단위까지만 찾을 수 "
            "있어서 거리도 대략으로 보여요. 지도에서 집 위치를 누르면 정확하게 바꿀 수 있어요."
        )
    if action == "pin":
        return messages.SUCCESS, _("지도에서 고른 위치를 집 위치로 저장했어요.")
    return messages.SUCCESS, _("집 위치를 저장했어요.")


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # @login_required
    home_form: forms.Form = HomeForm(initial={"address": user.address})
    pin_form: forms.Form = HomePinForm()
    nickname_form: forms.Form = NicknameForm(initial={"nickname": user.nickname})
    if request.method == "POST":
        action = request.POST.get("action")
        form: forms.Form
        if action == "home":
            form = HomeForm(request.POST)
        elif action == "pin":
            form = HomePinForm(request.POST)
        else:
            action, form = "nickname", NicknameForm(request.POST)
        if form.is_valid():
            try:
                user_update_profile(user=user, **form.cleaned_data, pinned_on_map=action == "pin")
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if action == "nickname":
                    messages.success(request, _("닉네임을 바꿨어요."))
                else:
                    messages.add_message(request, *_home_saved_message(user, action))
                next_url = request.POST.get("next", "")
                if next_url and url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}
                ):
                    return redirect(next_url)
                return redirect("accounts:me")
        if action == "home":
            home_form = form
        elif action == "pin":
            pin_form = form
        else:
            nickname_form = form
    return render(
        request,
        "accounts/me.html",
        {
            "home_form": home_form,
            "pin_form": pin_form,
            "nickname_form": nickname_form,
            "standing": user_penalty_standing(user_id=user.pk),
            # Where the map opens: the home, else Seoul City Hall (a neutral start).
            "pin_start": (
                {"lat": user.lat, "lng": user.lng, "zoom": 15}
                if user.lat is not None and user.lng is not None
                else {"lat": 37.5663, "lng": 126.9779, "zoom": 11}
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """A new password; other browsers and apps must log in again (their sessions end with the
    password's hash, their refresh tokens are revoked), this browser stays logged in."""
    user = cast(User, request.user)  # @login_required
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as error:
            for message in error.details.get("password", [error.message]):
                form.add_error(error.field, message)
        else:
            update_session_auth_hash(request, user)
            messages.success(
                request, _("비밀번호를 바꿨어요. 다른 기기에서는 다시 로그인해 주세요.")
            )
            return redirect("accounts:me")
    return render(request, "accounts/password.html", {"form": form})
