"""Project settings: ``versus.yaml`` at the project root, every field defaulted."""

from __future__ import annotations

import dataclasses

import pytest

from versus.errors import Problems, SettingsError
from versus.settings import Settings, load_settings


def settings_file(tmp_path, data: str | bytes):
    """Write ``versus.yaml`` into the project ``tmp_path``."""
    path = tmp_path / "versus.yaml"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def settings_errors(tmp_path, data: str | bytes) -> list[SettingsError]:
    """The errors ``load_settings`` raises for a settings file holding ``data``."""
    settings_file(tmp_path, data)
    with pytest.raises(Problems) as caught:
        load_settings(tmp_path)
    errors = caught.value.errors
    assert errors, "Problems raised without any error"
    assert all(isinstance(error, SettingsError) for error in errors)
    assert all(error.path == str(tmp_path / "versus.yaml") for error in errors)
    return errors


def only(errors):
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def test_defaults_when_there_is_no_settings_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings == Settings()
    assert settings.site_name == "Versus"
    assert settings.paper == "A4"
    assert settings.lang == "en"
    assert settings.tagline == ""  # the theme's, in each handout's language
    assert settings.author == ""
    assert settings.disclaimer is None  # likewise


@pytest.mark.parametrize("data", ["", "# only a comment\n", b"\xef\xbb\xbf"])
def test_an_empty_settings_file_means_defaults(tmp_path, data):
    settings_file(tmp_path, data)
    assert load_settings(tmp_path) == Settings()


def test_values_are_read_and_paper_is_normalized(tmp_path):
    settings_file(tmp_path, "site_name: Handouts\npaper: letter\nlang: de-AT\n"
                            "tagline: Pick one\nauthor: Ada\ndisclaimer: ''\n")
    assert load_settings(tmp_path) == Settings(
        site_name="Handouts", paper="Letter", lang="de-AT", tagline="Pick one",
        author="Ada", disclaimer="")


def test_a_bom_and_crlf_are_accepted(tmp_path):
    settings_file(tmp_path, b"\xef\xbb\xbfsite_name: Handouts\r\npaper: A5\r\n")
    settings = load_settings(tmp_path)
    assert (settings.site_name, settings.paper) == ("Handouts", "A5")


def test_unknown_setting_with_a_hint(tmp_path):
    error = only(settings_errors(tmp_path, "site_name: X\npapr: A4\n"))
    assert error.message == "unknown setting 'papr'; did you mean 'paper'?"
    assert (error.line, error.column) == (2, 1)


def test_unknown_setting_without_a_close_match(tmp_path):
    error = only(settings_errors(tmp_path, "zzz: 1\n"))
    assert error.message == "unknown setting 'zzz'"


def test_bad_paper(tmp_path):
    error = only(settings_errors(tmp_path, "paper: B5\n"))
    assert error.message == "paper must be one of A4, Letter, A5, not 'B5'"
    assert (error.line, error.column) == (1, 8)


@pytest.mark.parametrize("lang", ["english!", "e", "en_GB", "''"])
def test_bad_lang(tmp_path, lang):
    error = only(settings_errors(tmp_path, f"lang: {lang}\n"))
    assert error.message.startswith("lang must be a language tag such as 'en'")


@pytest.mark.parametrize("line, kind", [("site_name: 3", "int"), ("paper: [A4]", "list"),
                                        ("author: true", "bool"),
                                        ("tagline: {a: b}", "dict")])
def test_settings_must_be_text(tmp_path, line, kind):
    name = line.split(":")[0]
    error = only(settings_errors(tmp_path, line + "\n"))
    assert error.message == f"'{name}' must be text, not {kind}"


def test_all_problems_are_reported_together(tmp_path):
    errors = settings_errors(tmp_path, "paper: B5\nlang: 'english!'\nsite_name: 3\n"
                                       "colour: red\nauthor: Ada\n")
    assert [(error.line, error.message.split(" ")[0]) for error in errors] == [
        (1, "paper"), (2, "lang"), (3, "'site_name'"), (4, "unknown")]


def test_settings_must_be_a_mapping(tmp_path):
    error = only(settings_errors(tmp_path, "- paper\n- lang\n"))
    assert error.message == "settings must be a mapping of names to values"


def test_invalid_yaml_is_a_settings_error_with_its_position(tmp_path):
    error = only(settings_errors(tmp_path, "site_name: X\nlang: a: b\n"))
    assert error.message.startswith("invalid YAML")
    assert (error.line, error.column) == (2, 8)


def test_duplicate_setting_is_rejected(tmp_path):
    error = only(settings_errors(tmp_path, "site_name: A\nsite_name: B\n"))
    assert error.message == "duplicate key 'site_name'"
    assert error.line == 2


def test_non_utf8_settings_name_the_byte(tmp_path):
    error = only(settings_errors(tmp_path, b"site_name: Caf\xe9\n"))
    assert "UTF-8" in error.message and "(byte 14)" in error.message


def test_replace_normalizes_paper_and_ignores_none():
    settings = Settings()
    assert settings.replace(paper="letter").paper == "Letter"
    assert settings.replace(paper=None, lang=None) == settings
    with pytest.raises(ValueError, match="paper must be one of A4, Letter, A5"):
        settings.replace(paper="B5")


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().paper = "A5"
