"""The demo neighbourhood that `manage.py seed_demo` builds. Data only, no logic."""

DEMO_PASSWORD = "linli-demo-2026"

DISTRICT = ("310115", "浦东新区", "Pudong New Area")

# street code, zh, en, [(community code, zh, en), ...]
STREETS = [
    (
        "310115004",
        "潍坊新村街道",
        "Weifang Xincun Street",
        [
            ("310115004001", "潍坊一村居委会", "Weifang No. 1 Village"),
            ("310115004002", "潍坊二村居委会", "Weifang No. 2 Village"),
            ("310115004003", "泉东居委会", "Quandong"),
        ],
    ),
    (
        "310115005",
        "陆家嘴街道",
        "Lujiazui Street",
        [
            ("310115005001", "梅园一村居委会", "Meiyuan No. 1 Village"),
            ("310115005002", "崂山居委会", "Laoshan"),
            ("310115005003", "东园居委会", "Dongyuan"),
        ],
    ),
]

# email, name, what they are; staff and officer entries name the region code of their scope.
ADMIN = ("admin@linli.local", "平台管理员")
RESIDENTS = [
    ("wang.fang@linli.local", "王芳", "310115004001", "潍坊路 100 弄 5 号 302 室"),
    ("wang.lei@linli.local", "王磊", "310115005002", "崂山路 20 号 1101 室"),
    ("zhang.wei@linli.local", "张伟", "310115004002", "潍坊二村 8 号 201 室"),
]
STAFF = [
    ("staff.weifang1@linli.local", "赵敏（潍坊一村社工）", "community_staff", "310115004001"),
    ("staff.weifang@linli.local", "孙丽（潍坊新村街道）", "community_staff", "310115004"),
    ("officer.pudong@linli.local", "陈刚（区民政局）", "purchaser_officer", "310115"),
]
# Providers, registered, documented and (unless "submitted") approved through the same
# services a real one goes through.
# name, kind, credit code, status, communities, [(email, name, role, gives eldercare), ...]
PROVIDERS = [
    (
        "安馨居家养老服务社",
        "social_org",
        "52310115MJ0000001G",
        "approved",
        ["310115004001", "310115004002", "310115004003"],
        [
            ("owner.anxin@linli.local", "刘静（安馨负责人）", "owner", False),
            ("carer.anxin@linli.local", "周阿姨（护理员）", "worker", True),
        ],
    ),
    (
        "绿城物业潍坊项目部",
        "property_company",
        "91310115MA1H000024",
        "approved",
        ["310115004001", "310115004002"],
        [("manager.lvcheng@linli.local", "吴强（物业经理）", "owner", False)],
    ),
    (
        "泉东便民维修部",
        "merchant",
        "92310115MA1H000034",
        "submitted",
        ["310115004003"],
        [("owner.quandong@linli.local", "郑师傅（维修部老板）", "owner", False)],
    ),
]
PROVIDER_DESCRIPTIONS = {
    "安馨居家养老服务社": (
        "为潍坊新村街道的老人提供助餐、助浴、助洁和陪伴服务，护理员均持证上岗。",
        "Meals, bathing, cleaning and companionship for older people in Weifang Xincun "
        "Street, by certified caregivers.",
    ),
    "绿城物业潍坊项目部": (
        "小区物业的上门维修、保洁和便民服务。",
        "Repairs, cleaning and convenience services from the estate's property company.",
    ),
    "泉东便民维修部": (
        "水电维修、配钥匙、家电小修。",
        "Plumbing and electrical repairs, key cutting, small appliance repairs.",
    ),
}
# A minimal, well-formed PDF standing in for scanned certificates.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
# name, birth date, community, address, lives alone, [(linked account email, relationship)]
CARE_RECIPIENTS = [
    (
        "李秀兰",
        "1941-03-08",
        "310115004001",
        "潍坊路 100 弄 5 号 101 室",
        True,
        [("wang.fang@linli.local", "child"), ("wang.lei@linli.local", "child")],
    ),
    (
        "张伟",
        "1968-07-21",
        "310115004002",
        "潍坊二村 8 号 201 室",
        False,
        [("zhang.wei@linli.local", "self")],
    ),
    # Her application for meals waits for community staff (README: "Applying for a subsidy").
    (
        "周桂英",
        "1943-09-02",
        "310115004001",
        "潍坊路 100 弄 7 号 201 室",
        True,
        [("wang.fang@linli.local", "relative")],
    ),
    # Subsidised in the past months (cms/demo_history.py): she was served, he was not.
    (
        "陈秀英",
        "1938-11-30",
        "310115004002",
        "潍坊二村 3 号 102 室",
        True,
        [("wang.lei@linli.local", "relative")],
    ),
    (
        "刘建国",
        "1950-05-16",
        "310115004001",
        "潍坊路 100 弄 9 号 401 室",
        False,
        [("zhang.wei@linli.local", "relative")],
    ),
]
# person, programme, note: an application waiting for staff in the demo.
WAITING_APPLICATION = ("周桂英", "居家助餐补贴", "姨妈一个人住，做饭不方便。")

