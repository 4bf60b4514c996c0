"""Rich menus, their images, per-user links, the default menu and aliases (in memory)."""
from __future__ import annotations

import secrets
import threading

from .errors import ApiError

_FIELDS = ("size", "selected", "name", "chatBarText", "areas")


def _not_found(what: str) -> ApiError:
    return ApiError(404, f"Not found: {what}")


class RichMenuStore:
    def __init__(self):
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.menus: dict[str, dict] = {}
            self.images: dict[str, tuple[bytes, str]] = {}
            self.links: dict[str, str] = {}
            self.default: str | None = None
            self.aliases: dict[str, str] = {}

    def create(self, body: dict) -> str:
        menu_id = "richmenu-" + secrets.token_hex(16)
        with self._lock:
            self.menus[menu_id] = {"richMenuId": menu_id, **{k: body[k] for k in _FIELDS if k in body}}
        return menu_id

    def get(self, menu_id: str) -> dict:
        with self._lock:
            if menu_id not in self.menus:
                raise _not_found("richmenu")
            return self.menus[menu_id]

    def list(self) -> list[dict]:
        with self._lock:
            return list(self.menus.values())

    def delete(self, menu_id: str) -> None:
        with self._lock:
            self.get(menu_id)
            del self.menus[menu_id]
            self.images.pop(menu_id, None)
            self.links = {u: m for u, m in self.links.items() if m != menu_id}
            self.aliases = {a: m for a, m in self.aliases.items() if m != menu_id}
            if self.default == menu_id:
                self.default = None

    def set_image(self, menu_id: str, data: bytes, content_type: str) -> None:
        with self._lock:
            self.get(menu_id)
            if menu_id in self.images:  # LINE never replaces an uploaded image
                raise ApiError(400, "An image has already been uploaded to the richmenu")
            self.images[menu_id] = (data, content_type)

    def image(self, menu_id: str) -> tuple[bytes, str]:
        with self._lock:
            if menu_id not in self.images:
                raise _not_found("richmenu image")
            return self.images[menu_id]

    def _usable(self, menu_id: str) -> None:
        self.get(menu_id)
        if menu_id not in self.images:
            raise ApiError(400, "must upload richmenu image before applying it to user")

    def link(self, user_id: str, menu_id: str) -> None:
        with self._lock:
            self._usable(menu_id)
            self.links[user_id] = menu_id

    def unlink(self, user_id: str) -> None:
        with self._lock:
            self.links.pop(user_id, None)

    def linked(self, user_id: str) -> str:
        with self._lock:
            if user_id not in self.links:
                raise _not_found("the user has no richmenu")
            return self.links[user_id]

    def set_default(self, menu_id: str | None) -> None:
        with self._lock:
            if menu_id is not None:
                self._usable(menu_id)
            self.default = menu_id

    def get_default(self) -> str:
        with self._lock:
            if self.default is None:
                raise _not_found("no default richmenu")
            return self.default

    def effective(self, user_id: str) -> str | None:
        """What the user sees: their linked menu, else the default."""
        with self._lock:
            return self.links.get(user_id) or self.default

    def alias_create(self, alias_id: str, menu_id: str) -> None:
        with self._lock:
            if alias_id in self.aliases:
                raise ApiError(400, "conflict richmenu alias id")
            self._alias_target(menu_id)
            self.aliases[alias_id] = menu_id

    def alias_update(self, alias_id: str, menu_id: str) -> None:
        with self._lock:
            self.alias(alias_id)
            self._alias_target(menu_id)
            self.aliases[alias_id] = menu_id

    def _alias_target(self, menu_id: str) -> None:
        if menu_id not in self.menus:
            raise ApiError(400, "richmenu not found")
        if menu_id not in self.images:
            raise ApiError(400, "must upload richmenu image before creating an alias")

    def alias(self, alias_id: str) -> dict:
        with self._lock:
            if alias_id not in self.aliases:
                raise _not_found("richmenu alias")
            return {"richMenuAliasId": alias_id, "richMenuId": self.aliases[alias_id]}

    def alias_delete(self, alias_id: str) -> None:
        with self._lock:
            self.alias(alias_id)
            del self.aliases[alias_id]

    def alias_list(self) -> list[dict]:
        with self._lock:
            return [{"richMenuAliasId": a, "richMenuId": m} for a, m in self.aliases.items()]
