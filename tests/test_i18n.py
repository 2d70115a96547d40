"""Vietnamese by default, English complete: both catalogs translate every message."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry of a .po file (plural forms joined)."""
    import re

    text = po.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        if "msgid" not in block:
            continue
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block

        def collect(key: str, block: str = block) -> str:
            out, on = [], False
            for line in block.splitlines():
                if re.match(rf"^{key}(\[\d+\])? ", line):
                    on = True
                    out.append(line.split(" ", 1)[1].strip().strip('"'))
                elif on and line.startswith('"'):
                    out.append(line.strip().strip('"'))
                elif on:
                    on = False
            return "".join(out)
        entries.append((collect("msgid"), collect("msgstr"), fuzzy))
    return entries


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalog_is_complete(lang):
    po = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"missing catalog {po}"
    entries = [e for e in _entries(po) if e[0]]
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert (po.with_suffix(".mo")).exists()


def test_catalogs_cover_every_message_in_the_code(tmp_path):
    """makemessages finds no msgid that the committed Vietnamese catalog lacks."""
    import shutil

    if shutil.which("xgettext") is None:
        pytest.skip("gettext is not installed")
    committed = {msgid for msgid, _s, _f in _entries(ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po")}
    work = tmp_path / "proj"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", ".git", "var", "staticfiles", "node_modules",
                                                              "test-artifacts", "*.mo"))
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "makemessages", "-l", "vi", "--ignore=.venv/*",
                    "--ignore=static/*", "--ignore=tests/*", "-v0"], cwd=work, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"})
    fresh = {msgid for msgid, _s, _f in _entries(work / "locale" / "vi" / "LC_MESSAGES" / "django.po")}
    missing = sorted(fresh - committed)
    assert missing == [], f"messages not in the catalog (run `make messages`): {missing[:10]}"


@pytest.mark.vietnamese
@pytest.mark.django_db
def test_pages_render_in_vietnamese_by_default(client):
    response = client.get("/dang-nhap/")
    page = response.content.decode()
    assert '<html lang="vi"' in page
    assert "Đăng nhập" in page


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"}, follow=True)
    assert '<html lang="en"' in response.content.decode()
