"""Chinese-aware search terms: character n-grams, pinyin and pinyin initials.

Chinese is written without spaces, so a document is indexed by its single characters and
character pairs (a query 保洁 finds 家庭深度保洁服务 through the pair 保洁), and, for people
who type with pinyin, by the pinyin of each character (bao, jie), of each pair (baojie) and
the initials of each pair (bj). Latin words are indexed lower-cased. See
docs/decisions/0008-chinese-search.md. Pure functions, no database.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")


def _pinyin(characters: str) -> list[str]:
    return lazy_pinyin(characters, errors="ignore")


def _cjk_terms(run: str) -> set[str]:
    terms = set(run)  # single characters
    syllables = _pinyin(run)
    aligned = len(syllables) == len(run)
    terms.update(syllables)
    for index in range(len(run) - 1):
        terms.add(run[index : index + 2])
        if aligned:
            first, second = syllables[index], syllables[index + 1]
            terms.add(first + second)
            terms.add(first[0] + second[0])
    return terms


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def index_terms(*texts: str) -> list[str]:
    """Every term a document is found by, sorted for a stable index."""
    terms: set[str] = set()
    for text in texts:
        text = normalise(text)
        for run in CJK_RUN.findall(text):
            terms |= _cjk_terms(run)
        terms.update(LATIN_WORD.findall(CJK_RUN.sub(" ", text)))
    return sorted(terms)


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable, read off pypinyin's dictionary."""
    syllables = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            plain = "".join(
                char
                for char in unicodedata.normalize("NFD", reading)
                if unicodedata.category(char) != "Mn"
            )
            syllables.add(plain.replace("ü", "v").lower())
    return frozenset(s for s in syllables if s.isascii() and s.isalpha())


def split_pinyin(word: str) -> list[str] | None:
    """'baojie' → ['bao', 'jie']; None when the word is not a run of syllables.
    Prefers the fewest syllables (xian, not xi + an)."""
    syllables = pinyin_syllables()
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and word[start:end] in syllables:
                candidate = [*head, word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(word)]


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False  # the last word being typed: "baoj" should find "baojie"


# A query is a list of groups that must all match; a group matches when any one of its
# alternatives matches, and an alternative matches when all of its terms do.
Alternative = tuple[Term, ...]
Group = tuple[Alternative, ...]


def parse_query(query: str) -> list[Group]:
    text = normalise(query)
    groups: list[Group] = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            groups.append(((Term(run),),))
        else:
            pairs = tuple(Term(run[i : i + 2]) for i in range(len(run) - 1))
            groups.append((pairs,))
    for word in LATIN_WORD.findall(CJK_RUN.sub(" ", text)):
        groups.append(_latin_alternatives(word))
    return groups


def _latin_alternatives(word: str) -> Group:
    alternatives: list[Alternative] = [(Term(word, prefix=True),)]
    syllables = split_pinyin(word) if word.isalpha() else None
    if syllables and len(syllables) > 1:
        # Joined pinyin of adjacent characters, pair by pair: jiatingbaojie → jiating,
        # tingbao, baojie; all must be there.
        pairs = tuple(Term(syllables[i] + syllables[i + 1]) for i in range(len(syllables) - 1))
        alternatives.append(pairs)
    elif word.isalpha() and 2 <= len(word) <= 6:
        # Initials: bj → 保洁; jtbj → jt, tb, bj as in 家庭保洁.
        alternatives.append(tuple(Term(word[i : i + 2]) for i in range(len(word) - 1)))
    return tuple(alternatives)


def tsquery(groups: list[Group], *, weights: str = "") -> str:
    """The groups as a PostgreSQL tsquery literal over our own terms (cast, not parsed).
    With weights ("A", "AB") every term must be found among the terms of those weights."""

    def lexeme(term: Term) -> str:
        quoted = "'" + term.text.replace("'", "''") + "'"
        label = ("*" if term.prefix else "") + weights
        return quoted + (":" + label if label else "")

    parts = []
    for group in groups:
        alternatives = [
            "(" + " & ".join(lexeme(term) for term in alternative) + ")" for alternative in group
        ]
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


def tsvector(weighted_terms: dict[str, list[str]]) -> str:
    """A tsvector literal: each term once, with the weight of the most important field."""
    order = "ABCD"
    best: dict[str, str] = {}
    for weight in order:
        for term in weighted_terms.get(weight, []):
            best.setdefault(term, weight)
    return " ".join(
        "'" + term.replace("'", "''") + f"':1{weight}" for term, weight in sorted(best.items())
    )


def initials(text: str) -> str:
    return "".join(lazy_pinyin(normalise(text), style=Style.FIRST_LETTER, errors="ignore"))
