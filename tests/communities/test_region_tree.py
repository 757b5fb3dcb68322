import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from communities.models import Region

pytestmark = pytest.mark.django_db


def test_a_community_must_hang_under_a_street(pudong):
    community = Region(code="310115999", level="community", parent=pudong, name_zh="x", name_en="x")
    with pytest.raises(ValidationError) as error:
        community.full_clean()
    assert "parent" in error.value.message_dict


def test_a_child_code_extends_its_parent_code(weifang):
    community = Region(
        code="999999999001", level="community", parent=weifang, name_zh="x", name_en="x"
    )
    with pytest.raises(ValidationError) as error:
        community.full_clean()
    assert "code" in error.value.message_dict


def test_the_database_refuses_a_street_without_a_district(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="1", level="street", name_zh="x", name_en="x")


def test_names_follow_the_active_language(weifang_1):
    with translation.override("zh-hans"):
        assert weifang_1.full_name == "浦东新区潍坊新村街道潍坊一村"
    with translation.override("en"):
        assert (
            weifang_1.full_name == "Weifang No. 1 Village, Weifang Xincun Street, Pudong New Area"
        )
