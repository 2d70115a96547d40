"""The meeting form: the meeting itself, and who took part in it.

The chair and participants are chosen among the posts held at the meeting's organisation on
its day (``organizations.people.people_in_post``, passed in as ``posts``); anyone else is
typed as the minutes name them. The form binds and checks; ``services.meeting_create`` writes.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, Term
from organizations.text import clean_line

from .forms import DATE_INPUT, NFCFormMixin, OrganizationChoiceField, StyledFormMixin
from .models import MeetingKind, ParticipantRole, meeting_date_error
from .services import ParticipantInput

NOT_IN_POST = _("This person is not in post at this organisation on this date: "
                "press “Show the people in post” and choose again.")
#: Guests typed on one form: enough for any meeting's minutes, bounded for the database.
MAX_GUESTS = 50


class MeetingForm(NFCFormMixin, StyledFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    sequence = forms.IntegerField(label=_("Sequence number in the term"), min_value=1, required=False,
                                  help_text=_("For numbered meetings such as “Hội nghị lần thứ 14”."))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, required=False)
    expected_attendance = forms.IntegerField(label=_("Expected attendance"), min_value=0, required=False)
    # Who took part: the people in post at the organisation on the meeting's day (``posts``),
    # and anyone else as the minutes name them.
    chair = forms.ChoiceField(label=_("Chair"), required=False,
                              error_messages={"invalid_choice": NOT_IN_POST})
    chair_other = forms.CharField(label=_("Chair not in the list"), required=False, max_length=500,
                                  help_text=_("Full name, then a comma and the position as written — "
                                              "e.g. a leader of the committee above."))
    participants = forms.MultipleChoiceField(label=_("Participants in post"), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"invalid_choice": NOT_IN_POST})
    guests = forms.CharField(label=_("Other participants (guests)"), required=False, max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One per line: full name, then a comma and the position as written."))

    #: Fields of the meeting itself (the rest say who took part).
    MEETING_FIELDS = ("organization", "kind", "title", "date", "term", "sequence", "place", "attendance",
                      "expected_attendance")

    def __init__(self, *args, organizations=None, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        qs = organizations if organizations is not None else Organization.objects.none()
        self.fields["organization"].queryset = qs.order_by("path")
        self.fields["term"].queryset = Term.objects.filter(organization__in=qs).select_related("organization")
        self.posts = {str(p.pk): p for p in posts}
        choices = [(key, _post_label(p)) for key, p in self.posts.items()]
        self.fields["chair"].choices = [("", gettext("— not recorded —"))] + choices
        self.fields["participants"].choices = choices
        self.fields["participants"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        error = meeting_date_error(cleaned.get("date"))
        if error:
            self.add_error("date", error)
        if cleaned.get("chair") and cleaned.get("chair_other"):
            self.add_error("chair_other", _("Choose the chair from the list or type one, not both."))
        cleaned["guest_rows"] = self._guest_rows(cleaned.get("guests") or "")
        return cleaned

    def _guest_rows(self, text: str) -> list[tuple[str, str]]:
        rows = [_name_and_label(line) for line in text.splitlines() if line.strip()]
        if len(rows) > MAX_GUESTS:
            self.add_error("guests", _("At most %(n)s guests: list the others in the report.") % {"n": MAX_GUESTS})
        if any(len(name) > 200 or len(label) > 300 for name, label in rows):
            self.add_error("guests", _("A name has at most 200 characters, a position 300."))
        return rows

    def meeting_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MEETING_FIELDS}

    def participant_inputs(self) -> list[ParticipantInput]:
        """Who took part, for the service: the chair, the people in post ticked, the guests."""
        data, out, seen = self.cleaned_data, [], set()
        if data.get("chair"):
            post = self.posts[data["chair"]]
            out.append(ParticipantInput(person_id=post.person_id, role=ParticipantRole.CHAIR, position_id=post.pk))
            seen.add(post.person_id)
        elif data.get("chair_other"):
            name, label = _name_and_label(data["chair_other"])
            out.append(ParticipantInput(person_id=None, role=ParticipantRole.CHAIR, full_name=name,
                                        position_label=label))
        for key in data.get("participants") or []:
            post = self.posts[key]
            if post.person_id in seen:  # the chair, or a second post of someone already listed
                continue
            seen.add(post.person_id)
            out.append(ParticipantInput(person_id=post.person_id, role=ParticipantRole.ATTENDEE, position_id=post.pk))
        for name, label in data.get("guest_rows") or []:
            out.append(ParticipantInput(person_id=None, role=ParticipantRole.GUEST, full_name=name,
                                        position_label=label))
        return out


def _post_label(post) -> str:
    return f"{post.person.full_name} — {post.label or post.get_title_display()}"


def _name_and_label(line: str) -> tuple[str, str]:
    """"Nguyễn Văn A, Bí thư Đảng ủy phường" → the name and the position as written."""
    name, _sep, label = line.partition(",")
    return clean_line(name), clean_line(label)
