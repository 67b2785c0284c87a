"""A clinic's logo is untrusted: it stays inside its folder, is bounded before it is decoded,
prints upright in every colour mode, and is no larger in the PDF than its print needs."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

import backpain_content as bc
from backpain_content.logo import MAX_PIXELS, UNUSABLE
from command import run_cli

pytestmark = pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")


def _png(
    path: Path, size: tuple[int, int] = (60, 20), mode: str = "RGB", colour: object = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, colour if colour is not None else (29, 92, 135)).save(path)
    return path


def _clinic(folder: Path, logo: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "clinic.toml"
    path.write_text(f'name = "North Physio"\nlogo = "{logo}"\n', encoding="utf-8")
    return path


def _refused(clinic: Path, **kwargs: object) -> str:
    with pytest.raises(bc.ContentError) as caught:
        bc.load_clinic(clinic, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


# Paths


def test_a_logo_beside_or_below_the_clinic_file_loads(tmp_path: Path) -> None:
    _png(tmp_path / "north" / "art" / "logo.png")
    clinic = bc.load_clinic(_clinic(tmp_path / "north", "art/logo.png"))
    assert clinic.logo == (tmp_path / "north" / "art" / "logo.png").resolve()


@pytest.mark.parametrize("kind", ["parent", "absolute", "symlink", "symlinked folder"])
def test_a_logo_outside_the_clinic_folder_is_refused(tmp_path: Path, kind: str) -> None:
    other = _png(tmp_path / "other-clinic" / "logo.png")
    north = tmp_path / "north"
    north.mkdir()
    if kind == "parent":
        value = "../other-clinic/logo.png"
    elif kind == "absolute":
        value = str(other)
    elif kind == "symlink":
        (north / "logo.png").symlink_to(other)
        value = "logo.png"
    else:
        (north / "art").symlink_to(other.parent, target_is_directory=True)
        value = "art/logo.png"
    clinic = _clinic(north, value)
    assert _refused(clinic) == f"{clinic}: logo: {UNUSABLE}"


def test_existing_and_missing_paths_outside_get_the_same_message(tmp_path: Path) -> None:
    _png(tmp_path / "secret" / "exists.png")
    north = tmp_path / "north"
    messages = {
        _refused(_clinic(north, f"../secret/{name}")).replace(str(north), "")
        for name in ("exists.png", "missing.png")
    }
    (north / "not-an-image.png").write_text("hello")
    messages.add(_refused(_clinic(north, "not-an-image.png")).replace(str(north), ""))
    messages.add(_refused(_clinic(north, "missing.png")).replace(str(north), ""))
    assert len(messages) == 1


def test_a_root_chosen_by_the_caller_allows_a_shared_logo(tmp_path: Path) -> None:
    shared = _png(tmp_path / "group" / "shared" / "logo.png")
    clinic = _clinic(tmp_path / "group" / "north", "../shared/logo.png")
    _refused(clinic)
    loaded = bc.load_clinic(clinic, logo_root=tmp_path / "group")
    assert loaded.logo == shared.resolve()
    assert _refused(clinic, logo_root=tmp_path / "group" / "north")


def test_the_logo_path_is_fixed_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _png(tmp_path / "north" / "logo.png")
    clinic = bc.load_clinic(_clinic(tmp_path / "north", "logo.png"))
    monkeypatch.chdir(tmp_path)
    assert clinic.logo is not None
    assert clinic.logo.is_absolute()
    assert bc.render_pdf(bc.load_article(), clinic=clinic).startswith(b"%PDF")


# Bounds


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    """13000 x 13000 pixels of one colour: a few hundred kilobytes of PNG, 500 MB decoded."""
    bomb = tmp_path / "north" / "logo.png"
    bomb.parent.mkdir()
    Image.new("1", (13000, 13000)).save(bomb)
    assert bomb.stat().st_size < 1_000_000
    clinic = _clinic(tmp_path / "north", "logo.png")
    start = time.monotonic()
    result = run_cli(
        "export", "--format", "pdf", "--clinic", str(clinic), "--out", str(tmp_path / "out")
    )
    took = time.monotonic() - start
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.endswith(
        f"clinic.toml: logo: has 13000 x 13000 pixels; at most {MAX_PIXELS // 10**6} million are read"
    )
    assert not (tmp_path / "out").exists()
    assert took < 10


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 3 GB file (sparse: it takes no disk) that starts like a PNG."""
    huge = tmp_path / "north" / "logo.png"
    huge.parent.mkdir()
    with huge.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(3 * 2**30)
    start = time.monotonic()
    message = _refused(_clinic(tmp_path / "north", "logo.png"))
    assert time.monotonic() - start < 1
    assert message.endswith("logo: is larger than 20 MB; use a smaller image")


