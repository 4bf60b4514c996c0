"""LINE rich menu endpoints: menus, images (api-data), per-user links, default menu, aliases."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from . import validate
from .errors import bad_request
from .shared import get_state, json_body, line_api_guard

richmenu = Blueprint("line_richmenu", __name__)
richmenu.before_request(line_api_guard)


def _menus():
    return get_state().richmenus


@richmenu.post("/v2/bot/richmenu")
def create():
    body = json_body()
    validate.check("richmenu", body)
    return jsonify({"richMenuId": _menus().create(body)})


@richmenu.get("/v2/bot/richmenu/list")
def list_menus():
    return jsonify({"richmenus": _menus().list()})


@richmenu.get("/v2/bot/richmenu/<menu_id>")
def get_menu(menu_id):
    return jsonify(_menus().get(menu_id))


@richmenu.delete("/v2/bot/richmenu/<menu_id>")
def delete_menu(menu_id):
    _menus().delete(menu_id)
    return jsonify({})


@richmenu.post("/v2/bot/richmenu/<menu_id>/content")
def upload_image(menu_id):
    menu = _menus().get(menu_id)  # 404 before looking at the image
    data = request.get_data(cache=False)
    ctype = validate.check_richmenu_image(data, request.content_type, menu["size"])
    _menus().set_image(menu_id, data, ctype)
    return jsonify({})


@richmenu.get("/v2/bot/richmenu/<menu_id>/content")
def download_image(menu_id):
    data, ctype = _menus().image(menu_id)
    return Response(data, mimetype=ctype)


@richmenu.post("/v2/bot/user/<user_id>/richmenu/<menu_id>")
def link(user_id, menu_id):
    _menus().link(user_id, menu_id)
    return jsonify({})


def _bulk_body(component: str) -> dict:
    body = json_body()
    details = validate.schema_errors(component, body)
    if details:
        raise bad_request(details)
    return body


@richmenu.post("/v2/bot/richmenu/bulk/link")
def bulk_link():
    body = _bulk_body("RichMenuBulkLinkRequest")
    menus = _menus()
    menus.get(body["richMenuId"])  # 404 for an unknown menu, as LINE answers
    for user_id in body["userIds"]:
        menus.link(user_id, body["richMenuId"])  # LINE does this after answering; the sandbox at once
    return jsonify({}), 202


@richmenu.post("/v2/bot/richmenu/bulk/unlink")
def bulk_unlink():
    body = _bulk_body("RichMenuBulkUnlinkRequest")
    for user_id in body["userIds"]:
        _menus().unlink(user_id)
    return jsonify({}), 202


@richmenu.delete("/v2/bot/user/<user_id>/richmenu")
def unlink(user_id):
    _menus().unlink(user_id)
    return jsonify({})


@richmenu.get("/v2/bot/user/<user_id>/richmenu")
def linked(user_id):
    return jsonify({"richMenuId": _menus().linked(user_id)})


@richmenu.post("/v2/bot/user/all/richmenu/<menu_id>")
def set_default(menu_id):
    _menus().set_default(menu_id)
    return jsonify({})


@richmenu.get("/v2/bot/user/all/richmenu")
def get_default():
    return jsonify({"richMenuId": _menus().get_default()})


@richmenu.delete("/v2/bot/user/all/richmenu")
def clear_default():
    _menus().set_default(None)
    return jsonify({})


@richmenu.post("/v2/bot/richmenu/alias")
def alias_create():
    body = json_body()
    validate.check("alias_create", body)
    _menus().alias_create(body["richMenuAliasId"], body["richMenuId"])
    return jsonify({})


@richmenu.get("/v2/bot/richmenu/alias/list")
def alias_list():
    return jsonify({"aliases": _menus().alias_list()})


@richmenu.post("/v2/bot/richmenu/alias/<alias_id>")
def alias_update(alias_id):
    body = json_body()
    validate.check("alias_update", body)
    _menus().alias_update(alias_id, body["richMenuId"])
    return jsonify({})


@richmenu.get("/v2/bot/richmenu/alias/<alias_id>")
def alias_get(alias_id):
    return jsonify(_menus().alias(alias_id))


@richmenu.delete("/v2/bot/richmenu/alias/<alias_id>")
def alias_delete(alias_id):
    _menus().alias_delete(alias_id)
    return jsonify({})
