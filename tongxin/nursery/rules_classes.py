"""Age packages and parent classes (N-05, N-06), pure: the seeded activities of the 0–1 and 1–3 packages (written
after 托育机构保育指导大纲（试行）2021, its seven domains and its age stages 7–12, 13–24 and 25–36 months), which
activities suit a class, the week a day falls in, and a class's figures."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import AgeBand
from .rules import AGES

# Office-set numbers, with their defaults.
PLAN_WEEKS_AHEAD = 4          # how far ahead a class's week plan may be drawn
PLAN_PER_DAY = 6              # activities a class does at most on a day
CANCEL_BEFORE_HOURS = 2       # a parent may cancel a seat until this long before the class
FEEDBACK_DAYS = 30            # a parent may rate a class they attended within this many days


@dataclass(frozen=True)
class Default:
    code: str
    package: str
    domain: str
    name: str
    min_months: int
    max_months: int
    minutes: int
    carer_does: str


_I, _T = AgeBand.UNDER_ONE, AgeBand.ONE_TO_THREE
DEFAULT_ACTIVITIES: tuple[Default, ...] = (
    # 0–1: the senses and the parent-child (carer-child) bond
    Default("I-FEED-1", _I, "feeding", "回应式喂养", 6, 12, 20,
            "观察饥饱信号（张嘴、转头、推开），不强迫进食；抱稳或让婴儿坐稳，一口一口喂，边喂边轻声说食物名称。"),
    Default("I-FEED-2", _I, "feeding", "尝试新辅食", 6, 12, 15,
            "每次只添一种新食物，由少到多、由稀到稠，连续观察 3 天有无过敏；记录接受情况告知家长。"),
    Default("I-SLEEP-1", _I, "sleep", "安静入睡", 6, 12, 30,
            "固定午睡前的安抚程序（换尿布、拉窗帘、轻拍哼歌），仰卧入睡，床上不放枕头、毛绒玩具，巡视呼吸和面色。"),
    Default("I-HAB-1", _I, "habits", "换尿布时的交流", 6, 12, 10,
            "换尿布时与婴儿对视、说出每个动作（“我们把小屁屁擦干净”），动作轻柔，事后洗手并记录大小便。"),
    Default("I-MOVE-1", _I, "movement", "俯趴与翻身", 6, 10, 15,
            "在软垫上让婴儿俯趴，用彩色摇铃在前方引导抬头、翻身；时刻看护，不离开视线。"),
    Default("I-MOVE-2", _I, "movement", "爬行隧道", 8, 12, 15,
            "用软垫搭低矮坡道和隧道，在另一端呼唤、摇铃鼓励爬过去；爬到后拥抱表扬。"),
    Default("I-MOVE-3", _I, "movement", "抓握与传递", 6, 12, 10,
            "提供大小合适、可入口清洁的积木和摇铃，让婴儿抓握、两手传递、敲击；检查无小零件。"),
    Default("I-LANG-1", _I, "language", "儿歌与手指谣", 6, 12, 10,
            "面对面慢速念唱短儿歌，配合手指动作和表情，停顿等待婴儿发声回应，回应其咿呀声。"),
    Default("I-LANG-2", _I, "language", "看图说名称", 9, 12, 10,
            "与婴儿共读布书、纸板书，指着图片说名称，模仿动物叫声，鼓励婴儿用手指认。"),
    Default("I-COG-1", _I, "cognition", "躲猫猫", 6, 12, 10,
            "用手帕遮住脸或玩具再拿开（“在这里！”），帮助婴儿理解物体恒存，观察其期待和笑容。"),
    Default("I-COG-2", _I, "cognition", "感官探索盒", 6, 12, 15,
            "提供软硬、粗细、冷暖不同的安全材料让婴儿触摸，说出感觉（“软软的”）；材料每日清洁消毒。"),
    Default("I-SOC-1", _I, "social", "亲子抚触", 6, 12, 15,
            "在温暖的环境中给婴儿做抚触或请家长一起做，边做边唱歌交流；接园时教家长在家里做。"),
    Default("I-SOC-2", _I, "social", "照镜子", 6, 12, 10,
            "抱婴儿照镜子，叫名字、指认五官，做表情让婴儿模仿；对陌生焦虑的婴儿由熟悉的保育人员陪伴。"),
    # 1–3: daily habits and getting along with others
    Default("T-FEED-1", _T, "feeding", "自己用勺吃饭", 12, 36, 30,
            "提供适合抓握的勺和防滑碗，鼓励自己吃，允许撒漏；不追喂、不边看边吃，进餐时间 20–30 分钟。"),
    Default("T-FEED-2", _T, "feeding", "认识蔬菜水果", 18, 36, 15,
            "带幼儿看、摸、闻当天餐食中的蔬菜水果并说出名称，鼓励尝一口，不强迫。"),
    Default("T-SLEEP-1", _T, "sleep", "午睡前准备", 12, 36, 20,
            "睡前如厕、脱鞋脱外衣（2 岁后鼓励自己脱），讲一个短故事，调暗光线；不强迫入睡，醒后可安静活动。"),
    Default("T-HAB-1", _T, "habits", "七步洗手", 18, 36, 10,
            "饭前便后示范七步洗手并念洗手儿歌，在洗手池边贴步骤图，逐个提醒和帮助。"),
    Default("T-HAB-2", _T, "habits", "学习如厕", 18, 36, 15,
            "观察如厕信号，定时提醒坐小马桶，不催促、不责备；成功时表扬，与家长约定一致的做法。"),
    Default("T-HAB-3", _T, "habits", "收拾玩具", 12, 36, 10,
            "活动结束前提醒，唱收拾歌，示范把玩具放回贴有图片标记的筐里，表扬帮忙的幼儿。"),
    Default("T-MOVE-1", _T, "movement", "户外走跑跳", 12, 36, 40,
            "在安全平整的户外场地走平衡木、跑、双脚跳，保证每日户外活动不少于 2 小时（分次）；注意防晒补水。"),
    Default("T-MOVE-2", _T, "movement", "串珠与涂鸦", 18, 36, 20,
            "提供大孔串珠、粗蜡笔和大张纸，鼓励幼儿自由涂画、串珠；看护防止误吞，作品展示给家长。"),
    Default("T-LANG-1", _T, "language", "绘本共读", 12, 36, 15,
            "选画面清晰、重复句式的绘本，边读边提问（“小狗在哪里？”），等待幼儿回答，扩展幼儿的话。"),
    Default("T-LANG-2", _T, "language", "说说我的需要", 18, 36, 10,
            "鼓励幼儿用词语或短句表达需要（“我要喝水”），保育人员示范完整说法，不代替说。"),
    Default("T-COG-1", _T, "cognition", "配对与分类", 18, 36, 15,
            "用颜色、形状、大小不同的积木让幼儿配对、分类，说出“红色的”“大的”；按能力增减难度。"),
    Default("T-COG-2", _T, "cognition", "沙水游戏", 12, 36, 20,
            "提供铲子、漏斗、小桶玩沙玩水，引导观察“满了、空了、流出来”；结束后洗手更衣。"),
    Default("T-SOC-1", _T, "social", "轮流与分享", 24, 36, 15,
            "组织两三人的小组游戏，示范“轮到你了”“我们一起玩”，冲突时先安抚情绪再引导解决。"),
    Default("T-SOC-2", _T, "social", "认识情绪", 18, 36, 10,
            "用表情卡和绘本说出开心、难过、生气，接纳幼儿的情绪，帮助其用语言表达而不是哭闹或打人。"),
    Default("T-SOC-3", _T, "social", "入托分离安抚", 12, 36, 15,
            "晨间接园时由固定的保育人员迎接，与家长简短告别（不偷偷离开），用熟悉的玩具和拥抱安抚。"),
)


def package_for(age_months: int) -> str:
    """The age package a child of this age follows: 0–1 under 12 months, 1–3 from 12."""
    return AgeBand.UNDER_ONE if age_months < 12 else AgeBand.ONE_TO_THREE


def suits_class(min_months: int, max_months: int, class_type: str) -> bool:
    """Whether an activity for ages min–max months suits some child of a class type (the age ranges meet)."""
    low, high = AGES[class_type]
    return min_months < high and low < max_months


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week a day falls in."""
    return day - dt.timedelta(days=day.weekday())


