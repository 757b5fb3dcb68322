"""Draws the demo's photos: flat illustrations made for Linli with Pillow, committed beside
this file so the seed needs no network and no stock pictures. Run again after a change:
.venv/bin/python cms/demo_assets/draw_photos.py"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent / "photos"
SIZE = (640, 400)


def canvas(sky: str, ground: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", SIZE, sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 400), fill=ground)
    return image, draw


def person(draw, x: int, y: int, shirt: str, hair: str = "#3b2f2f", scale: float = 1.0) -> None:
    r = int(26 * scale)
    draw.ellipse((x - r, y - r, x + r, y + r), fill="#f2c9a0")
    draw.pieslice((x - r, y - r, x + r, y + r), 180, 360, fill=hair)
    draw.rounded_rectangle(
        (x - int(40 * scale), y + r + 6, x + int(40 * scale), y + r + int(120 * scale)),
        radius=int(24 * scale),
        fill=shirt,
    )


def bathing():
    image, draw = canvas("#dcecf5", "#b7d3e3")
    draw.rounded_rectangle(
        (150, 220, 520, 330), radius=40, fill="#ffffff", outline="#7fa7bf", width=6
    )
    for x in (230, 300, 370, 440):
        draw.ellipse((x, 190, x + 40, 230), fill="#eef7fb", outline="#a9c9db", width=3)
    person(draw, 100, 150, "#2f7d6d")
    draw.line((500, 80, 500, 180), fill="#7fa7bf", width=8)
    draw.arc((470, 60, 530, 110), 180, 360, fill="#7fa7bf", width=8)
    return image


def meals():
    image, draw = canvas("#fff3e0", "#e9c79a")
    draw.ellipse((170, 200, 470, 330), fill="#ffffff", outline="#c98b3c", width=6)
    draw.ellipse((210, 220, 310, 290), fill="#f4b860")
    draw.ellipse((320, 220, 430, 290), fill="#7cb342")
    draw.rectangle((500, 160, 520, 330), fill="#8d6e63")
    draw.rectangle((540, 160, 560, 330), fill="#8d6e63")
    for x in (250, 320, 390):
        draw.arc((x, 120, x + 30, 190), 90, 270, fill="#c9a27a", width=5)
    return image


def escort():
    image, draw = canvas("#e8f1fb", "#c6d6e6")
    draw.rectangle((360, 80, 600, 300), fill="#ffffff", outline="#8aa4bf", width=5)
    draw.rectangle((455, 110, 505, 160), fill="#d93c3c")
    draw.rectangle((470, 95, 490, 175), fill="#d93c3c")
    draw.rectangle((440, 220, 520, 300), fill="#8aa4bf")
    person(draw, 170, 140, "#3d6fb6")
    person(draw, 260, 160, "#a05a2c", hair="#d9d9d9", scale=0.9)
    draw.line((300, 200, 310, 300), fill="#6d4c41", width=8)
    return image


def companionship():
    image, draw = canvas("#fdeef2", "#e9c6cf")
    draw.rounded_rectangle((120, 230, 520, 300), radius=20, fill="#b5838d")
    person(draw, 230, 130, "#c2185b", hair="#d9d9d9")
    person(draw, 400, 130, "#2e7d32")
    draw.polygon([(320, 90), (300, 70), (320, 80), (340, 70)], fill="#e91e63")
    draw.ellipse((296, 60, 322, 86), fill="#e91e63")
    draw.ellipse((318, 60, 344, 86), fill="#e91e63")
    draw.polygon([(298, 78), (342, 78), (320, 104)], fill="#e91e63")
    return image


def cleaning():
    image, draw = canvas("#eaf6f0", "#c3e0d0")
    draw.rectangle((380, 60, 600, 240), fill="#cfe8f7", outline="#7aa88e", width=6)
    draw.line((490, 60, 490, 240), fill="#7aa88e", width=6)
    draw.line((380, 150, 600, 150), fill="#7aa88e", width=6)
    for x, y in ((420, 90), (540, 190), (450, 200)):
        draw.polygon([(x, y - 12), (x + 5, y), (x, y + 12), (x - 5, y)], fill="#ffffff")
    person(draw, 200, 130, "#1e88e5")
    draw.line((260, 200, 320, 330), fill="#8d6e63", width=10)
    draw.polygon([(295, 320), (350, 320), (360, 350), (285, 350)], fill="#ffca28")
    return image


def plumbing():
    image, draw = canvas("#eef0f5", "#cfd5e0")
    draw.rectangle((100, 120, 420, 150), fill="#90a4ae")
    draw.rectangle((390, 120, 420, 260), fill="#90a4ae")
    draw.rectangle((370, 110, 440, 130), fill="#607d8b")
    draw.ellipse((395, 270, 415, 295), fill="#4fc3f7")
    draw.rounded_rectangle(
        (480, 160, 600, 300), radius=10, fill="#ffffff", outline="#607d8b", width=5
    )
    draw.line((540, 160, 540, 120), fill="#607d8b", width=5)
    person(draw, 230, 200, "#f57c00", scale=0.8)
    draw.line((170, 240, 130, 190), fill="#455a64", width=12)
    return image


def canteen():
    image, draw = canvas("#fff8e1", "#d7b98b")
    for x in (80, 250, 420):
        draw.rounded_rectangle((x, 230, x + 140, 260), radius=8, fill="#a1887f")
        draw.ellipse((x + 30, 200, x + 110, 235), fill="#ffffff", outline="#c98b3c", width=4)
    draw.rectangle((60, 60, 580, 130), fill="#c62828")
    for x in range(90, 560, 60):
        draw.ellipse((x, 140, x + 30, 175), fill="#ffb300")
    return image


def care_provider():
    image, draw = canvas("#f3ebf7", "#d9c5e3")
    draw.rectangle((160, 120, 480, 300), fill="#ffffff", outline="#8e6fa3", width=6)
    draw.polygon([(140, 130), (320, 50), (500, 130)], fill="#8e6fa3")
    draw.rectangle((290, 210, 350, 300), fill="#b39ddb")
    draw.rectangle((190, 160, 250, 210), fill="#d1c4e9")
    draw.rectangle((390, 160, 450, 210), fill="#d1c4e9")
    person(draw, 560, 200, "#6a1b9a", scale=0.7)
    return image


def property_provider():
    image, draw = canvas("#e7f3ea", "#bcd9c3")
    for x, height in ((80, 220), (240, 260), (400, 200)):
        draw.rectangle((x, 300 - height, x + 130, 300), fill="#90a4ae")
        for row in range(300 - height + 20, 280, 40):
            for col in (x + 20, x + 75):
                draw.rectangle((col, row, col + 35, row + 22), fill="#fff59d")
    draw.ellipse((560, 220, 620, 300), fill="#43a047")
    return image


PHOTOS = {
    "bathing.png": bathing,
    "meals.png": meals,
    "escort.png": escort,
    "companionship.png": companionship,
    "cleaning.png": cleaning,
    "plumbing.png": plumbing,
    "canteen.png": canteen,
    "care-provider.png": care_provider,
    "property-provider.png": property_provider,
}

if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, draw_photo in PHOTOS.items():
        draw_photo().save(HERE / name, format="PNG", optimize=True)
