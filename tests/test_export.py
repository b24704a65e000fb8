"""The export format registry: names parsed from --format, writers called in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.export import FORMATS, parse_formats, write_formats
from scheduler.export.folder import Output


def test_registry_has_xlsx_and_png() -> None:
    """xlsx and png are registered."""
    assert {"xlsx", "png"} <= set(FORMATS)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("xlsx,png", ["xlsx", "png"]),
        (" PNG , xlsx,png", ["png", "xlsx"]),
        (("xlsx", "png,xlsx"), ["xlsx", "png"]),
        ("", []),
    ],
)
def test_parse_formats(text: str | tuple[str, ...], names: list[str]) -> None:
    """Comma-separated names, any case, repeats dropped, order kept."""
    assert parse_formats(text) == names


def test_parse_formats_names_the_unknown_one() -> None:
    """An unknown name is an error naming it and the known formats."""
    with pytest.raises(ValueError, match=r"unknown format 'pdf'; expected one of xlsx, png"):
        parse_formats("xlsx,pdf")


def test_write_formats_calls_each_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chosen writer gets the output and the folder; the files come back in order."""
    calls = []

    def fake(name: str) -> object:
        def write(output: Output, folder: Path) -> list[Path]:
            calls.append((name, output, folder))
            return [folder / name]

        return write

    monkeypatch.setitem(FORMATS, "xlsx", fake("xlsx"))
    monkeypatch.setitem(FORMATS, "png", fake("png"))
    output = object()
    written = write_formats(output, tmp_path, ["png", "xlsx"])  # type: ignore[arg-type]
    assert written == [tmp_path / "png", tmp_path / "xlsx"]
    assert calls == [("png", output, tmp_path), ("xlsx", output, tmp_path)]