HOME_INTRO_EN = (
    "<p>Linli links residents with the community services around them: household, "
    "eldercare and convenience services from providers vetted by the community. Eligible "
    "older people are covered by government purchase-of-service subsidies.</p>"
)

# provider, category slug, title zh, title en, description zh, price fen, unit, minutes,
# funding mode, qualification
SERVICES = [
    (
        "安馨居家养老服务社",
        "bathing",
        "上门助浴服务",
        "Bathing assistance at home",
        "护理员两人上门，为行动不便的老人助浴，自带防滑垫和洗浴用品。",
        6000,
        "visit",
        90,
        "welfare",
        "caregiver_qualification",
    ),
    (
        "安馨居家养老服务社",
        "meal-assistance",
        "老年助餐送餐",
        "Meals delivered for older people",
        "社区食堂午餐送到家，少油少盐，可按需做软食。",
        1500,
        "visit",
        30,
        "welfare",
        "",
    ),
    (
        "安馨居家养老服务社",
        "medical-escort",
        "陪同就医",
        "Escort to the doctor",
        "陪同挂号、候诊、取药，结束后把老人送回家。",
        8000,
        "visit",
        180,
        "commercial",
        "health_certificate",
    ),
    (
        "安馨居家养老服务社",
        "companionship",
        "独居老人探访陪伴",
        "Visits for people living alone",
        "每周上门聊天、读报、检查水电煤安全，独居老人免费。",
        5000,
        "visit",
        60,
        "public",
        "",
    ),
    (
        "绿城物业潍坊项目部",
        "cleaning",
        "家庭深度保洁服务",
        "Deep cleaning of your home",
        "厨房、卫生间重点清洁，玻璃和地板打扫，自带工具。",
        5000,
        "hour",
        120,
        "commercial",
        "health_certificate",
    ),
    (
        "绿城物业潍坊项目部",
        "plumbing",
        "水电上门维修",
        "Plumbing and electrical repairs",
        "水龙头、马桶、开关插座、漏电检查，材料费另计。",
        6000,
        "visit",
        60,
        "commercial",
        "",
    ),
]
# weekday (Monday 0) ranges with capacity
WEEKLY_HOURS = [
    (day, start, end, 2)
    for day in range(0, 6)
    for start, end in (("08:00", "12:00"), ("13:00", "17:00"))
]

PURCHASER = (
    "浦东新区民政局",
    "Pudong Civil Affairs Bureau",
    "310115",
    "officer.pudong@linli.local",
)
# name zh, name en, plain words zh, plain words en, categories, rule, percent, fixed fen,
# rate cap fen, monthly cap fen, budget fen, min age, living alone
PROGRAMMES = [
    (
        "高龄助浴补贴",
        "Bathing help for the very old",
        "80 岁以上的老人上门助浴，政府承担八成（每次最多按 60 元计），每月最多补贴 120 元。",
        "People aged 80 and over: the government pays 80% of a bathing visit (counted up to "
        "¥60), at most ¥120 a month.",
        ["bathing"],
        "percentage",
        80,
        0,
        6000,
        12000,
        5_000_000,
        80,
        False,
    ),
    (
        "居家助餐补贴",
        "Meals at home",
        "60 岁以上老人每餐补贴 10 元。",
        "People aged 60 and over: ¥10 off every meal.",
        ["meal-assistance"],
        "fixed",
        0,
        1000,
        None,
        30000,
        2_000_000,
        60,
        False,
    ),
    (
        "独居老人关爱探访",
        "Visits to people living alone",
        "独居老人每周一次免费探访，由政府全额购买。",
        "People living alone: a free visit every week, paid by the government.",
        ["companionship"],
        "full",
        0,
        0,
        None,
        25000,
        1_000_000,
        60,
        True,
    ),
]

