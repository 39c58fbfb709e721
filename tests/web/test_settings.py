"""Settings are parsed strictly: every spelling of "no" keeps the data private, and a value
that is neither yes nor no stops the start with a message naming the variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stackline.config import SettingError, settings_from_environment
from stackline.web import create_app

NO = ["false", "False", "FALSE", "0", "no", "No", "off", "OFF", " off "]
YES = ["true", "True", "1", "yes", "YES", "on", "On"]


@pytest.mark.parametrize("spelling", NO)
def test_every_spelling_of_no_makes_reads_private(
    spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKLINE_PUBLIC_READ", spelling)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    )
    try:
        client = app.test_client()
        assert client.get("/").status_code == 302
        assert client.get("/api/v1/stack").status_code == 401
    finally:
        app.extensions["stackline.database"].dispose()


@pytest.mark.parametrize("spelling", YES)
def test_every_spelling_of_yes_is_read_as_true(spelling: str) -> None:
    assert settings_from_environment({"STACKLINE_PUBLIC_READ": spelling})["PUBLIC_READ"] is True


@pytest.mark.parametrize("value", ["Flase", "", "2", "nope", "true-ish"])
def test_anything_else_stops_the_app_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingError, match="STACKLINE_PUBLIC_READ"):
        settings_from_environment({"STACKLINE_PUBLIC_READ": value})


def test_a_bad_lock_timeout_is_refused_in_words() -> None:
    with pytest.raises(SettingError, match=r"STACKLINE_LOCK_TIMEOUT=.*seconds"):
        settings_from_environment({"STACKLINE_LOCK_TIMEOUT": "forever"})


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("REQUEST_TIMEOUT", "slow", "seconds"),
        ("REQUEST_TIMEOUT", "0", "seconds"),
        ("IDLE_TIMEOUT", "-5", "seconds"),
        ("IDLE_TIMEOUT", "1e9", "seconds"),
        ("MAX_CONNECTIONS", "many", "positive whole number"),
        ("MAX_CONNECTIONS", "0", "positive whole number"),
    ],
)
def test_the_server_limits_are_refused_in_words_when_they_cannot_be_used(
    name: str, value: str, said: str
) -> None:
    with pytest.raises(SettingError, match=rf"STACKLINE_{name}=.*{said}"):
        settings_from_environment({f"STACKLINE_{name}": value})


def test_the_server_limits_are_read_as_numbers() -> None:
    read = settings_from_environment(
        {
            "STACKLINE_REQUEST_TIMEOUT": "12.5",
            "STACKLINE_IDLE_TIMEOUT": "30",
            "STACKLINE_MAX_CONNECTIONS": "250",
        }
    )
    assert (read["REQUEST_TIMEOUT"], read["IDLE_TIMEOUT"], read["MAX_CONNECTIONS"]) == (
        12.5,
        30,
        250,
    )


def test_settings_given_in_code_are_checked_too(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="PUBLIC_READ"):
        create_app({"TESTING": True, "PUBLIC_READ": "maybe"})


def test_the_command_line_refuses_a_bad_setting_before_doing_anything(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "stackline", "init"],
        cwd=tmp_path,
        env={"STACKLINE_PUBLIC_READ": "Flase", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "STACKLINE_PUBLIC_READ='Flase' is not a boolean" in done.stderr
    assert not (tmp_path / "stackline.db").exists()
