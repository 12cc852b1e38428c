from bot.rasa_ext.nlu.entities import reconcile


def ent(entity, start, end, value, extractor="DIETClassifier"):
    return {"entity": entity, "start": start, "end": end, "value": value, "extractor": extractor}


def test_pattern_entity_wins_over_overlapping_model_entity():
    text = "手机13812345678"
    diet = ent("phone_number", 2, 9, text[2:9])
    regex = ent("phone_number", 2, 13, text[2:13], "RegexEntityExtractor")
    result = reconcile([diet, regex])
    assert [(e["start"], e["end"], e["extractor"]) for e in result] == [
        (2, 13, "RegexEntityExtractor")
    ]
    assert result[0]["normalized"] == "13812345678"
    assert result[0]["value"] == "13812345678"  # the customer's text is kept


def test_non_overlapping_model_entities_are_kept_and_amount_normalised():
    entities = [
        ent("amount", 2, 7, "5000块"),
        ent("bank_name", 8, 10, "招行", "RegexEntityExtractor"),
    ]
    result = reconcile(entities)
    assert [e["entity"] for e in result] == ["amount", "bank_name"]
    assert result[0]["normalized"] == 5000.0


def test_invalid_phone_is_dropped():
    assert reconcile([ent("phone_number", 0, 11, "12345678901")]) == []


def test_longest_pattern_match_wins():
    short = ent("carrier", 2, 4, "移动", "RegexEntityExtractor")
    long = ent("carrier", 0, 4, "中国移动", "RegexEntityExtractor")
    assert reconcile([short, long]) == [long]


def test_entities_without_positions_pass_through():
    button = {"entity": "rating", "value": "5"}
    assert reconcile([button]) == [button]
