"""The menu, one table for both faces: rich-menu tiles (images drawn by `bot/richmenu.py`) and the typed
"เมนู" quick replies (LINE for PC shows no rich menu). Postback actions match what the flows register."""
from __future__ import annotations

from messages_th.common import HELP_WORD, MENU_WORD, REGISTER_WORD, msg_action, pb, quick_reply, role_th, text

HELP_WORDS = (HELP_WORD, "help", "วิธีใช้")  # typed words for the keyword list (handlers/help.py)
MENU_WORDS = (MENU_WORD, "menu")              # typed words for the quick-reply menu

# key -> (label ≤ 20, sub-label, icon, postback action or "text:<keyword>", colour)
ACTIONS: dict[str, tuple[str, str, str, str, str]] = {
    "deed": ("บันทึกความดี", "ทำดีวันนี้ บันทึกเลย", "pencil", "deed.start", "#0B6E4F"),
    "mine": ("ความดีของฉัน", "ดูบันทึกสะสมของตนเอง", "star", "deeds.mine", "#1565C0"),
    # the plan's words (not the old coinage "พันธะ", which still works typed: messages_th/pledge.py)
    "pledge": ("ความดีที่อยากทำ", "ปัญหาที่อยากแก้ / ความดีที่อยากทำ", "target", "pledge.view", "#C2185B"),
    "campaigns": ("กิจกรรม", "กิจกรรมที่เปิดรับ", "megaphone", "text:กิจกรรม", "#D35400"),
    "reference": ("หลักคุณธรรม", "คุณธรรม ๕ ประการ และอื่น ๆ", "book", "ref.menu", "#6A1B9A"),
    "profile": ("ข้อมูลส่วนตัว", "ชื่อ ตำแหน่ง สำนัก", "user", "profile.show", "#00838F"),
    "report": ("รายงานรอบ", "ส่งรายงานของสำนัก", "clipboard", "report.start", "#0B6E4F"),
    "status": ("สถานะรายงาน", "รายงานที่ส่งแล้ว / ค้างส่ง", "check", "report.status", "#1565C0"),
    "bureau": ("ความดีของสำนัก", "ภาพรวมของสำนัก", "people", "deeds.bureau", "#C2185B"),
    "digest": ("สรุปประจำสัปดาห์", "การมีส่วนร่วมทุกสำนัก", "chart", "digest.show", "#0B6E4F"),
    "campaign_new": ("สร้างกิจกรรม", "ประกาศกิจกรรมใหม่", "flag", "text:สร้างกิจกรรม", "#D35400"),
    "admin": ("ผู้ดูแลระบบ", "รหัสเชิญ อนุมัติ บทบาท", "gear", "admin.menu", "#374151"),
    "console": ("แดชบอร์ด", "ดูภาพรวมบนเว็บ", "monitor", "text:แดชบอร์ด", "#00838F"),  # handlers/console.py
    # issue 17: best practices, the library, nominations, the committee's queue, the ITA survey
    "bp": ("ถอดบทเรียน", "แบ่งปันบทเรียนความดี", "pencil", "text:ถอดบทเรียน", "#6A1B9A"),
    "library": ("แหล่งเรียนรู้", "ถอดบทเรียนที่ผ่านการพิจารณา", "book", "text:แหล่งเรียนรู้", "#6A1B9A"),
    "nominate": ("เสนอชื่อ", "ผู้มีคุณธรรมจริยธรรมดีเด่น", "trophy", "text:เสนอชื่อ", "#D35400"),
    "review": ("พิจารณา", "ถอดบทเรียน / การเสนอชื่อ", "check", "text:พิจารณา", "#D35400"),
    "survey": ("แบบสำรวจ ITA", "ตอบแบบสำรวจของสำนักงาน", "list", "text:แบบสำรวจ ITA", "#1565C0"),
    "register": ("ลงทะเบียน", "ใช้รหัสเชิญของสำนัก", "card", f"text:{REGISTER_WORD}", "#0B6E4F"),
    "help": ("วิธีใช้", "คำที่พิมพ์สั่งงานได้", "question", "text:ช่วยเหลือ", "#1565C0"),
}
STAFF = ("deed", "mine", "pledge", "campaigns", "reference", "profile")
# menu key -> pages: (tab label, tile keys); a second page becomes a tab reached by a richmenuswitch
MENUS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "staff": (("บุคลากร", STAFF),),
    "coordinator": (("บุคลากร", STAFF),
                    ("ผู้ประสานงานสำนัก", ("report", "status", "bureau", "pledge", "nominate", "console"))),
    "committee": (("บุคลากร", STAFF),
                  ("คณะกรรมการ", ("digest", "campaign_new", "status", "bureau", "reference", "console"))),
    # LINE's default menu: whoever has no menu of their own (not registered yet, erased, refused) sees it.
    "guest": (("ผู้มาใหม่", ("register", "reference", "help")),),
}
GUEST = "guest"
# menu key -> (image size, grid); others are 2500 x 1686 in 3 x 2. The guest menu is LINE's compact size.
SHAPES = {"guest": ((2500, 843), (3, 1))}
QUICK = {
    "staff": (*STAFF, "bp", "library", "survey"),
    "coordinator": ("report", "status", "bureau", "nominate", "console", *STAFF),
    "committee": ("digest", "campaign_new", "status", "review", "bureau", "console", *STAFF),
    "admin": ("admin", "console", "digest", "campaign_new", "status", "bureau", *STAFF),  # 12: LINE's 13 with help
    "guest": ("register", "reference", "help"),
}
CHAT_BAR = "เมนู"


def tiles(keys) -> list[dict]:
    """Tile dicts for `messages_th.art.render_rich_menu`."""
    return [{"label": ACTIONS[k][0], "sub": ACTIONS[k][1], "icon": ACTIONS[k][2], "color": ACTIONS[k][4]}
            for k in keys]


def action_of(key: str) -> dict:
    """The LINE action of a menu entry: a postback (`bot.conversation.postback` data) or typing a keyword."""
    label, _, _, action, _ = ACTIONS[key]
    if action.startswith("text:"):
        return msg_action(label, action[5:])
    return pb(label, action, display_text=label)


def menu_message(role: str | None) -> dict:
    """The menu as quick replies for a role; None (not registered) gets register + reference only."""
    if role is None:
        return text("ยังไม่ได้ลงทะเบียนครับ เลือกได้เลย:\n• ลงทะเบียน – ใช้รหัสเชิญของสำนัก หรือขออนุมัติจากผู้ดูแล\n"
                    "• อ่านหลักคุณธรรม – อ่านได้ทันทีโดยไม่ต้องลงทะเบียน",
                    quick_reply([("ลงทะเบียน", msg_action("ลงทะเบียน", REGISTER_WORD)),
                                 ("อ่านหลักคุณธรรม", pb("อ่านหลักคุณธรรม", "ref.menu"))]))
    keys = QUICK.get(role, STAFF)
    items = [(ACTIONS[k][0], action_of(k)) for k in keys][:12]
    items.append(("ช่วยเหลือ", msg_action("ช่วยเหลือ", "ช่วยเหลือ")))
    lines = [f"เมนูสำหรับ{role_th(role)} แตะเลือกด้านล่าง หรือพิมพ์ชื่อรายการได้เลยครับ"]
    lines += [f"• {ACTIONS[k][0]} – {ACTIONS[k][1]}" for k in keys]
    return text("\n".join(lines), quick_reply(items))