def parent_week(today: dt.date) -> dt.date:
    """The Monday of the week a parent is shown: this week, or from Saturday on the week to come."""
    return week_of(today + dt.timedelta(days=2))


def plan_problem(day: dt.date, *, today: dt.date, weeks_ahead: int = PLAN_WEEKS_AHEAD) -> str | None:
    """Why a day cannot be planned, if it cannot: a past day, or further ahead than the weeks allowed."""
    if day < today:
        return "不能给已过去的日子安排活动"
    if day >= week_of(today) + dt.timedelta(weeks=weeks_ahead):
        return f"最多安排到 {weeks_ahead} 周以内"
    return None


@dataclass(frozen=True)
class ClassFigures:
    booked: int
    attended: int
    rated: int
    rating: Decimal | None

    @property
    def attendance_rate(self) -> Decimal | None:
        """Attended out of those booked, as a percent with one decimal (None before anyone booked)."""
        if not self.booked:
            return None
        return (Decimal(100 * self.attended) / self.booked).quantize(Decimal("0.1"), ROUND_HALF_UP)


def class_figures(seats: list[tuple[bool | None, int | None]]) -> ClassFigures:
    """A class's figures from its booked seats' (attended, rating): the attendance rate and the mean rating."""
    ratings = [r for _, r in seats if r is not None]
    mean = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP) if ratings else None
    return ClassFigures(booked=len(seats), attended=sum(1 for a, _ in seats if a), rated=len(ratings), rating=mean)
