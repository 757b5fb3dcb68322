"""The pure part of Chinese search: terms of a document and of a query."""

from marketplace.search import index_terms, parse_query, split_pinyin, tsquery


def test_a_document_is_found_by_characters_pairs_pinyin_and_initials():
    terms = set(index_terms("家庭深度保洁服务"))
    assert {"保", "洁", "保洁", "深度", "bao", "jie", "baojie", "bj"} <= terms


def test_latin_words_are_lower_cased_and_kept_whole():
    assert {"deep", "cleaning", "24h"} <= set(index_terms("Deep Cleaning 24H"))


def test_full_width_letters_are_read_as_ordinary_ones():
    assert "abc" in index_terms("ＡＢＣ")


def test_pinyin_splits_into_the_fewest_syllables():
    assert split_pinyin("baojie") == ["bao", "jie"]
    assert split_pinyin("xian") == ["xian"]
    assert split_pinyin("zhuyu") == ["zhu", "yu"]
    assert split_pinyin("bj") is None


def test_a_chinese_query_needs_every_pair_of_its_characters():
    groups = parse_query("深度保洁")
    assert [[term.text for term in alternative] for alternative in groups[0]] == [
        ["深度", "度保", "保洁"]
    ]


def test_pinyin_and_initials_queries_have_an_alternative_each():
    (pinyin_group,) = parse_query("baojie")
    assert [[t.text for t in alt] for alt in pinyin_group] == [["baojie"], ["baojie"]]
    (initials_group,) = parse_query("bj")
    assert [[t.text for t in alt] for alt in initials_group] == [["bj"], ["bj"]]


def test_the_tsquery_quotes_terms_and_marks_prefixes():
    literal = tsquery(parse_query("保洁 it's"))
    assert "('保洁')" in literal
    assert "'it''s':*" in literal or "'it':*" in literal
