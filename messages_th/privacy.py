"""Thai texts of the privacy corner: everything held about a user (export) and erasing it (PDPA)."""
from __future__ import annotations

from messages_th.common import clip, pb, text
from messages_th.dates import thai_date
from messages_th.flex import bubble, button, flex, txt
from messages_th.onboarding import ERASE_WORD, EXPORT_WORD  # noqa: F401 - the keywords, for handlers/privacy.py

EXPORT_FIELDS = (("line_user_id", "LINE user ID"), ("display_name", "ชื่อใน LINE"), ("title", "คำนำหน้าชื่อ"),
                 ("full_name", "ชื่อ-นามสกุล"),
                 ("position", "ตำแหน่ง"), ("bureau", "สำนัก"), ("status", "สถานะ"), ("consent_at", "ให้ความยินยอมเมื่อ"))
# `User.status` values (models.enums.UserStatus) in the words a user reads; an unknown value shows as it is
USER_STATUS_TH = {"new": "ผู้ใช้ใหม่ (ยังไม่ลงทะเบียน)", "consented": "ให้ความยินยอมแล้ว ยังลงทะเบียนไม่เสร็จ",
                  "pending_approval": "รอผู้ดูแลระบบอนุมัติ", "registered": "ลงทะเบียนแล้ว",
                  "refused": "ไม่ยินยอมให้เก็บข้อมูล", "erased": "ลบข้อมูลแล้ว"}


def recognition_lines(rec: dict | None) -> list[str]:
    """What the recognition tables hold (issue 17): best practices written, nominations of and by the person,
    scores given, "ตอบแล้ว" taps of the ITA survey. Titles are clipped; long lists say how many more."""
    if not rec:
        return []
    out = []

    def listed(head: str, items: list[str], most: int = 5) -> None:
        if items:
            out.append(f"{head} {len(items)} รายการ")
            out.extend(f"  - {clip(i, 80)}" for i in items[:most])
            if len(items) > most:
                out.append(f"  - … และอีก {len(items) - most} รายการ")

    listed("• การถอดบทเรียนที่เขียน", [f"{r['title'] or '(ยังไม่ตั้งชื่อ)'} ({BP_STATUS_TH.get(r['status'], r['status'])})"
                                      for r in rec.get("best_practices", [])])
    listed("• การพิจารณาถอดบทเรียนของผู้อื่น", [r["title"] for r in rec.get("best_practice_reviews", [])])
    listed("• การเสนอชื่อท่าน", [f"ปีงบประมาณ {r['fy']} ({NOMINATION_STATUS_TH.get(r['status'], r['status'])})"
                               for r in rec.get("nominated", [])])
    listed("• การเสนอชื่อที่ท่านเป็นผู้เสนอ", [f"ปีงบประมาณ {r['fy']}" for r in rec.get("nominations_made", [])])
    if rec.get("scores_given"):
        out.append(f"• คะแนนที่ท่านให้การเสนอชื่อ {len(rec['scores_given'])} รายการ")
    if rec.get("announcement_opt_in"):
        out.append("• ขอรับประกาศผลการคัดเลือก: รับ")
    listed("• แบบสำรวจ ITA ที่แจ้งว่าตอบแล้ว", [r["title"] for r in rec.get("survey_answered", [])])
    listed("• แบบสำรวจ ITA ที่ท่านตั้งค่า", [r["title"] for r in rec.get("survey_drives_created", [])])
    return (["\nงานยกย่องเชิดชูและแหล่งเรียนรู้"] + out) if out else []


BP_STATUS_TH = {"draft": "ร่าง", "submitted": "รอพิจารณา", "returned": "ส่งกลับให้แก้", "approved": "เผยแพร่แล้ว"}
NOMINATION_STATUS_TH = {"draft": "ร่าง", "awaiting_consent": "รอความยินยอม", "submitted": "เสนอคณะกรรมการแล้ว",
                        "declined": "ไม่ยินยอม", "withdrawn": "ถอนแล้ว"}


def export_messages(profile: dict, roles: list[str], counts: list[tuple[str, int]],
                    deeds: list[str], limit: int = 4500, recognition: dict | None = None) -> list[dict]:
    """Everything held about the user, as at most 5 texts; a long deed list is cut with a summary line."""
    profile = {**profile, "status": USER_STATUS_TH.get(profile.get("status"), profile.get("status"))}
    head = ["📄 ข้อมูลของท่านที่ระบบเก็บไว้", *(f"• {label}: {profile.get(key) or '-'}" for key, label in EXPORT_FIELDS),
            "• บทบาท: " + (", ".join(roles) or "-")]
    total = sum(n for _, n in counts)
    head += [f"\nบันทึกความดีทั้งหมด {total} รายการ", *(f"• {v}: {n}" for v, n in counts)]
    head += recognition_lines(recognition)
    out, cur = [text("\n".join(head))], []
    for i, line in enumerate(deeds):
        if sum(len(x) + 1 for x in cur) + len(line) > limit:
            if len(out) == 4:
                cur.append(f"… และอีก {len(deeds) - i} รายการ (แสดงเฉพาะล่าสุด)")
                break
            out.append(text("\n".join(cur)))
            cur = []
        cur.append(clip(line, 400))
    if cur:
        out.append(text("\n".join(cur)))
    return out[:5]


def deed_line(d, virtue: str, description: str, photos: int) -> str:
    return f"{thai_date(d)} [{virtue}] {clip(description, 300)}" + (f" (รูป {photos})" if photos else "")


def erase_confirm() -> dict:
    # what bot/services/privacy.py erase_user really does (README "Privacy"): keep the two in step
    card = bubble("⚠️ ลบข้อมูลส่วนบุคคล", [txt("ระบบจะลบชื่อ ตำแหน่ง บทบาท LINE ID ข้อความที่ท่านเคยส่งและที่ระบบตอบ "
                                                "รายละเอียดบันทึกความดี และรูปทุกรูปที่ท่านส่ง (รวมรูปในรายงานของสำนัก"
                                                "และรายการที่ยังไม่บันทึก) เหลือเพียงจำนวนรวมแบบไม่ระบุตัวตน "
                                                "ลบแล้วกู้คืนไม่ได้", "sm"),
                                            txt("คำตอบในรายงาน และปัญหาที่อยากแก้ ความดีที่อยากทำ ที่ท่านกรอก"
                                                "แทนสำนัก ยังคงเป็นของสำนัก", "xs", color="#6B7280")],
                  [button("ยืนยันลบข้อมูล", pb("ยืนยันลบข้อมูล", "privacy.erase", display_text="ยืนยันลบข้อมูล"),
                          color="#B91C1C"),
                   button("ไม่ลบ", pb("ไม่ลบ", "privacy.keep", display_text="ไม่ลบ"), "secondary")])
    return flex("ยืนยันการลบข้อมูลส่วนบุคคล (ลบแล้วกู้คืนไม่ได้)", card)


def erased() -> dict:
    return text("ลบข้อมูลส่วนบุคคลของท่านเรียบร้อยแล้วครับ 🙏 หากต้องการใช้งานอีก พิมพ์ \"ลงทะเบียน\" เพื่อเริ่มใหม่")


def erase_kept() -> dict:
    return text("ไม่ได้ลบข้อมูลครับ ข้อมูลของท่านยังอยู่ครบ")
