"""The detect_slips management command: JSON lines in, one JSON line of flags out per input."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(lines: list[str]) -> tuple[list[dict], str, CommandError | None]:
    stdout, stderr = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command(
            "detect_slips", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=stdout, stderr=stderr
        )
    except CommandError as exc:
        error = exc
    output = [json.loads(line) for line in stdout.getvalue().splitlines() if line]
    return output, stderr.getvalue(), error


def test_valid_lines_produce_one_result_each():
    output, stderr, error = run(
        [
            json.dumps({"id": "a", "text": "I lent him twenty euros.", "lang": "en"}),
            json.dumps({"id": "b", "text": "Ik heb hem mijn privénummer gegeven."}),
            json.dumps({"id": "c", "text": "We reviewed her action plan."}),
        ]
    )
    assert error is None and stderr == ""
    assert [r["id"] for r in output] == ["a", "b", "c"]
    assert output[0]["lang"] == "en"
    (flag,) = output[0]["flags"]
    assert set(flag) == {"category", "start", "end", "quote", "rule"}
    assert flag["category"] == "giving_money" and flag["rule"] == "en.money.lend"
    assert "I lent him twenty euros."[flag["start"] : flag["end"]] == flag["quote"]
    # The phrase that carries it (with the learned stage, the run of words around it that
    # writers would mark), not more than its sentence.
    assert "lent him twenty euros" in flag["quote"] and flag["quote"] in "I lent him twenty euros"
    assert output[1]["lang"] == "nl"
    assert output[1]["flags"][0]["category"] == "out_of_hours"
    assert "mijn privénummer" in output[1]["flags"][0]["quote"]
    assert output[2] == {"id": "c", "lang": "en", "flags": []}


def test_output_keeps_non_ascii_characters():
    stdout = io.StringIO()
    call_command(
        "detect_slips",
        stdin=io.StringIO(json.dumps({"id": 1, "text": "Je lui ai prêté de l'argent."}) + "\n"),
        stdout=stdout,
    )
    assert "prêté" in stdout.getvalue()


def test_bad_lines_are_reported_with_line_numbers_and_the_rest_is_processed():
    output, stderr, error = run(
        [
            json.dumps({"id": "ok-1", "text": "I lent him money."}),
            "{not json",
            json.dumps({"id": "no-text"}),
            json.dumps({"id": "bad-lang", "text": "Hola", "lang": "es"}),
            json.dumps({"id": "number", "text": 42}),
            json.dumps(["a", "list"]),
            json.dumps({"id": "ok-2", "text": "Ich habe ihm Geld geliehen."}),
        ]
    )
    assert [r["id"] for r in output] == ["ok-1", "ok-2"]
    assert "line 2: invalid JSON" in stderr
    assert 'line 3: "text" is missing or not a string' in stderr
    assert "line 4: unknown lang 'es'" in stderr
    assert 'line 5: "text" is missing or not a string' in stderr
    assert "line 6: expected a JSON object" in stderr
    assert isinstance(error, CommandError)
    assert "5 line(s)" in str(error)


def test_empty_input_succeeds():
    output, stderr, error = run([])
    assert output == [] and stderr == "" and error is None


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_lines_are_skipped(blank):
    output, _, error = run([blank, json.dumps({"id": 1, "text": "Hello"})])
    assert error is None and [r["id"] for r in output] == [1]
