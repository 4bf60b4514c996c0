import io

import pytest
from PIL import Image, ImageDraw, ImageFilter, features

from messages_th import art

TILES = [
    {"label": "บันทึกความดี", "sub": "ทำดีวันนี้ บันทึกเลย", "emoji_or_icon": "heart", "color": "#0B6E4F"},
    {"label": "ความดีของฉัน", "sub": "ดูบันทึกของฉัน", "emoji_or_icon": "⭐", "color": "#1565C0"},
    {"label": "ปัญหาที่อยากแก้", "sub": "ความดีที่อยากทำ", "emoji_or_icon": "target", "color": "#C2185B"},
    {"label": "กิจกรรม", "sub": "กิจกรรมที่เปิดรับ", "emoji_or_icon": "megaphone", "color": "#D35400"},
    {"label": "อ่านหลักคุณธรรม", "sub": "คุณธรรม ๕ ประการ", "emoji_or_icon": "book", "color": "#6A1B9A"},
    {"label": "ช่วยเหลือ", "sub": "คำสั่งที่พิมพ์ได้", "emoji_or_icon": "question", "color": "#FFD54F"},
]


def _ink_top(text: str) -> int:
    im = Image.new("L", (400, 300), 0)
    ImageDraw.Draw(im).text((20, 80), text, font=art.font(100), fill=255)
    return im.getbbox()[1]


def test_font_is_shipped_with_license():
    for path in art.FONT_FILES.values():
        assert path.exists() and path.stat().st_size > 50_000
    assert (art.FONT_DIR / "OFL.txt").exists() and (art.FONT_DIR / "README.md").exists()
    assert art.font(40, bold=True).getname() == ("Sarabun", "Bold")


def test_raqm_shapes_thai():
    assert features.check("raqm"), "Pillow lacks raqm: install Debian's libfribidi0 (apt-get install -y libfribidi0)"
    # a tone mark over an upper vowel must stack above it, not collide with it
    assert _ink_top("ที่") < _ink_top("ที") - 10


def test_rich_menu_image_fits_line_limits():
    data = art.render_rich_menu(tiles=TILES)
    assert len(data) <= 1_000_000
    img = Image.open(io.BytesIO(data))
    assert img.size == (2500, 1686) and img.format in ("PNG", "JPEG")
    assert art.content_type(data) == f"image/{img.format.lower()}"


def test_rich_menu_with_tabs_and_areas():
    tabs = ["บุคลากร", "คณะกรรมการ"]
    data = art.render_rich_menu(size=(2500, 843), grid=(3, 1), tiles=TILES[:3], tabs=tabs, active_tab=1)
    assert len(data) <= 1_000_000 and Image.open(io.BytesIO(data)).size == (2500, 843)
    areas = art.menu_areas((2500, 843), (3, 1), tabs)
    assert len(areas) == 5
    assert sum(a["width"] * a["height"] for a in areas) == 2500 * 843      # the areas tile the image
    assert all(a["x"] + a["width"] <= 2500 and a["y"] + a["height"] <= 843 for a in areas)


@pytest.mark.parametrize("size, grid, n", [((2600, 1686), (3, 2), 6), ((2500, 1800), (3, 2), 6),
                                           ((2500, 1686), (3, 2), 7)])
def test_rich_menu_rejects_what_line_rejects(size, grid, n):
    with pytest.raises(ValueError):
        art.render_rich_menu(size=size, grid=grid, tiles=(TILES * 2)[:n])


def test_large_images_fall_back_to_jpeg_under_limit():
    noisy = Image.effect_noise((2500, 1686), 40).filter(ImageFilter.GaussianBlur(1)).convert("RGB")
    data = art.encode_image(noisy)
    assert data[:2] == b"\xff\xd8" and len(data) <= 1_000_000


def test_bar_chart_png():
    data = art.render_bar_chart("การมีส่วนร่วมรายสำนัก", [("สำนักการประชุม", 42), ("สำนักนโยบายและแผน", 0),
                                                          ("สำนักบริหารงานกลาง", 12.5)], subtitle="สัปดาห์นี้")
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.width == 1200 and img.height > 300
    empty = Image.open(io.BytesIO(art.render_bar_chart("ว่าง", [])))
    assert empty.width == 1200
