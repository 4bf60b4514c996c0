"""The one photo intake: only real JPEG/PNG bytes of at most MAX_PHOTO_BYTES are stored."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import deeds, files
from tests.bot.services.test_rounds_support import PNG


def _stored(media_dir) -> list[Path]:
    return list((Path(media_dir) / files.PRIVATE).glob("*")) if (Path(media_dir) / files.PRIVATE).exists() else []


def test_a_png_is_stored_once_by_content_hash(tmp_path):
    first = files.accept_photo(str(tmp_path), PNG)
    again = files.accept_photo(str(tmp_path), PNG)
    assert first == again and first["path"].endswith(".png") and len(_stored(tmp_path)) == 1


@pytest.mark.parametrize("data, code", [(b"not an image", "not_image"), (b"GIF89a" + b"\0" * 20, "not_image"),
                                        (PNG + b"\0" * files.MAX_PHOTO_BYTES, "too_large")])
def test_junk_or_too_big_is_refused_and_nothing_written(tmp_path, data, code):
    with pytest.raises(files.PhotoError) as err:
        files.accept_photo(str(tmp_path), data)
    assert err.value.code == code and _stored(tmp_path) == []


def test_the_deed_intake_keeps_its_deed_error():
    with pytest.raises(deeds.DeedError) as err:
        deeds.accept_photo("/nonexistent", b"not an image")
    assert err.value.code == "not_image"
