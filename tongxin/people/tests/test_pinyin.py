"""The fast initials table must give exactly what pypinyin gives."""

from pypinyin.phrases_dict import phrases_dict

from tongxin.people.pinyin import initials, single_initials, slow_initials


def test_every_character_in_the_table_has_pypinyins_initial():
    wrong = {c: (v, slow_initials(c)) for c, v in single_initials().items() if slow_initials(c) != v}
    assert not wrong


def test_every_phrase_made_of_table_characters_reads_as_the_table_does():
    table = single_initials()
    wrong = [p for p in phrases_dict if all(c in table for c in p) and initials(p) != slow_initials(p)]
    assert not wrong


def test_polyphonic_surnames_and_other_characters_go_to_pypinyin():
    for name in ["单田芳", "曾国藩", "解晓东", "区志强", "Anna王", "王·小明", "欧阳娜娜", "重庆"]:
        assert initials(name) == slow_initials(name)
    assert "单" not in single_initials() and "曾" not in single_initials()
    assert initials("王小明") == "wxm"
