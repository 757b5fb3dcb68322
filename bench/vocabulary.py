"""Words the generator builds names from: fictional places, people and shops."""

DISTRICT = ("319901", "邻里示范区", "Linli Model District")

STREETS = [
    ("江滨街道", "Jiangbin"),
    ("望湖街道", "Wanghu"),
    ("梅岭街道", "Meiling"),
    ("枫林街道", "Fenglin"),
    ("桃源街道", "Taoyuan"),
    ("云台街道", "Yuntai"),
    ("松涛街道", "Songtao"),
    ("兰亭街道", "Lanting"),
    ("清溪街道", "Qingxi"),
    ("石桥街道", "Shiqiao"),
]

COMMUNITY_STEMS = ["东苑", "西苑", "南村", "北村", "新村", "花园", "一村", "二村", "三村", "公寓"]
ROADS = ["长乐路", "永安路", "和平路", "幸福路", "春晖路", "秋实路", "朝阳路", "民生路"]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉珍淑梅凤琴")

PROVIDER_STEMS = ["安馨", "康乐", "福寿", "惠民", "邻帮", "洁家", "乐享", "仁爱", "颐和", "悦居"]
PROVIDER_KINDS = {
    "social_org": ["居家养老服务社", "社区服务中心", "助老服务站"],
    "property_company": ["物业服务有限公司", "物业项目部"],
    "merchant": ["便民服务部", "家政服务部", "维修服务部"],
}

# What each kind of provider offers (leaf category slugs from marketplace migration 0003).
OFFERS = {
    "social_org": [
        "meal-assistance",
        "bathing",
        "home-cleaning-for-elders",
        "medical-escort",
        "companionship",
        "rehabilitation",
        "day-care",
    ],
    "property_company": ["cleaning", "appliance-repair", "plumbing", "repairs", "delivery"],
    "merchant": ["cleaning", "laundry", "moving", "haircut", "errands", "key-cutting", "repairs"],
}

TITLE_PREFIXES = ["", "上门", "专业", "社区", "家庭", "长者", "精细", "快速"]
TITLE_SUFFIXES = ["服务", "", "套餐", "(标准)", "(加长)", "体验"]
