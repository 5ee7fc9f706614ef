from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaohe.core.roles import Role
from kaohe.core.text import refuse_control_characters


def _refuse_control_characters_in_file_name(value: object) -> None:
    refuse_control_characters(getattr(value, "name", None))


def check_text(field: forms.Field) -> None:
    """Give ``field`` the control-character check its kind of text needs: one line for a
    text input (no tab or line break either), several for a ``Textarea``, the name of an
    uploaded file. A password is left alone: it is hashed, never shown or exported."""
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(partial(refuse_control_characters, multiline=multiline))
    elif isinstance(field, forms.FileField):
        field.validators.append(_refuse_control_characters_in_file_name)


class TextChecked:
    """Mixin for every form of the site: each text field refuses control characters
    (``kaohe.core.text``) with a message naming the position, so none is ever stored."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # this form's own copies of the fields
            check_text(field)


class Form(TextChecked, forms.Form):
    """The base of the site's forms (see ``TextChecked``)."""

    def clean(self) -> dict[str, Any]:
        # Django's Form.clean returns cleaned_data; its stubs allow None.
        return self.cleaned_data


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` beside the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class LoginForm(TextChecked, AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {  # noqa: RUF012 (AuthenticationForm declares it per instance)
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
    }

    def throttle_username(self) -> str:
        """The submitted username as the login throttle keys it (lower case), or "" when
        the username field refuses it (then no password is tried)."""
        try:
            username = self.fields["username"].clean(self.data.get("username", ""))
        except ValidationError:
            return ""
        return str(username).lower()

    def password_tried(self) -> bool:
        """After ``is_valid()``: whether a password was checked (and failed)."""
        return bool(self.cleaned_data.get("username") and self.cleaned_data.get("password"))


class UserForm(Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("所属单位"),
        required=False,
        queryset=None,
        help_text=_("责任单位评分人和被考核单位联络员必须指定所属单位"),
    )
    cadre: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("对应干部"),
        required=False,
        queryset=None,
        help_text=_("角色为“干部本人”时必须指定：该账号只能查看这名干部公布后的考核结果"),
    )

    def __init__(self, *args: Any, units: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units)
        limit_choices(self, "cadre", cadres)


class PasswordPairForm(Form):
    password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class UserCreateForm(UserForm, PasswordPairForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    field_order = ("username", "display_name", "role", "unit", "cadre", "password1", "password2")

    def clean_username(self) -> str:
        from kaohe.core.models import User

        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("用户名已被使用"), code="username_taken")
        return username


class UserEditForm(UserForm):
    is_active = forms.BooleanField(
        label=_("启用"), required=False, help_text=_("停用的账号不能登录，也不能使用接口令牌")
    )


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Give the model choice field ``name`` of ``form`` the rows it offers (declared with
    ``queryset=None``, filled per request)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Give the choice field ``name`` of ``form`` the choices it offers."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
