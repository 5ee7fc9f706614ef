from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.core.forms import Form, limit_choices


class TokenForm(Form):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("使用者"),
        queryset=None,
        help_text=_("接口以该用户的角色和所属单位访问数据；宜为对接系统单独建一个用户"),
    )
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("如：组织部干部信息系统"))

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "user", users)
