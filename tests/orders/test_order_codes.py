"""Order numbers are read aloud on the phone: eight letters of an alphabet without 0/O
and 1/I, drawn uniformly (decision 0030 draws them from one read of random bytes)."""

from collections import Counter

from orders.models import CODE_ALPHABET, new_order_code


def test_an_order_number_is_eight_letters_of_the_phone_alphabet():
    for _ in range(200):
        code = new_order_code()
        assert len(code) == 8
        assert set(code) <= set(CODE_ALPHABET)


def test_every_letter_turns_up_in_every_position_about_equally_often():
    draws = 6400  # 200 a letter expected in each position
    codes = [new_order_code() for _ in range(draws)]
    for position in range(8):
        seen = Counter(code[position] for code in codes)
        assert set(seen) == set(CODE_ALPHABET)
        # 200 ± 6 standard deviations (about 14 each): fails only for a skewed draw
        assert all(115 <= n <= 285 for n in seen.values()), (position, seen)
