"""Article texts held once in Arrow: ``records.texts``."""

from __future__ import annotations

import random

import pytest
from vzcrisis.records.texts import BATCH, ArticleTexts, articles


def _texts(seed: int, n: int) -> dict[str, str]:
    rng = random.Random(seed)
    alphabet = "ab .\n\u00e9\u4e2d\U0001f600"  # one to four bytes per code point
    out = {}
    for i in range(n):
        length = rng.choice([0, 1, 5, 255, 256, 257, 600])
        letters = alphabet if i % 3 == 0 else "ab. "
        out[f"s{i:05d}"] = "".join(rng.choice(letters) for _ in range(length))
    return out


def test_small_pieces_are_the_texts_sliced_by_code_points() -> None:
    texts = articles({"b": "héllo wörld", "a": "", "c": "abcdefg"})
    table = texts.chunks(4)
    assert table.column("source").to_pylist() == ["a", "b", "c"]
    assert table.column("chunks").to_pylist() == [[], ["héll", "o wö", "rld"], ["abcd", "efg"]]


@pytest.mark.parametrize("size", [1, 7, 256])
def test_pieces_equal_python_slicing_across_batches(size: int) -> None:
    plain = _texts(size, BATCH + 300)  # two Arrow batches
    texts = articles(plain)
    table = texts.chunks(size)
    sources, chunks = table.column("source").to_pylist(), table.column("chunks").to_pylist()
    got = dict(zip(sources, chunks, strict=True))
    assert got == {s: [t[k : k + size] for k in range(0, len(t), size)] for s, t in plain.items()}
    assert dict(texts) == plain
    assert texts.table.column("text").num_chunks == 2


def test_texts_are_added_in_id_order() -> None:
    texts = ArticleTexts()
    texts["b"] = "x"
    with pytest.raises(ValueError, match="increasing id order: 'a'"):
        texts["a"] = "y"
    assert articles(texts) is texts
    assert texts.get("a") is None and texts["b"] == "x" and len(texts) == 1
