"""Browser: an admin records a new cadre and their post; the meeting form then offers that
person as chair on a day they are in post. axe-core on every page of the way, laptop and phone."""
from __future__ import annotations

import re

import pytest

from meetings.models import Meeting, ParticipantRole
from organizations.models import Organization, Position
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def check_axe(page, name: str) -> None:
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page) == [], f"{name} at {width}px"


def test_admin_adds_a_person_and_the_meeting_form_offers_them_as_chair(page, live_server, demo, artifacts):
    khoi = Organization.objects.get(code="HCM-KDCD")
    login(page, live_server, "quantri.hcm")
    page.goto(f"{live_server.url}/to-chuc/{khoi.pk}/")
    assert page.get_by_role("heading", name="Numbering per term").is_visible()
    check_axe(page, "unit page with the numbering panel")
    page.get_by_role("link", name="Cadres and positions").click()
    check_axe(page, "people of the unit")

    page.get_by_role("link", name="Add a person or a position").click()
    page.get_by_label("Find someone already recorded").fill("nguyen thi thu nghiem")
    page.get_by_role("search", name="Find a person").get_by_role("button", name="Search").click()
    assert page.get_by_role("status").inner_text().startswith("Nobody recorded matches")
    check_axe(page, "add a person")
    page.get_by_label("Full name of a new person").fill("Nguyễn Thị Thử Nghiệm")
    page.get_by_role("combobox", name=re.compile("^Position")).select_option(label="Secretary")
    page.get_by_label("Position as written").fill("Bí thư Đảng ủy Khối Dân - Chính - Đảng")
    page.get_by_label("From").fill("01/07/2018")
    page.get_by_role("button", name="Save the position").click()
    page.wait_for_url(f"**/to-chuc/{khoi.pk}/can-bo/")
    assert page.get_by_role("cell", name="Nguyễn Thị Thử Nghiệm", exact=True).is_visible()
    position = Position.objects.get(person__full_name="Nguyễn Thị Thử Nghiệm")
    assert position.organization == khoi

    page.goto(f"{live_server.url}/bao-cao/hoi-nghi/moi/")
    page.get_by_label("Organisation").select_option(str(khoi.pk))
    page.get_by_label("Kind of meeting").select_option("plenum")
    page.get_by_label("Title").fill("Hội nghị Ban Chấp hành quý III/2018")
    page.get_by_label("Date").fill("14/09/2018")
    page.get_by_role("button", name="Show the people in post").click()
    chair = page.get_by_label("Chair", exact=True)
    chair.select_option(label="Nguyễn Thị Thử Nghiệm — Bí thư Đảng ủy Khối Dân - Chính - Đảng")
    assert page.get_by_label("Title").input_value() == "Hội nghị Ban Chấp hành quý III/2018"  # kept on redraw
    page.get_by_label("Other participants (guests)").fill("Lê Văn Khách, Phó Bí thư Thành ủy")
    page.screenshot(path=str(artifacts / "meeting-form-chair.png"), full_page=True)
    check_axe(page, "meeting form with the people in post")
    page.get_by_role("button", name="Save the meeting").click()
    page.wait_for_url("**/bao-cao/moi/?meeting=*")
    meeting = Meeting.objects.get(title="Hội nghị Ban Chấp hành quý III/2018")
    chair_row = meeting.participants.get(role=ParticipantRole.CHAIR)
    assert chair_row.position == position and chair_row.person.full_name == "Nguyễn Thị Thử Nghiệm"
    assert meeting.participants.filter(role=ParticipantRole.GUEST, person__full_name="Lê Văn Khách").exists()
