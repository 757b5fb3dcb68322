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
# provider name, kind, communities, [(email, name, role), ...]
PROVIDERS = [
    (
        "安馨居家养老服务社",
        "social_org",
        ["310115004001", "310115004002", "310115004003"],
        [
            ("owner.anxin@linli.local", "刘静（安馨负责人）", "owner"),
            ("carer.anxin@linli.local", "周阿姨（护理员）", "worker"),
        ],
    ),
    (
        "绿城物业潍坊项目部",
        "property_company",
        ["310115004001", "310115004002"],
        [("manager.lvcheng@linli.local", "吴强（物业经理）", "manager")],
    ),
]
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
]

HOME_INTRO_EN = (
    "<p>Linli links residents with the community services around them: household, "
    "eldercare and convenience services from providers vetted by the community. Eligible "
    "older people are covered by government purchase-of-service subsidies.</p>"
)