# Last quarter's figures for the approved providers: their confirmed grade shows on their
# public page and works as a catalogue filter.
LAST_QUARTER = {
    "安馨居家养老服务社": {"visits": 120, "rating_average": 4.8, "rating_count": 46},
    "绿城物业潍坊项目部": {
        "visits": 60,
        "rating_average": 4.2,
        "rating_count": 18,
        "late_check_ins": 4,
        "upheld_complaints": 1,
    },
}

# The demo channel's content (Weifang No. 1 Village): Chinese first, then English.
CHANNEL_COMMUNITY = "310115004001"
ANNOUNCEMENT = (
    "冬季用电安全提醒",
    "<p>天气转冷，请不要在楼道给电动自行车充电；独居老人家中的取暖器，社区志愿者可以上门帮忙检查。</p>",
    "Electrical safety this winter",
    "<p>Please do not charge e-bikes in the stairwell. Volunteers can check the heaters of "
    "people living alone.</p>",
)
ACTIVITY = (
    "重阳节长者茶话会",
    "社区活动室（潍坊一村 12 号楼底层）",
    "<p>茶点、越剧欣赏和健康讲座，欢迎家属陪同。</p>",
    "Tea afternoon for older neighbours",
    "<p>Tea, Yue opera and a short health talk; families welcome.</p>",
    20,
)
SURVEY = (
    "社区助餐点满意度调查",
    [
        ("您对助餐点饭菜的口味满意吗？", "radio", "满意\n一般\n不满意"),
        ("您还希望增加哪些服务？", "multiline", ""),
    ],
)

# 李秀兰's needs assessment: Barthel 70 (moderately dependent, care level 2).
GRANDMA_BARTHEL = {
    "feeding": 10,
    "bathing": 0,
    "grooming": 5,
    "dressing": 5,
    "bowels": 10,
    "bladder": 10,
    "toilet": 5,
    "transfers": 10,
    "mobility": 10,
    "stairs": 5,
}
# programme, care level, minutes a month, fen a month
ENTITLEMENTS = [
    ("高龄助浴补贴", 1, None, 6000),
    ("高龄助浴补贴", 2, None, 12000),
    ("高龄助浴补贴", 3, None, 18000),
    ("高龄助浴补贴", 4, None, 24000),
    ("独居老人关爱探访", 0, 240, None),
    ("独居老人关爱探访", 1, 240, None),
    ("独居老人关爱探访", 2, 300, None),
    ("独居老人关爱探访", 3, 360, None),
    ("独居老人关爱探访", 4, 480, None),
]
# The provider's canteen (decision 0028): name, address, community, opening hours, its lunch
# sitting (weekdays, time, minutes, places), and the meal served there.
CANTEEN = (
    "安馨居家养老服务社",
    "幸福食堂",
    "潍坊路 120 弄 2 号 底层",
    "310115004001",
    "每天 10:30–13:30 / Daily 10:30–13:30",
    (range(7), "11:30", 60, 40),
)
CANTEEN_MEAL = (
    "meal-assistance",
    "老年助餐（幸福食堂堂食）",
    "Lunch at the Xingfu canteen",
    "社区食堂午餐，两荤两素一汤，少油少盐，可做软食。",
    1500,
)
# Booked on today's lunch sitting, so that its roll call can be taken right after the seed.
CANTEEN_TODAY = ["李秀兰", "张伟"]
# Her plan: service, weekday (Monday 0), time. Meals at the canteen Monday to Saturday.
# 张伟's weekly deep cleaning (Saturday 10:00), waiting for the provider's answer.
WAITING_PLAN = ("家庭深度保洁服务", 5, "10:00", 1)
GRANDMA_PLAN = [
    ("上门助浴服务", 1, "09:30"),
    *((CANTEEN_MEAL[1], day, "11:30") for day in range(6)),
    ("独居老人探访陪伴", 4, "16:00"),
]

# Photos drawn for the demo (cms/demo_assets/draw_photos.py), attached by the seed through
# the providers' own upload services. Service by Chinese title → file; provider → file, caption.
SERVICE_PHOTOS = {
    "上门助浴服务": "bathing.png",
    "老年助餐送餐": "meals.png",
    "陪同就医": "escort.png",
    "独居老人探访陪伴": "companionship.png",
    "家庭深度保洁服务": "cleaning.png",
    "水电上门维修": "plumbing.png",
    CANTEEN_MEAL[1]: "canteen.png",
}
PROVIDER_PHOTOS = {
    "安馨居家养老服务社": ("care-provider.png", "安馨居家养老服务社的服务站"),
    "绿城物业潍坊项目部": ("property-provider.png", "潍坊小区"),
}
