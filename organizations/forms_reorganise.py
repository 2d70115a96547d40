"""Forms of the reorganisation pages: merger and split, each previewed before it is applied.

A unit is named the way people know it — by its code or a few words of its name, with or
without diacritics — and resolved inside the admin's own subtree: among seventy look-alike
"Đảng bộ phường …" a unique match is taken, several are listed with their codes to choose
from, none is said so. Nothing is picked from a list of the whole tree.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Organization, OrgKind, RoleKind
from .selectors import organizations_in_scope
from .services import NewUnit, SplitPart
from .text import clean_line, search_key

#: Candidates listed when a name matches several units.
CANDIDATES_SHOWN = 8
#: Successor parts a split form offers.
SPLIT_PARTS = 4


def resolve_unit(user, text: str) -> Organization:
    """The one existing unit of the user's admin subtree that ``text`` names (code or name)."""
    text = clean_line(text or "")
    living = organizations_in_scope(user, kinds=[RoleKind.ADMIN]).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
    exact = list(living.filter(code__iexact=text)[:2])
    if len(exact) == 1:
        return exact[0]
    key = search_key(text)
    matches = list(living.filter(search_text__contains=key).order_by("depth", "path")[:CANDIDATES_SHOWN + 1]) if key else []
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(_("No unit of yours matches “%(text)s”.") % {"text": text})
    listed = "; ".join(f"{m} ({m.code})" for m in matches[:CANDIDATES_SHOWN])
    more = "…" if len(matches) > CANDIDATES_SHOWN else ""
    raise ValidationError(_("Several units match: %(units)s%(more)s. Type the code of the one you mean.") % {
        "units": listed, "more": more})


class UnitField(forms.CharField):
    """A text field naming a unit; the form resolves it with ``resolve_unit``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("help_text", gettext_lazy("Its code, or words of its name (diacritics optional)."))
        super().__init__(**kwargs)


class ReorganiseForm(forms.Form):
    effective = forms.DateField(label=gettext_lazy("Effective from"), widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=gettext_lazy("The first day of the new structure; the old units end the day before."))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("The decision and its number, e.g. Quyết định số 321-QĐ/TW."))

    def __init__(self, *args, user, unit: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.unit = user, unit

    def style(self) -> None:
        """Bootstrap classes on the controls, so the templates render fields generically."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            else:
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def _unit(self, name: str, required: bool = True) -> Organization | None:
        text = self.cleaned_data.get(name) or ""
        if not text.strip():
            if required:
                self.add_error(name, _("Name a unit."))
            return None
        try:
            return resolve_unit(self.user, text)
        except ValidationError as exc:
            self.add_error(name, exc)
            return None


