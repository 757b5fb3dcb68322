"""Surveys: one answer per account, results for the channel's staff only, CSV export."""

import csv
import io

import pytest

from cms import surveys
from cms.models import SurveyAnswer, SurveyField, SurveyPage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(channel_pages):
    channel = channel_pages["310115004001"]
    page = SurveyPage(title="社区食堂意见调查", slug="canteen")
    page.form_fields = [
        SurveyField(
            sort_order=0,
            label="您多久来一次社区食堂？",
            field_type="radio",
            required=True,
            choices="每天\n每周\n很少",
        ),
        SurveyField(sort_order=1, label="还有什么建议？", field_type="multiline", required=False),
    ]
    channel.add_child(instance=page)
    page.save_revision().publish()
    return SurveyPage.objects.get(pk=page.pk)


def answer(client, survey, user, how_often="每天", suggestion=""):
    client.force_login(user)
    fields = {field.label: field.clean_name for field in survey.get_form_fields()}
    return client.post(
        survey.url,
        {fields["您多久来一次社区食堂？"]: how_often, fields["还有什么建议？"]: suggestion},
    )


def test_an_account_answers_once_and_then_sees_the_thanks(client, survey, daughter):
    first = answer(client, survey, daughter, suggestion="希望多些素菜")
    assert first.status_code == 200
    again = answer(client, survey, daughter, how_often="很少")
    assert "您已经回答过这份调查" in again.content.decode()
    assert "您已经回答过这份调查" in client.get(survey.url).content.decode()
    stored = SurveyAnswer.objects.get()
    assert stored.user == daughter
    assert "每天" in stored.form_data.values()


def test_the_database_refuses_a_second_answer_from_the_same_account(survey, daughter):
    surveys.record_answer(page=survey, user=daughter, data={"a": 1})
    with pytest.raises(surveys.AlreadyAnswered):
        surveys.record_answer(page=survey, user=daughter, data={"a": 2})
    assert SurveyAnswer.objects.count() == 1


def test_visitors_must_sign_in_to_answer(client, survey):
    response = client.get(survey.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_invalid_answer_is_explained_and_not_saved(client, survey, daughter):
    response = answer(client, survey, daughter, how_often="从不")
    assert response.status_code == 200
    assert not SurveyAnswer.objects.exists()
    assert "选择" in response.content.decode()  # Django's own "select a valid choice"


def test_results_count_each_choice_and_the_csv_holds_every_answer(
    client, survey, daughter, son, other_resident, community_staff
):
    answer(client, survey, daughter, "每天", "希望多些素菜")
    answer(client, survey, son, "每天")
    answer(client, survey, other_resident, "很少", "周末也开")

    answered, questions = surveys.results(survey)
    assert answered == 3
    assert questions[0].counts == [("每天", 2, 66), ("每周", 0, 0), ("很少", 1, 33)]
    assert sorted(questions[1].texts) == ["周末也开", "希望多些素菜"]

    client.force_login(community_staff)
    page = client.get(f"/cms-admin/channel_work/surveys/{survey.pk}/").content.decode()
    assert "周末也开" in page and "3 份答卷" in page
    download = client.get(f"/cms-admin/channel_work/surveys/{survey.pk}/csv/")
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][1:] == ["您多久来一次社区食堂？", "还有什么建议？"]
    assert sorted(row[1] for row in rows[1:]) == ["很少", "每天", "每天"]
    assert not any(str(user) in text for user in (daughter, son, other_resident))


@pytest.mark.parametrize("path", ["", "csv/"])
def test_staff_of_other_communities_and_residents_never_see_the_results(
    client, survey, other_street_staff, daughter, path
):
    answer(client, survey, make_user("someone@example.cn"), "每周", "秘密建议")
    for user in (other_street_staff, daughter):
        client.force_login(user)
        response = client.get(f"/cms-admin/channel_work/surveys/{survey.pk}/{path}")
        assert response.status_code == 404, user
        assert "秘密建议" not in response.content.decode()
