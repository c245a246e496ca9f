"""Run the boundary-slip detector over JSON lines: {"id", "text", "lang"?} in, flags out."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from journal.slips import LANGUAGES, detect, detect_language


class Command(BaseCommand):
    # Tests pass their own input stream; on the command line it is always sys.stdin.
    stealth_options = ("stdin",)
    help = (
        'Read JSON lines {"id": ..., "text": ..., "lang": optional} on stdin and write one line '
        '{"id", "lang", "flags": [{"category", "start", "end", "quote", "rule"}]} per input.'
    )

    def handle(self, *args, **options) -> None:
        stdin = options.get("stdin") or sys.stdin
        bad = 0
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                record = self._parse(line)
            except ValueError as exc:
                # Report and keep going: one bad line must not lose the rest of a batch.
                bad += 1
                self.stderr.write(f"line {number}: {exc}")
                continue
            lang = record.get("lang") or detect_language(record["text"])
            findings = detect(record["text"], lang)
            result = {
                "id": record.get("id"),
                "lang": lang,
                "flags": [finding.as_flag() for finding in findings],
            }
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        if bad:
            raise CommandError(f"{bad} line(s) could not be processed; see the messages above")

    @staticmethod
    def _parse(line: str) -> dict:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise ValueError("expected a JSON object")
        if not isinstance(record.get("text"), str):
            raise ValueError('"text" is missing or not a string')
        lang = record.get("lang")
        if lang is not None and lang not in LANGUAGES:
            raise ValueError(f"unknown lang {lang!r}; expected one of {', '.join(LANGUAGES)}")
        return record
