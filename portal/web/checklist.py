"""Choosing several people (or units): a searchable list of checkboxes instead of a multi-select
that needs Ctrl-click. One field class, used for round members, ad-hoc team members and
assignment coordinators.

The filter box (accent-insensitive, like the other searches) is what the field's <label> points
at; portal.js filters the list as one types, Enter ticks the only match, ↓ moves into the list.
Without JavaScript it is a plain list of checkboxes.
"""
from markupsafe import Markup, escape
from wtforms import SelectMultipleField


class CheckListWidget:
    def __call__(self, field, **kwargs):
        fid = kwargs.pop("id", None) or field.id
        kwargs.pop("size", None)
        invalid = kwargs.pop("aria-invalid", kwargs.pop("aria_invalid", False))
        described = kwargs.pop("aria-describedby", kwargs.pop("aria_describedby", False))
        hint_id = f"{fid}-how"
        describedby = " ".join(x for x in (hint_id, described) if x)
        label = escape(field.label.text)
        items = []
        for i, (value, text, selected, _render_kw) in enumerate(field.iter_choices()):
            cid = f"{fid}-{i}"
            items.append(
                f'<li><input type="checkbox" id="{cid}" name="{escape(field.name)}" value="{escape(value)}"'
                f'{" checked" if selected else ""}> <label for="{cid}">{escape(text)}</label></li>')
        chosen = sum(1 for c in field.iter_choices() if c[2])
        invalid_attr = ' aria-invalid="true"' if invalid else ""
        return Markup(
            f'<div class="checklist" data-checklist>'
            f'<input type="search" id="{fid}" class="checklist-search" autocomplete="off" '
            f'placeholder="Gõ tên để lọc…" aria-controls="{fid}-list" aria-describedby="{describedby}"'
            f'{invalid_attr}>'
            f'<small class="hint" id="{hint_id}">Gõ để lọc (không cần dấu), rồi đánh dấu từng người; '
            f'<span class="checklist-count" aria-live="polite">đã chọn {chosen}</span>.</small>'
            f'<div class="checklist-items" id="{fid}-list" role="group" aria-label="{label}"><ul>{"".join(items)}</ul></div>'
            f'<p class="checklist-none muted" hidden>Không có mục nào khớp.</p>'
            f'</div>')


class CheckListField(SelectMultipleField):
    widget = CheckListWidget()
