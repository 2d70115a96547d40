"""Project-wide promises: migrations complete, deploy checks clean, compose file valid, admin usable."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_migrations_are_complete():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", ALLOWED_HOSTS="theodoi.example.vn",
               SECRET_KEY="deploy-check-" + "k9Xq" * 16,
               DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/rtracker",
               REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15")
    proc = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false",
               DATABASE_URL="postgres://postgres@127.0.0.1:5432/rtracker")
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert "SECRET_KEY must be set" in proc.stderr


def test_compose_file_describes_the_deployment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    images = {services[n].get("image") for n in ("web", "worker", "beat")}
    assert images == {"resolution-tracker:latest"}, "web, worker and beat reuse one image"
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


@pytest.mark.skipif(shutil.which("docker-compose") is None and not os.environ.get("CI"),
                    reason="Debian's docker-compose is not installed (.ci/run installs it)")
def test_compose_file_validates_with_docker_compose():
    env = dict(os.environ, POSTGRES_PASSWORD="x", SECRET_KEY="x")
    proc = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config", "-q"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def _admin_urls(obj_by_model, request) -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):  # django-axes' records, for one, are never added by hand
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = obj_by_model.get(model)
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return urls


@pytest.fixture
def demo(db):
    call_command("load_demo", "--force", stdout=io.StringIO())


@pytest.mark.django_db
def test_every_admin_page_renders_for_an_operator(client, demo):
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    operator = get_user_model().objects.get(username="vanhanh")
    client.force_login(operator)
    request = RequestFactory().get("/")
    request.user = operator
    objs = {model: model.objects.order_by("pk").last() for model in admin.site._registry}
    for url in _admin_urls(objs, request):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_org_admin_sees_only_their_subtree_in_admin(client, demo):
    from django.contrib.auth import get_user_model

    from organizations.models import Organization

    client.force_login(get_user_model().objects.get(username="quantri.hcm"))
    response = client.get(reverse("admin:organizations_organization_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đảng bộ Thành phố Hồ Chí Minh" in page, "the admin's own unit is the top of their tree"
    assert "Hà Nội" not in page
    hcm = Organization.objects.get(code="HCM")
    children = client.get(reverse("admin:organizations_organization_changelist") + f"children/{hcm.pk}/").json()
    assert "Đảng bộ Khối Dân - Chính - Đảng" in children["result_html"]
    hanoi = Organization.objects.get(code="HN-KCQ")
    assert client.get(reverse("admin:organizations_organization_change", args=[hanoi.pk])).status_code in (302, 403, 404)
    search = client.get(reverse("admin:organizations_organization_changelist"), {"q": "so tai nguyen va moi truong"})
    assert "Sở Tài nguyên và Môi trường" in search.content.decode()
    # The register is shared for reading.
    assert client.get(reverse("admin:resolutions_directive_changelist"), {"kind__exact": "CT"}).status_code == 200


@pytest.mark.django_db
def test_staff_without_admin_role_cannot_open_admin(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="canbo.khoi"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
