"""Distinct search queries built from the data set, as URL paths of the catalogue.

    python -m bench.search_queries --count 3000 --seed 9 --out test-output/search-paths.txt

Words come from the bookable services' titles, their categories and their providers'
names: Chinese words (2–3 characters) and phrases (4–6 characters, or two words with a
space), full pinyin (`baojie`), initials (`bj`) and mixed Chinese and pinyin
(`上门 baojie`); each kind alone, with a category filter, and with a community filter, in
equal shares. The same data and seed give the same paths in the same order; every path is
different. The file is read by `bench/search.py` and by an HTTP bench as rotating paths.
"""

import argparse
import os
import random
import re
import urllib.parse
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from pypinyin import Style, lazy_pinyin  # noqa: E402

from communities.models import Region  # noqa: E402
from marketplace.models import Category, Service  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]+")
KINDS = ("word", "phrase", "pinyin", "initials", "mixed")
FILTERS = ("none", "category", "community")
DEFAULT_OUT = Path("test-output/search-paths.txt")


def chinese_texts() -> list[str]:
    """Titles, category and provider names of what residents can find, in a stable order."""
    services = Service.objects.bookable().order_by("pk")
    titles = list(services.values_list("title_zh", flat=True))
    providers = sorted(set(services.values_list("provider__name", flat=True)))
    categories = list(Category.objects.order_by("pk").values_list("name_zh", flat=True))
    return [text for text in titles + providers + categories if CJK.search(text)]


def piece(rng: random.Random, texts: list[str], low: int, high: int) -> str:
    """A run of low..high Chinese characters taken from one of the texts."""
    while True:
        runs = [run for run in CJK.findall(rng.choice(texts)) if len(run) >= low]
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(low, min(high, len(run)))
        start = rng.randint(0, len(run) - length)
        return run[start : start + length]


def query_of_kind(rng: random.Random, texts: list[str], kind: str) -> str:
    if kind == "word":
        return piece(rng, texts, 2, 3)
    if kind == "phrase":
        if rng.random() < 0.5:
            return piece(rng, texts, 4, 6)
        return f"{piece(rng, texts, 2, 3)} {piece(rng, texts, 2, 3)}"
    if kind == "pinyin":
        return "".join(lazy_pinyin(piece(rng, texts, 2, 3)))
    if kind == "initials":
        return "".join(lazy_pinyin(piece(rng, texts, 2, 4), style=Style.FIRST_LETTER))
    chinese, spoken = piece(rng, texts, 2, 3), "".join(lazy_pinyin(piece(rng, texts, 2, 2)))
    return f"{chinese} {spoken}" if rng.random() < 0.5 else f"{chinese}{spoken}"


def build(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = chinese_texts()
    categories = list(Category.objects.order_by("pk").values_list("slug", flat=True))
    communities = list(Region.objects.communities().order_by("pk").values_list("pk", flat=True))
    paths: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(paths) < count:
        attempts += 1
        if attempts > count * 50:
            raise SystemExit(f"only {len(paths)} distinct queries in this data set")
        kind = KINDS[len(paths) % len(KINDS)]
        narrowing = FILTERS[(len(paths) // len(KINDS)) % len(FILTERS)]
        params = [("q", query_of_kind(rng, texts, kind))]
        if narrowing == "category":
            params.append(("category", rng.choice(categories)))
        elif narrowing == "community":
            params.append(("community", str(rng.choice(communities))))
        path = "/services/?" + urllib.parse.urlencode(params)
        if path not in seen:
            seen.add(path)
            paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    paths = build(args.count, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(paths) + "\n", encoding="utf-8")
    print(f"{len(paths)} distinct search paths written to {args.out}")


if __name__ == "__main__":
    main()
