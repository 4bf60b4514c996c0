"""Invented demo data (no real people): bureaus, staff in every role, good deeds, this FY's rounds, invite codes.

Safe to run twice: rows are found by their natural keys (bureau code, LINE user id) and deeds are only added
for people who have none, so the tamper-evident ledger never gets duplicates.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from sqlmodel import Session, select

from models.core import Bureau, User, UserRole

BKK = timezone(timedelta(hours=7))

BUREAUS = (
    ("INNOV", "สำนักนวัตกรรมและข้อมูลโปร่งใส"),
    ("COMMU", "สำนักสื่อสารองค์กรสุจริต"),
    ("RESOU", "สำนักบริหารทรัพยากรพอเพียง"),
)

# key, full name, position, bureau code, extra roles
PEOPLE = (
    ("admin", "นายธนกร ศรีสุจริต", "นักวิชาการคอมพิวเตอร์ชำนาญการ", "INNOV", ("admin",)),
    ("committee1", "นางสาวพิมพ์ชนก ใจธรรม", "ผู้อำนวยการกลุ่มงานจริยธรรม", "COMMU", ("committee",)),
    ("committee2", "นายวีรยุทธ มั่นคุณธรรม", "นิติกรชำนาญการพิเศษ", "RESOU", ("committee",)),
    ("coord-innov", "นางกมลวรรณ รักษ์ดี", "เจ้าพนักงานธุรการชำนาญงาน", "INNOV", ("coordinator",)),
    ("coord-commu", "นายอนุชา พากเพียร", "นักประชาสัมพันธ์ชำนาญการ", "COMMU", ("coordinator",)),
    ("coord-resou", "นางสาวศศิธร อ่อนน้อม", "นักวิเคราะห์นโยบายและแผนชำนาญการ", "RESOU", ("coordinator",)),
    ("staff-innov-1", "นายภูมิพัฒน์ ทองสุข", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ", "INNOV", ()),
    ("staff-innov-2", "นางสาวชลธิชา ยิ้มแย้ม", "เจ้าพนักงานธุรการปฏิบัติงาน", "INNOV", ()),
    ("staff-commu-1", "นายกิตติศักดิ์ ดีงาม", "นักประชาสัมพันธ์ปฏิบัติการ", "COMMU", ()),
    ("staff-commu-2", "นางสาวปวีณา สายใจ", "บรรณารักษ์ปฏิบัติการ", "COMMU", ()),
    ("staff-resou-1", "นายณัฐวุฒิ พอใจ", "นักวิชาการเงินและบัญชีปฏิบัติการ", "RESOU", ()),
    ("staff-resou-2", "นางสาวอริสา บุญรักษา", "นักทรัพยากรบุคคลปฏิบัติการ", "RESOU", ()),
)

# (virtue, description): invented, everyday deeds
DEEDS = (
    ("volunteer", "ช่วยจัดเก็บหนังสือและทำความสะอาดห้องสมุดของสำนักหลังเลิกงาน"),
    ("sufficiency", "ปิดไฟและเครื่องปรับอากาศทุกครั้งช่วงพักกลางวัน ช่วยประหยัดพลังงาน"),
    ("honesty", "พบกระเป๋าสตางค์ตกอยู่ที่ลานจอดรถ จึงนำส่งเจ้าหน้าที่รักษาความปลอดภัยเพื่อคืนเจ้าของ"),
    ("discipline", "มาประชุมตรงเวลาและส่งรายงานประจำเดือนก่อนกำหนด"),
    ("gratitude", "ไปเยี่ยมและมอบของที่ระลึกแก่อดีตหัวหน้าที่เกษียณอายุราชการ"),
    ("volunteer", "ร่วมบริจาคโลหิตกับหน่วยรับบริจาคที่มาตั้งจุดหน้าอาคาร"),
    ("sufficiency", "นำกระดาษที่ใช้แล้วหน้าเดียวมาทำสมุดโน้ตใช้ในหน่วยงาน"),
    ("honesty", "แจ้งผู้บังคับบัญชาเมื่อพบว่าได้รับเงินค่าตอบแทนเกินสิทธิ์ และคืนเงินส่วนเกิน"),
    ("discipline", "แต่งกายถูกระเบียบและลงเวลาปฏิบัติงานด้วยตนเองทุกวัน"),
    ("gratitude", "ช่วยดูแลทำความสะอาดศาลพระภูมิและจัดดอกไม้ถวายในวันสำคัญ"),
)


# The activity register's demo rows: invented (our text of the plan stops before its activity tables), each
# name marked "(ตัวอย่าง)". code, name, measure, sub-measure, bureau codes, indicator, unit, target
ACTIVITIES = (
    ("1.1.1", "(ตัวอย่าง) ประชุมคณะทำงานขับเคลื่อนองค์กรคุณธรรม", "มาตรการที่ 1", "1.1", "INNOV",
     "จำนวนครั้งที่ประชุม", "ครั้ง", 4),
    ("1.1.2", "(ตัวอย่าง) ประกาศเจตนารมณ์องค์กรคุณธรรมของผู้บริหาร", "มาตรการที่ 1", "1.1", "COMMU",
     "ประกาศเผยแพร่", "ฉบับ", 1),
    ("1.2.1", "(ตัวอย่าง) ยกย่องบุคคลต้นแบบด้านคุณธรรมประจำไตรมาส", "มาตรการที่ 1", "1.2", "RESOU",
     "จำนวนบุคคลต้นแบบที่ได้รับการยกย่อง", "คน", 4),
    ("1.3.1", "(ตัวอย่าง) คลังความรู้ถอดบทเรียนความดีบนอินทราเน็ต", "มาตรการที่ 1", "1.3", "INNOV",
     "จำนวนเรื่องที่เผยแพร่", "เรื่อง", 12),
    ("1.4.1", "(ตัวอย่าง) อบรมประมวลจริยธรรมสำหรับบุคลากรใหม่", "มาตรการที่ 1", "1.4", "RESOU",
     "ร้อยละของบุคลากรใหม่ที่ผ่านการอบรม", "ร้อยละ", 90),
    ("2.1.1", "(ตัวอย่าง) รณรงค์ปิดไฟและเครื่องปรับอากาศช่วงพักกลางวัน", "มาตรการที่ 2", "2.1", "RESOU",
     "ร้อยละของพลังงานที่ลดลง", "ร้อยละ", 5),
    ("2.1.2", "(ตัวอย่าง) จิตอาสาทำความสะอาดพื้นที่รอบอาคาร", "มาตรการที่ 2", "2.1", "COMMU,INNOV",
     "จำนวนผู้เข้าร่วม", "คน", 60),
    ("2.1.3", "(ตัวอย่าง) ตรงเวลาทุกการประชุม", "มาตรการที่ 2", "2.1", "INNOV",
     "ร้อยละของการประชุมที่เริ่มตรงเวลา", "ร้อยละ", 80),
    ("2.2.1", "(ตัวอย่าง) ทำบุญตักบาตรเนื่องในวันสำคัญทางศาสนา", "มาตรการที่ 2", "2.2", "COMMU",
     "จำนวนครั้งที่จัด", "ครั้ง", 3),
    ("2.2.2", "(ตัวอย่าง) มุทิตาจิตผู้เกษียณอายุราชการ", "มาตรการที่ 2", "2.2", "RESOU",
     "จัดกิจกรรม", "ครั้ง", 1),
    ("3.1.1", "(ตัวอย่าง) เผยแพร่ประมวลจริยธรรมผ่านไลน์ประจำสัปดาห์", "มาตรการที่ 3", "3.1", "COMMU",
     "จำนวนครั้งที่เผยแพร่", "ครั้ง", 40),
    ("3.2.1", "(ตัวอย่าง) เปิดเผยข้อมูลการจัดซื้อจัดจ้างรายเดือน", "มาตรการที่ 3", "3.2", "INNOV",
     "จำนวนเดือนที่เผยแพร่ครบ", "เดือน", 12),
)


def fake_line_id(key: str) -> str:
    """Stable invented LINE user id: U + 32 hex digits (the same persona every run)."""
    return "U" + hashlib.md5(f"integrity-bot-demo:{key}".encode()).hexdigest()


def _bureaus(s: Session) -> dict[str, Bureau]:
    out = {}
    for code, name in BUREAUS:
        b = s.exec(select(Bureau).where(Bureau.code == code)).first()
        if b is None:
            b = Bureau(code=code, name=name)
            s.add(b)
            s.flush()
        out[code] = b
    return out


def _people(s: Session, bureaus: dict[str, Bureau], now: datetime) -> list[tuple[str, User, tuple]]:
    out = []
    for key, name, position, code, roles in PEOPLE:
        uid = fake_line_id(key)
        u = s.exec(select(User).where(User.line_user_id == uid)).first()
        if u is None:
            from messages_th.names import first_name, split_title
            title, plain = split_title(name)  # the title apart, as registration keeps it ("อนุมัตินายธนกร …")
            u = User(line_user_id=uid, display_name=first_name(plain) or name, title=title, full_name=plain,
                     position=position,
                     bureau_id=bureaus[code].id, status="registered", consent_at=now, registered_at=now,
                     created_at=now, updated_at=now)
            s.add(u)
            s.flush()
        for role in roles:
            bureau_id = bureaus[code].id if role == "coordinator" else None
            found = s.exec(select(UserRole).where(UserRole.user_id == u.id, UserRole.role == role)).first()
            if found is None:
                s.add(UserRole(user_id=u.id, role=role, bureau_id=bureau_id))
        s.flush()
        out.append((key, u, roles))
    return out


def _deeds(s: Session, people: list[tuple[str, User, tuple]], now: datetime) -> int:
    from bot.services.deeds import record_deed
    from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
    from models.deeds import Deed

    today = today_bkk(now)
    fy_start = fiscal_year_bounds(fiscal_year_be(today))[0]
    added = 0
    for n, (key, user, _roles) in enumerate(people):
        if s.exec(select(Deed.id).where(Deed.user_id == user.id).limit(1)).first() is not None:
            continue  # already seeded (or the person logged their own): never duplicate ledger entries
        count = 2 + n % 3
        for i in range(count):
            virtue, text = DEEDS[(n * 3 + i) % len(DEEDS)]
            day = max(fy_start, today - timedelta(days=(n * 5 + i * 11) % 50 + 1))
            at = datetime.combine(day, time(12, 0), BKK).astimezone(timezone.utc)
            if at > now:
                at = now
            record_deed(s, user, virtue, text, day, now=at, enforce_limits=False)
            added += 1
    return added


def _rounds(s: Session, now: datetime) -> list:
    from bot.services.rounds import open_fy
    from messages_th.dates import fiscal_year_be, today_bkk
    return open_fy(s, fiscal_year_be(today_bkk(now)))


def _activities(s: Session, bureaus: dict[str, Bureau], now: datetime) -> int:
    """The invented register for this FY, added once (codes it has are left alone)."""
    from messages_th.dates import fiscal_year_be, today_bkk
    from models.activities import Activity, ActivityBureau

    fy = fiscal_year_be(today_bkk(now))
    have = {a.code for a in s.exec(select(Activity).where(Activity.fy == fy))}
    n = 0
    for code, name, measure, sub, owners, indicator, unit, target in ACTIVITIES:
        if code in have:
            continue
        act = Activity(fy=fy, code=code, name=name, measure=measure, sub_measure=sub, indicator=indicator,
                       unit=unit, target=target, period=f"ต.ค. {fy - 1} – ก.ย. {fy}", created_at=now, updated_at=now)
        s.add(act)
        s.flush()
        for owner in owners.split(","):
            s.add(ActivityBureau(activity_id=act.id, bureau_id=bureaus[owner].id))
        n += 1
    return n


def _recognition(s: Session, now: datetime) -> int:
    """Issue 17's invented examples: nomination windows with example criteria, an ITA survey drive (a link
    to nowhere real), best practices in the library and one waiting; each service's own `seed_demo`, safe
    to run twice."""
    from bot.services import best_practice, nominations, survey
    windows = nominations.seed_demo(s, now)
    survey.seed_demo(s, now)
    best_practice.seed_demo(s, now)
    return len(windows)


def _invites(s: Session, bureaus: dict[str, Bureau], now: datetime) -> dict[str, str]:
    from bot.services.membership import create_invite
    from models.onboarding import InviteCode

    codes = {}
    for code, b in bureaus.items():
        inv = s.exec(select(InviteCode).where(InviteCode.bureau_id == b.id, InviteCode.created_by == "seed-demo",
                                              InviteCode.revoked.is_(False))).first()
        if inv is None or not inv.usable(now):
            inv = create_invite(s, b, now, created_by="seed-demo")
        codes[code] = inv.code
    return codes


def seed(s: Session, now: datetime | None = None, echo=print) -> dict:
    """Load the demo data into session `s` (the caller commits); returns what was made."""
    now = now or datetime.now(timezone.utc)
    bureaus = _bureaus(s)
    people = _people(s, bureaus, now)
    summary: dict = {"bureaus": len(bureaus), "people": len(people)}
    for name, step in (("deeds", lambda: _deeds(s, people, now)), ("rounds", lambda: _rounds(s, now)),
                       ("activities", lambda: _activities(s, bureaus, now)), ("invites", lambda: _invites(s, bureaus, now)),
                       ("recognition", lambda: _recognition(s, now))):
        summary[name] = step()
    _report(summary, bureaus, people, echo)
    return summary


def _report(summary: dict, bureaus: dict, people: list, echo) -> None:
    from messages_th.common import role_th
    from messages_th.names import person

    echo(f"demo data: {summary['bureaus']} bureaus, {summary['people']} people, "
         f"{summary.get('deeds', 0)} new deeds, {len(summary.get('rounds') or [])} rounds this FY, "
         f"{summary.get('activities', 0)} new example activities")
    invites = summary.get("invites") or {}
    if invites:
        echo("invite codes (also on the simulator page; type ลงทะเบียน in the chat, consent, then the code):")
        for code, b in bureaus.items():
            echo(f"  {invites.get(code, '-'):<10} {b.name} ({code})")
    echo("personas:")
    for key, user, roles in people:
        echo(f"  {user.line_user_id}  {role_th(roles[0] if roles else 'staff'):<22} {person(user.title, user.full_name)}")
