"""Forms that parse what a user sends to the registry pages."""

from django import forms
from django.utils.functional import cached_property

from tongxin.orgs.selectors import visible_classes

from .models import Child

CLASS_MENU_MAX = 60  # a longer class menu (a county has thousands of classes) is left out; ?class= still works


class ChildFilterForm(forms.Form):
    """The child list's query string. Each field that does not parse is left out of the filter and named in
    the page's notice; the others still apply."""

    q = forms.CharField(label="搜索", required=False, max_length=64, strip=True,
                        error_messages={"max_length": "搜索内容最多 %(limit_value)d 个字"})
    school_class = forms.ModelChoiceField(label="班级", queryset=None, required=False,
                                          error_messages={"invalid_choice": "所选班级不存在或不在您的查看范围内"})
    care = forms.ChoiceField(label="关爱类别", required=False,
                             choices=[("", "全部类别")] + [c for c in Child.CareStatus.choices if c[0] != Child.CareStatus.NONE],
                             error_messages={"invalid_choice": "关爱类别“%(value)s”无效"})

    def __init__(self, user, data=None):
        data = data.copy() if data is not None else None
        if data is not None and "class" in data:  # the page's parameter is ?class=, a Python keyword
            data["school_class"] = data.pop("class")[-1]
        super().__init__(data)
        self.fields["school_class"].queryset = visible_classes(user)

    @cached_property
    def classes(self) -> list:
        """The class menu: every class in the user's scope, or none when there are more than CLASS_MENU_MAX
        (one query that reads at most one class past the limit)."""
        menu = list(self.fields["school_class"].queryset[:CLASS_MENU_MAX + 1])
        return menu if len(menu) <= CLASS_MENU_MAX else []

    @property
    def care_choices(self):
        return self.fields["care"].choices[1:]

    def filters(self) -> dict:
        """The filters that parsed (call after is_valid())."""
        data = self.cleaned_data
        return {"query": data.get("q", ""), "school_class_id": data["school_class"].pk if data.get("school_class") else None,
                "care_status": data.get("care", "")}

    def notices(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]


class ChildReadForm(forms.Form):
    """The optional reason a user gives for opening a record (kept in the audit log)."""

    reason = forms.CharField(label="查看事由", required=False, max_length=255, strip=True,
                             error_messages={"max_length": "查看事由最多 %(limit_value)d 个字"})