class MergeForm(ReorganiseForm):
    """This unit and others merge into an existing unit or into a new one."""

    others = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units merged together with it"), required=False, queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    more = forms.CharField(label=gettext_lazy("Other units, by code"), required=False, max_length=1000,
                           help_text=gettext_lazy("Codes separated by commas, for units that are not its siblings."))
    mode = forms.ChoiceField(label=gettext_lazy("Merged into"), widget=forms.RadioSelect, initial="existing",
                             choices=[("existing", gettext_lazy("an existing unit")),
                                      ("new", gettext_lazy("a new unit"))])
    into = UnitField(label=gettext_lazy("Existing unit"), required=False)
    new_code = forms.CharField(label=gettext_lazy("Code of the new unit"), required=False, max_length=64)
    new_name = forms.CharField(label=gettext_lazy("Name of the new unit"), required=False, max_length=255)
    new_short_name = forms.CharField(label=gettext_lazy("Short name"), required=False, max_length=120)
    new_kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                                 choices=[("", "—")] + list(OrgKind.choices))
    new_parent = UnitField(label=gettext_lazy("The new unit sits under"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = Organization.objects.get_parent(self.unit)
        siblings = Organization.objects.none()
        if parent is not None:
            siblings = (organizations_in_scope(self.user, kinds=[RoleKind.ADMIN])
                        .filter(path__startswith=parent.path, depth=self.unit.depth, valid_to__isnull=True)
                        .exclude(pk=self.unit.pk).order_by("name"))
            self.fields["new_parent"].initial = parent.code
        self.fields["others"].queryset = siblings
        self.style()

    def clean(self):
        cleaned = super().clean()
        sources = [self.unit, *(cleaned.get("others") or [])]
        for code in [c.strip() for c in (cleaned.get("more") or "").replace(";", ",").split(",") if c.strip()]:
            try:
                unit = resolve_unit(self.user, code)
            except ValidationError as exc:
                self.add_error("more", exc)
                continue
            if unit.pk not in {s.pk for s in sources}:
                sources.append(unit)
        cleaned["sources"] = sources
        if cleaned.get("mode") == "new":
            cleaned["new_unit"] = NewUnit(code=cleaned.get("new_code") or "", name=cleaned.get("new_name") or "",
                                          kind=cleaned.get("new_kind") or "",
                                          short_name=cleaned.get("new_short_name") or "")
            cleaned["parent"] = self._unit("new_parent")
        else:
            cleaned["target"] = self._unit("into")
        return cleaned

    def plan_kwargs(self) -> dict:
        c = self.cleaned_data
        out = {"sources": c["sources"], "effective": c["effective"], "reason": c["reason"]}
        if c.get("mode") == "new":
            out.update(new_unit=c["new_unit"], new_parent=c.get("parent"))
        else:
            out["into"] = c.get("target")
        return out


class SplitForm(ReorganiseForm):
    """The unit ends; each of its children goes to one of up to four successor parts."""

    def __init__(self, *args, children: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.children = children
        for i in range(1, SPLIT_PARTS + 1):
            self.fields[f"part{i}_into"] = UnitField(label=_("Existing unit"), required=False)
            self.fields[f"part{i}_code"] = forms.CharField(label=_("Code of the new unit"), required=False, max_length=64)
            self.fields[f"part{i}_name"] = forms.CharField(label=_("Name of the new unit"), required=False, max_length=255)
            self.fields[f"part{i}_kind"] = forms.ChoiceField(label=_("Kind"), required=False,
                                                             choices=[("", "—")] + list(OrgKind.choices))
        choices = [("", "—")] + [(str(i), _("Part %(n)s") % {"n": i}) for i in range(1, SPLIT_PARTS + 1)]
        for child in children:
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(label=str(child), choices=choices, required=False)
        self.style()

    def part_rows(self) -> list[dict]:
        return [{"n": i, "into": self[f"part{i}_into"], "code": self[f"part{i}_code"], "name": self[f"part{i}_name"],
                 "kind": self[f"part{i}_kind"]} for i in range(1, SPLIT_PARTS + 1)]

    def child_rows(self) -> list:
        return [self[f"child_{c.pk}"] for c in self.children]

    def clean(self):
        cleaned = super().clean()
        parts: list[SplitPart] = []
        index: dict[int, SplitPart] = {}
        for i in range(1, SPLIT_PARTS + 1):
            has_new = any((cleaned.get(f"part{i}_{k}") or "").strip() for k in ("code", "name"))
            has_existing = bool((cleaned.get(f"part{i}_into") or "").strip())
            if has_existing and has_new:
                self.add_error(f"part{i}_into", _("Either an existing unit or a new one, not both."))
                continue
            if has_existing:
                target = self._unit(f"part{i}_into")
                if target is None:
                    continue
                part = SplitPart(children=[], target=target)
            elif has_new:
                part = SplitPart(children=[], new=NewUnit(code=cleaned.get(f"part{i}_code") or "",
                                                          name=cleaned.get(f"part{i}_name") or "",
                                                          kind=cleaned.get(f"part{i}_kind") or ""))
            else:
                continue
            index[i] = part
            parts.append(part)
        for child in self.children:
            chosen = cleaned.get(f"child_{child.pk}")
            if chosen and int(chosen) in index:
                index[int(chosen)].children.append(child)
            elif chosen:
                self.add_error(f"child_{child.pk}", _("Part %(n)s has no unit.") % {"n": chosen})
        cleaned["parts"] = parts
        return cleaned

    def plan_kwargs(self) -> dict:
        c = self.cleaned_data
        return {"unit": self.unit, "parts": c["parts"], "effective": c["effective"], "reason": c["reason"]}
