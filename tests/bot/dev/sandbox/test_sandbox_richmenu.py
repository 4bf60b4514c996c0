"""Rich menus: create, image rules (Pillow-made images), links, default, aliases, control views."""
from __future__ import annotations

import os

import pytest

U1 = "U" + "1" * 32


def menu_body(width=2500, height=843):
    return {"size": {"width": width, "height": height}, "selected": True, "name": "staff",
            "chatBarText": "เมนู", "areas": [{"bounds": {"x": 0, "y": 0, "width": width, "height": height},
                                              "action": {"type": "richmenuswitch", "richMenuAliasId": "tab-b",
                                                         "data": "tab=b"}}]}


def create(api, width=2500, height=843):
    r = api.post("/v2/bot/richmenu", json=menu_body(width, height))
    assert r.status_code == 200, r.get_json()
    menu_id = r.get_json()["richMenuId"]
    assert menu_id.startswith("richmenu-")
    return menu_id


def upload(api, menu_id, data, ctype):
    return api.post(f"/v2/bot/richmenu/{menu_id}/content", data=data, headers={"Content-Type": ctype})


def test_image_png_and_jpeg_accepted(api, image_bytes):
    a, b = create(api), create(api)
    assert upload(api, a, image_bytes(2500, 843), "image/png").status_code == 200
    assert upload(api, b, image_bytes(2500, 843, "JPEG"), "image/jpeg").status_code == 200
    got = api.get(f"/v2/bot/richmenu/{a}/content")
    assert got.status_code == 200 and got.mimetype == "image/png" and got.data.startswith(b"\x89PNG")


def test_image_rules(api, image_bytes):
    menu_id = create(api)
    assert upload(api, menu_id, image_bytes(2500, 843, "GIF"), "image/gif").status_code == 415
    assert upload(api, menu_id, image_bytes(2500, 843, "JPEG"), "image/png").status_code == 400  # magic bytes
    assert upload(api, menu_id, image_bytes(2500, 844), "image/png").status_code == 400  # size mismatch
    assert upload(api, menu_id, b"\x89PNG\r\n\x1a\n" + b"junk", "image/png").status_code == 400
    assert upload(api, menu_id, image_bytes(2500, 843), "image/png").status_code == 200
    assert upload(api, menu_id, image_bytes(2500, 843), "image/png").status_code == 400  # never replaced


def test_image_over_1mb_rejected(api):
    from PIL import Image
    import io
    menu_id = create(api, 1200, 810)
    noise = Image.frombytes("RGB", (1200, 810), os.urandom(1200 * 810 * 3))
    buf = io.BytesIO()
    noise.save(buf, "PNG")
    assert len(buf.getvalue()) > 1024 * 1024
    assert upload(api, menu_id, buf.getvalue(), "image/png").status_code == 413


def test_link_default_list_delete(api, image_bytes):
    menu_id = create(api)
    assert api.post(f"/v2/bot/user/{U1}/richmenu/{menu_id}").status_code == 400  # no image yet
    upload(api, menu_id, image_bytes(2500, 843), "image/png")
    assert api.get(f"/v2/bot/user/{U1}/richmenu").status_code == 404
    assert api.post(f"/v2/bot/user/{U1}/richmenu/{menu_id}").status_code == 200
    assert api.get(f"/v2/bot/user/{U1}/richmenu").get_json() == {"richMenuId": menu_id}
    assert api.post("/v2/bot/user/all/richmenu/" + menu_id).status_code == 200
    assert api.get("/v2/bot/user/all/richmenu").get_json() == {"richMenuId": menu_id}
    listed = api.get("/v2/bot/richmenu/list").get_json()["richmenus"]
    assert [m["richMenuId"] for m in listed] == [menu_id] and listed[0]["chatBarText"] == "เมนู"
    assert api.get(f"/v2/bot/richmenu/{menu_id}").get_json()["size"] == {"width": 2500, "height": 843}
    assert api.delete(f"/v2/bot/user/{U1}/richmenu").status_code == 200
    assert api.delete("/v2/bot/user/all/richmenu").status_code == 200
    assert api.get("/v2/bot/user/all/richmenu").status_code == 404
    assert api.delete(f"/v2/bot/richmenu/{menu_id}").status_code == 200
    assert api.get(f"/v2/bot/richmenu/{menu_id}").status_code == 404
    assert api.post(f"/v2/bot/user/{U1}/richmenu/richmenu-missing").status_code == 404


def test_aliases(api, image_bytes):
    a, b = create(api), create(api)
    for m in (a, b):
        upload(api, m, image_bytes(2500, 843), "image/png")
    assert api.post("/v2/bot/richmenu/alias", json={"richMenuAliasId": "tab-a", "richMenuId": a}).status_code == 200
    assert api.post("/v2/bot/richmenu/alias", json={"richMenuAliasId": "tab-a", "richMenuId": b}).status_code == 400
    assert api.post("/v2/bot/richmenu/alias", json={"richMenuAliasId": "Bad Id", "richMenuId": b}).status_code == 400
    assert api.post("/v2/bot/richmenu/alias/tab-a", json={"richMenuId": b}).status_code == 200
    assert api.get("/v2/bot/richmenu/alias/tab-a").get_json() == {"richMenuAliasId": "tab-a", "richMenuId": b}
    assert api.get("/v2/bot/richmenu/alias/list").get_json() == {
        "aliases": [{"richMenuAliasId": "tab-a", "richMenuId": b}]}
    assert api.delete("/v2/bot/richmenu/alias/tab-a").status_code == 200
    assert api.get("/v2/bot/richmenu/alias/tab-a").status_code == 404


def test_control_view_of_users_menu(api, image_bytes):
    client = api.raw
    assert client.get(f"/_sandbox/richmenu/user/{U1}").get_json()["richMenu"] is None
    default, personal = create(api), create(api)
    for m in (default, personal):
        upload(api, m, image_bytes(2500, 843), "image/png")
    api.post(f"/v2/bot/user/all/richmenu/{default}")
    view = client.get(f"/_sandbox/richmenu/user/{U1}").get_json()
    assert (view["richMenuId"], view["source"]) == (default, "default")
    api.post(f"/v2/bot/user/{U1}/richmenu/{personal}")
    view = client.get(f"/_sandbox/richmenu/user/{U1}").get_json()
    assert (view["richMenuId"], view["source"]) == (personal, "user")
    assert view["richMenu"]["areas"][0]["action"]["type"] == "richmenuswitch"
    image = client.get(view["imageUrl"])
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("size", [(2500, 1686), (1200, 810), (800, 540)])
def test_standard_sizes_round_trip(api, image_bytes, size):
    menu_id = create(api, *size)
    assert upload(api, menu_id, image_bytes(*size, "JPEG"), "image/jpeg").status_code == 200
