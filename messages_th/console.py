"""Chat side of the secretariat console: the one-time sign-in link card and its refusals."""
from __future__ import annotations

from messages_th import flex as fx
from messages_th.common import role_th, text

KW_CONSOLE = "แดชบอร์ด"
ALIASES = ("คอนโซล", "dashboard", "console")


def link_card(url: str, role: str) -> dict:
    """The button opens the console signed in; the link is single-use and short-lived, so it is not shown as
    text (a forwarded screenshot or a copied message does not carry it)."""
    body = [fx.txt(f"เข้าสู่คอนโซลในบทบาท{role_th(role)}", "md", "bold"),
            fx.txt("แตะปุ่มด้านล่างเพื่อเปิดแดชบอร์ดในเบราว์เซอร์ ลิงก์ใช้ได้ครั้งเดียว ภายใน 10 นาที "
                   "อย่าส่งต่อให้ผู้อื่น", "sm"),
            fx.txt("ต้องการเปิดบนคอมพิวเตอร์: แตะปุ่มแล้วเลือก \"เปิดในเบราว์เซอร์อื่น\" "
                   "หรือพิมพ์ แดชบอร์ด บน LINE สำหรับคอมพิวเตอร์", "xs", color=fx.MUTED)]
    button = fx.button("เปิดแดชบอร์ด", {"type": "uri", "uri": url})
    return fx.flex("ลิงก์เข้าสู่แดชบอร์ด (ใช้ได้ครั้งเดียว ภายใน 10 นาที)",
                   fx.bubble("แดชบอร์ด", body, [button]))


def staff_refusal() -> dict:
    return text("แดชบอร์ดบนเว็บสำหรับผู้ประสานงานสำนัก คณะกรรมการจริยธรรม และผู้ดูแลระบบครับ\n"
                "บันทึกความดีและรายงานของท่านดูได้ในแชตนี้ที่เมนู \"ความดีของฉัน\"")
