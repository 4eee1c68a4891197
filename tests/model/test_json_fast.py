"""The orjson fast path of strict JSON reading and writing gives what the standard library would."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from model.formats import load_graph, load_schedule, save_graph, save_schedule
from model.formats.jsonio import dumps_json, load_json, parse_json
from model.graph import GraphError, TaskGraph
from model.schedule import Schedule, Slot


def strict_stdlib(text: str):
    """What the strict reader must return: the standard library's parse, keys once each."""
    def pairs(ps):
        assert len({k for k, _ in ps}) == len(ps)
        return dict(ps)

    return json.loads(text, object_pairs_hook=pairs)


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}',
    '{"a" : 1, "a"\n: 2}',
    '{"a"\t:1,"b":{"c":1,"c":1}}',
    '[{"x": ":a", "x": 1}]',  # a string starting with a colon does not hide the twice-given key
    '{"\\"": 1, "\\"": 2}',
    '{"é": 1, "\\u00e9": 2}',  # the same key written two ways
])
def test_duplicate_keys_are_refused_however_written(text):
    with pytest.raises(GraphError, match="appears twice in one object"):
        parse_json(text, "t")
    with pytest.raises(GraphError, match="appears twice in one object"):
        parse_json(text.encode(), "t")


@pytest.mark.parametrize("text", [
    '{"x": ":a", "b": 1}', '{"a": "\\":", "b": " :"}', '[18446744073709551616, -9223372036854775809]',
    '{"a": 1e19, "b": -0.0, "c": 1.5e-400}', '{"\\"": 1}', '"\\ud800"', '[]', '{}', '7', '{"a":{"b":{}}}',
    '[0.1, 1e300, 123456789.123456789, 2.2250738585072014e-308]',
])
def test_fast_path_reads_what_the_standard_library_reads(text):
    got = parse_json(text, "t")
    assert got == strict_stdlib(text) and json.dumps(got) == json.dumps(strict_stdlib(text))


