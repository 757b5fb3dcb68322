import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from providers.validators import validate_credit_code
from tests.providers.conftest import SOCIAL_ORG_CODE, VALID_CREDIT_CODE


@pytest.mark.parametrize("code", [VALID_CREDIT_CODE, SOCIAL_ORG_CODE, "91440300708461136T"])
def test_valid_codes_pass(code):
    validate_credit_code(code)


def test_lower_case_is_read_as_upper_case():
    validate_credit_code(VALID_CREDIT_CODE.lower())


def test_a_wrong_check_digit_is_refused_with_a_clear_message():
    wrong = VALID_CREDIT_CODE[:17] + "4"
    with pytest.raises(ValidationError) as error:
        validate_credit_code(wrong)
    assert error.value.code == "check_digit"
    with translation.override("zh-hans"):
        assert "统一社会信用代码无效" in error.value.messages[0]


@pytest.mark.parametrize("code", [VALID_CREDIT_CODE[:17], VALID_CREDIT_CODE + "0", ""])
def test_a_wrong_length_is_refused_and_says_how_long_it_was(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "length"
    with translation.override("en"):
        assert f"this one has {len(code)}" in error.value.messages[0]


def test_letters_outside_the_alphabet_are_named():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100I000100O43")
    assert error.value.code == "characters"
    with translation.override("en"):
        assert "cannot contain I、O" in error.value.messages[0]
