"""Run by test_embedded_defaults inside `manage.py shell` on a fresh SQLite database:
what a new user of `make run` does first. Prints one line per check; raises on failure."""

import uuid

from django.test import Client

from accounts.models import CareRecipient, User
from marketplace.models import Service, Slot
from orders import services

client = Client(HTTP_HOST="127.0.0.1")
assert client.get("/").status_code == 200
catalogue = client.get("/services/", {"q": "baojie"})
assert catalogue.status_code == 200
assert "家庭深度保洁服务" in catalogue.content.decode(), "pinyin search on SQLite"
service = Service.objects.get(title_zh="家庭深度保洁服务")
assert client.get(service.get_absolute_url()).status_code == 200
print("catalogue ok")

daughter = User.objects.get(email="wang.fang@linli.local")
client.force_login(daughter)
assert client.get(f"/services/{service.pk}/book/").status_code == 200
mother = CareRecipient.objects.get(name="李秀兰")
slot = Slot.objects.open_for_booking().filter(service=service).first()
order = services.place_order(
    booked_by=daughter, slot=slot, care_recipient=mother, idempotency_key=uuid.uuid4().hex
)
assert client.get(order.get_absolute_url()).status_code == 200
print("booking ok", order.status)