def test_random_documents_read_as_the_standard_library_reads():
    rnd = random.Random(7)
    keys = ["a", "b", ":", ": x", '"', "é", "k\\", ""]

    def value(depth):
        r = rnd.random()
        if depth > 4 or r < 0.3:
            return rnd.choice([rnd.randint(-10**25, 10**25), rnd.randint(-99, 99), rnd.uniform(-1e6, 1e6),
                               rnd.random() * 10.0 ** rnd.randint(-300, 300), True, None, "s", ":", "\\u0041"])
        if r < 0.6:
            return [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        return {rnd.choice(keys) + str(i): value(depth + 1) for i in range(rnd.randint(0, 4))}

    for _ in range(400):
        text = json.dumps(value(0), indent=rnd.choice([None, 1, "\t"]))
        got = parse_json(text, "t")
        assert json.dumps(got) == json.dumps(strict_stdlib(text))


def test_bom_and_bad_utf8_files(tmp_path):
    p = tmp_path / "a.json"
    p.write_bytes(b'\xef\xbb\xbf{"a": [1]}')
    assert load_json(p) == {"a": [1]}
    p.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(GraphError, match="is not UTF-8 text"):
        load_json(p)


def test_writer_refuses_non_finite_numbers_of_any_kind():
    for bad in (math.nan, math.inf, np.float64("nan")):
        with pytest.raises(GraphError, match=r"cannot write a\[1\]: .* is not a finite number"):
            dumps_json({"a": [0, bad]})
        with pytest.raises(GraphError, match="is not a finite number"):
            dumps_json({"a": [0, (1, bad)]}, rows=True)
    from collections import OrderedDict

    with pytest.raises(GraphError, match=r"cannot write a\[1\]: nan is not a finite number"):
        dumps_json(OrderedDict(a=[None, math.nan]), rows=True)
    assert json.loads(dumps_json({"a": None, "b": [1.0, None]})) == {"a": None, "b": [1.0, None]}
    # finite numbers whose sum overflows are written
    assert json.loads(dumps_json([1.5e308, 1.5e308])) == [1.5e308, 1.5e308]
    # what orjson cannot write goes through the standard library
    assert json.loads(dumps_json({"a": 10**30, 1: "x"}, rows=True)) == {"a": 10**30, "1": "x"}


def test_rows_layout_one_slot_per_line(tmp_path):
    s = Schedule("heft", ["P1", "P2"], [Slot("a", "P1", 0.0, 1.5), Slot("b", "P2", 0.0, 2.0)])
    save_schedule(s, tmp_path / "s.schedule.json")
    lines = (tmp_path / "s.schedule.json").read_text().splitlines()
    assert '  {"task":"a","worker":"P1","start":0,"finish":1.5},' in lines
    assert '  {"task":"b","worker":"P2","start":0,"finish":2}' in lines
    back = load_schedule(tmp_path / "s.schedule.json")
    assert [(x.task, x.worker, x.start, x.finish) for x in back.slots] == [("a", "P1", 0.0, 1.5), ("b", "P2", 0.0, 2.0)]


def test_graph_rows_round_trip(tmp_path):
    g = TaskGraph("g")
    g.add_task("a", 1.5, label="A", x=3.0)
    g.add_task("b", costs=[1, 2])
    g.add_edge("a", "b", 2.5, note={"k": [1, 2]})
    save_graph(g, tmp_path / "g.json")
    text = (tmp_path / "g.json").read_text()
    assert '  {"id":"a","cost":1.5,"label":"A","x":3.0},' in text.splitlines()
    h = load_graph(tmp_path / "g.json")
    assert h.tasks == ["a", "b"] and h.data("a", "b") == 2.5 and h.nx.edges["a", "b"]["note"] == {"k": [1, 2]}


@pytest.mark.parametrize("text", [
    '{"a":1,"a":":"}',  # the kept value starts with a colon, as the dropped key's mark did
    '{"a" :1,"a": " :"}',
    '{"k":{"a":[1,{"b":2,"b":2}]},"z":":"}',
    '[{"x":"]]]]","x":"[[[["}]',
])
def test_duplicate_keys_are_refused_in_text_without_a_backslash(text):
    assert "\\" not in text
    with pytest.raises(GraphError, match="appears twice in one object"):
        parse_json(text.encode(), "t")


def test_nesting_is_counted_outside_strings_only():
    brackets = '"' + "[{" * 200 + '"'
    assert parse_json('{"a": ' + brackets + ', "b": [' + brackets + ']}', "t")["a"] == brackets[1:-1]
    assert parse_json("[" * 100 + "]" * 100, "t") == json.loads("[" * 100 + "]" * 100)
    with pytest.raises(GraphError, match="nested too deeply"):
        parse_json('{"s": "]]]", "a": ' + "[" * 101 + "]" * 101 + "}", "t")
    with pytest.raises(GraphError, match="nested too deeply"):
        parse_json("[" * 60 + '{"a": ' * 41 + "1" + "}" * 41 + "]" * 60, "t")


def test_integers_at_the_edge_of_64_bits_read_exactly():
    for text in ["[9223372036854775807, 9223372036854775808, -9223372036854775808]",
                 '{"a": 123456789012345678901234567890}', "[1234567890123456789.5]"]:
        assert json.dumps(parse_json(text, "t")) == json.dumps(strict_stdlib(text))


def test_random_texts_without_a_backslash_read_as_the_standard_library_reads():
    """Hand-written texts (random white space, keys that may repeat, strings full of colons
    and brackets): refused exactly when a key repeats, else read as the standard library reads."""
    rnd = random.Random(11)
    words = ["a", "b", ":", ": x", " :", "[", "]}", "{", "é", "", '":']

    def ws():
        return rnd.choice(["", " ", "\n", "\t ", "  "])

    def value(depth):
        r = rnd.random()
        if depth > 5 or r < 0.35:
            return rnd.choice(["1", "-0.5", "1e19", "12345678901234567890", "true", "null",
                               '"' + rnd.choice(words).replace('"', "") + '"'])
        if r < 0.6:
            return "[" + ",".join(ws() + value(depth + 1) + ws() for _ in range(rnd.randint(0, 4))) + "]"
        keys = [rnd.choice(words).replace('"', "") for _ in range(rnd.randint(0, 4))]
        return "{" + ",".join(f'{ws()}"{k}"{ws()}:{ws()}{value(depth + 1)}' for k in keys) + "}"

    refused = read = 0
    for _ in range(600):
        text = value(0)
        try:
            want = strict_stdlib(text)
        except AssertionError:  # a key given twice
            with pytest.raises(GraphError, match="appears twice in one object"):
                parse_json(text.encode(), "t")
            refused += 1
            continue
        assert json.dumps(parse_json(text.encode(), "t")) == json.dumps(want)
        read += 1
    assert refused > 50 and read > 50