def _embedded_images(pdf: bytes) -> list[Image.Image]:
    images = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            images.append(image.image)
    return images


def test_a_big_photo_is_downscaled_to_what_its_print_needs(tmp_path: Path) -> None:
    photo = tmp_path / "north" / "logo.jpg"
    photo.parent.mkdir()
    noise = Image.effect_noise((4000, 3000), 80).convert("RGB")
    noise.save(photo, quality=95)
    assert photo.stat().st_size > 3_000_000
    clinic = bc.load_clinic(_clinic(tmp_path / "north", "logo.jpg"))
    pdf = bc.render_pdf(bc.load_article(), clinic=clinic)
    [image, *_] = _embedded_images(pdf)
    assert max(image.size) <= 1200
    assert len(pdf) < 3_000_000


# Colour modes and orientation


def _logo_file(folder: Path, mode: str) -> Path:
    """A 64 x 32 logo in `mode`, dark blue-grey on its left half and white on the right."""
    folder.mkdir(parents=True, exist_ok=True)
    rgb = Image.new("RGB", (64, 32), "white")
    rgb.paste((40, 60, 90), (0, 0, 32, 32))
    if mode == "I;16":
        grey = Image.new("I;16", (64, 32), 65535)
        grey.paste(40 * 257, (0, 0, 32, 32))
        path = folder / "logo.png"
        grey.save(path)
        return path
    if mode == "CMYK-jpeg":
        path = folder / "logo.jpg"
        rgb.convert("CMYK").save(path, quality=95)
        return path
    if mode == "L-jpeg":
        path = folder / "logo.jpg"
        rgb.convert("L").save(path, quality=95)
        return path
    image = rgb.convert(mode) if mode != "P-transparent" else rgb.convert("P")
    path = folder / "logo.png"
    if mode == "P-transparent":
        image.save(path, transparency=0)
    else:
        image.save(path)
    return path


MODES = ["1", "L", "LA", "P", "P-transparent", "RGB", "RGBA", "I;16", "CMYK-jpeg", "L-jpeg"]


@pytest.mark.parametrize("mode", MODES)
def test_every_colour_mode_prints_dark_where_the_logo_is_dark(tmp_path: Path, mode: str) -> None:
    logo = _logo_file(tmp_path / "north", mode)
    clinic = bc.load_clinic(_clinic(tmp_path / "north", logo.name))
    pdf = bc.render_pdf(bc.load_article(), clinic=clinic)
    [image, *_] = _embedded_images(pdf)
    grey = image.convert("L")
    left = grey.getpixel((grey.width // 8, grey.height // 2))
    right = grey.getpixel((grey.width * 7 // 8, grey.height // 2))
    assert isinstance(left, int)
    assert isinstance(right, int)
    if mode != "P-transparent":  # its transparent colour is the dark one
        assert left < 128, (mode, left)
    assert right > 200, (mode, right)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    """Stored 80 x 40 with EXIF orientation 6 (turn 90° clockwise to view): 40 x 80 upright."""
    folder = tmp_path / "north"
    folder.mkdir()
    stored = Image.new("RGB", (80, 40), "white")
    stored.paste((0, 0, 0), (0, 0, 40, 40))  # dark on the stored left: on top once turned
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(folder / "logo.jpg", exif=exif, quality=95)
    clinic = bc.load_clinic(_clinic(folder, "logo.jpg"))
    [image, *_] = _embedded_images(bc.render_pdf(bc.load_article(), clinic=clinic))
    assert image.size == (40, 80)
    grey = image.convert("L")
    assert grey.getpixel((20, 10)) < 128  # the top is dark
    assert grey.getpixel((20, 70)) > 200  # the bottom is white


def test_a_changed_logo_file_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "north"
    _png(folder / "logo.png", colour=(0, 0, 0))
    clinic = bc.load_clinic(_clinic(folder, "logo.png"))
    first = bc.render_pdf(bc.load_article(), clinic=clinic)
    _png(folder / "logo.png", size=(90, 30), colour=(200, 0, 0))
    os.utime(folder / "logo.png", ns=(time.time_ns() + 10**9,) * 2)
    assert bc.render_pdf(bc.load_article(), clinic=clinic) != first
