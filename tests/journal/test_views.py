import json
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import SupervisionLink
from journal import services
from journal.models import Client, Flag, SessionEntry
from journal.reminders import flag_followup_on
from tests.factories import PASSWORD
from tests.svg import svg_number_problems, svg_numbers

pytestmark = pytest.mark.django_db


def _entry_form(entry, **overrides):
    data = {
        "version": entry.version,
        "occurred_at": entry.occurred_at.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "setting": "office",
        "notes": entry.notes,
        "felt": "",
        "went_well": "",
        "differently": "",
        "next_steps": "",
    }
    data.update(overrides)
    return data


def _start_writing(client, own) -> str:
    """Press "Start writing" for ``own``; returns the editor's address."""
    response = client.post(
        reverse("journal:entry_new"), {"client": own.pk, "occurred_at": "2026-11-20T10:00"}
    )
    assert response.status_code == 302
    return response.url


def test_the_new_entry_page_asks_for_a_client_and_a_day_up_to_today(client, demo):
    from django.utils import timezone

    services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    page = client.get(reverse("journal:entry_new")).content.decode()
    assert '<option value="" selected>Choose a client</option>' in page
    with timezone.override(demo.ana.tzinfo):
        assert f'max="{timezone.localdate():%Y-%m-%d}T23:59"' in page


def test_start_writing_stores_nothing_until_the_first_character(client, demo):
    own = services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    editor = _start_writing(client, own)
    page = client.get(editor)
    assert page.status_code == 200 and page.context["entry"].pk is None
    assert page.context["form"]["occurred_at"].value().strftime("%H:%M") == "10:00"
    entry_uuid = page.context["entry"].uuid
    autosave = reverse("journal:entry_autosave", args=[entry_uuid])
    empty = _entry_form(page.context["entry"], notes="   ", client=str(own.uuid))
    response = client.post(autosave, empty, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Drafts save automatically" in response.content.decode()
    assert not SessionEntry.objects.exists()
    # The first character makes the draft, under the id the editor already had.
    response = client.post(autosave, {**empty, "notes": "H"}, headers={"HX-Request": "true"})
    assert "Draft saved" in response.content.decode()
    entry = SessionEntry.objects.get(client=own)
    assert entry.uuid == entry_uuid and entry.status == "draft" and entry.notes == "H"
    # A second autosave racing the first (same base version) makes no second row.
    client.post(autosave, {**empty, "notes": "H"}, headers={"HX-Request": "true"})
    assert SessionEntry.objects.count() == 1
    assert client.get(editor).context["entry"].pk == entry.pk


def test_saving_the_first_time_stores_the_entry(client, demo):
    own = services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    page = client.get(_start_writing(client, own))
    unsaved = page.context["entry"]
    response = client.post(
        reverse("journal:entry_edit", args=[unsaved.uuid]),
        _entry_form(unsaved, notes="A calm session.", client=str(own.uuid)),
    )
    entry = SessionEntry.objects.get(uuid=unsaved.uuid)
    assert response.url == reverse("journal:entry", args=[entry.uuid])
    assert entry.status == "saved" and entry.owner == demo.ana


def test_a_new_entry_opens_with_the_cursor_in_what_happened(client, demo, make_entry):
    own = services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    form = client.get(_start_writing(client, own)).context["form"]
    assert form["notes"].field.widget.attrs.get("autofocus")
    assert [name for name in form.fields if form.fields[name].widget.attrs.get("autofocus")] == [
        "notes"
    ]
    # Coming back to a stored entry keeps the page where it opens.
    draft = services.entry_create(owner=demo.ana, client=own)
    edit = client.get(reverse("journal:entry_edit", args=[draft.uuid]))
    assert "autofocus" not in edit.content.decode()


def test_an_empty_entry_cannot_be_saved_and_nothing_is_lost(client, demo, make_entry):
    own = services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    unsaved = client.get(_start_writing(client, own)).context["entry"]
    response = client.post(
        reverse("journal:entry_edit", args=[unsaved.uuid]),
        {**_entry_form(unsaved, notes="", client=str(own.uuid)), "duration_minutes": 45},
    )
    assert response.status_code == 422
    assert "an empty entry is not kept" in response.content.decode()
    assert response.context["form"]["duration_minutes"].value() == "45"
    assert not SessionEntry.objects.exists()
    # The same for a stored draft emptied before saving: it stays a draft, as it was.
    draft = services.entry_create(owner=demo.ana, client=own)
    response = client.post(
        reverse("journal:entry_edit", args=[draft.uuid]), _entry_form(draft, notes=" ")
    )
    assert response.status_code == 422
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_unwritten_entry_of_someone_elses_client_or_id_is_404(client, demo, make_entry):
    bens_client = services.client_create(owner=demo.ben, code="B-1")
    bens_entry = make_entry(demo.ben, "Ben's session.")
    client.force_login(demo.ana)
    new_id = "0b7d1a5e-0000-4000-8000-000000000001"
    url = reverse("journal:entry_edit", args=[new_id])
    assert client.get(f"{url}?client={bens_client.uuid}").status_code == 404
    assert client.get(url).status_code == 404  # no client named
    own = services.client_create(owner=demo.ana, code="A-1")
    taken = reverse("journal:entry_edit", args=[bens_entry.uuid])
    assert client.get(f"{taken}?client={own.uuid}").status_code == 404
    response = client.post(
        reverse("journal:entry_autosave", args=[bens_entry.uuid]),
        _entry_form(bens_entry, notes="Overwrite?", client=str(own.uuid)),
    )
    assert response.status_code == 404
    bens_entry.refresh_from_db()
    assert bens_entry.notes == "Ben's session."


def test_a_draft_can_be_discarded_after_confirming(client, demo):
    own = services.client_create(owner=demo.ana, code="A-1")
    draft = services.entry_create(owner=demo.ana, client=own, notes="Half a thought")
    client.force_login(demo.ana)
    assert "Discard this draft" in client.get(reverse("journal:entries")).content.decode()
    url = reverse("journal:entry_discard", args=[draft.uuid])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert SessionEntry.objects.filter(pk=draft.pk).exists()  # asking deletes nothing
    response = client.post(url)
    assert response.url == reverse("journal:entries")
    assert not SessionEntry.objects.filter(pk=draft.pk).exists()


def test_only_its_owner_discards_a_draft_and_never_a_saved_entry(client, demo, make_entry):
    bens = services.entry_create(
        owner=demo.ben, client=services.client_create(owner=demo.ben, code="B-1")
    )
    saved = make_entry(demo.ana, "A saved session.")
    client.force_login(demo.ana)
    for entry in (bens, saved):
        url = reverse("journal:entry_discard", args=[entry.uuid])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert SessionEntry.objects.filter(pk__in=[bens.pk, saved.pk]).count() == 2


def test_new_entry_refuses_someone_elses_client(client, demo):
    other = services.client_create(owner=demo.ben, code="B-1")
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:entry_new"), {"client": other.pk, "occurred_at": "2026-11-20T10:00"}
    )
    assert response.status_code == 200
    assert not SessionEntry.objects.exists()


def test_autosave_saves_and_returns_the_new_version(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    url = reverse("journal:entry_autosave", args=[entry.uuid])
    response = client.post(
        url, _entry_form(entry, notes="Typed more."), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft saved" in body
    assert f'value="{entry.version + 1}"' in body and 'hx-swap-oob="true"' in body
    entry.refresh_from_db()
    assert entry.notes == "Typed more."


def test_second_tab_gets_a_conflict_not_an_overwrite(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    url = reverse("journal:entry_autosave", args=[entry.uuid])
    client.post(url, _entry_form(entry, notes="Tab one."), headers={"HX-Request": "true"})
    response = client.post(
        url, _entry_form(entry, notes="Tab two."), headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "another tab" in response.content.decode()
    assert "hx-trigger" not in response.content.decode()  # autosave stops
    entry.refresh_from_db()
    assert entry.notes == "Tab one."


def test_saving_with_a_stale_version_keeps_the_typed_text(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    data = _entry_form(entry, notes="My careful paragraph.")
    services.entry_autosave(entry=entry, data={"notes": "Other tab"}, base_version=entry.version)
    response = client.post(reverse("journal:entry_edit", args=[entry.uuid]), data)
    assert response.status_code == 409
    assert "My careful paragraph." in response.content.decode()


def test_live_detection_shows_evidence_and_question(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:detect"),
        {"notes": "I gave him twenty euros from my own wallet."},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="evidence"' in body
    assert "Giving money or gifts" in body
    assert "<html" not in body


def test_live_detection_speaks_the_ui_language(client, demo):
    demo.ana.language = "nl"
    demo.ana.save()
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:detect"), {"notes": "I gave him twenty euros from my own wallet."}
    )
    assert '<mark class="evidence"' in response.content.decode()
    from journal.slips import explain

    assert explain("giving_money", "nl").question in response.content.decode()


def test_live_detection_warns_about_identifiers(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:detect"),
        {"notes": "Her e-mail is jane.doe@example.org, call +31 6 1234 5678"},
    )
    body = response.content.decode()
    assert "an e-mail address" in body and "a phone number" in body


def test_saving_redirects_to_the_entry_with_suggestions(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:entry_edit", args=[entry.uuid]),
        _entry_form(entry, notes="I paid for her lunch with my own money."),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("journal:entry", args=[entry.uuid])
    assert "confirm or dismiss" in response.content.decode()
    assert entry.flags.filter(status="suggested", category="giving_money").exists()


def test_confirm_and_dismiss_answer_htmx_with_the_flag_card(client, demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:flag_dismiss", args=[flag.uuid]),
        {"reason": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    flag.refresh_from_db()
    assert flag.status == "suggested"
    response = client.post(
        reverse("journal:flag_confirm", args=[flag.uuid]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="flag-{flag.uuid}"' in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "confirmed"


def test_double_confirm_is_harmless(client, demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    client.force_login(demo.ana)
    for _ in range(2):
        client.post(reverse("journal:flag_confirm", args=[flag.uuid]))
    assert flag.events.filter(action="confirmed").count() == 1


def test_html_and_script_are_shown_escaped(client, demo, make_entry):
    entry = make_entry(demo.ana, "<script>alert('x')</script> I gave him money from my own wallet.")
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_emoji_and_right_to_left_text_survive(client, demo, make_entry):
    text = "😊 الجلسة كانت هادئة. שלום. We talked calmly."
    entry = make_entry(demo.ana, text)
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert "😊" in body and "שלום" in body


def test_very_long_text_is_saved(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    long_text = ("We worked on the budget plan together and he did the sums himself. " * 1500)[
        :99_000
    ]
    response = client.post(
        reverse("journal:entry_edit", args=[entry.uuid]), _entry_form(entry, notes=long_text)
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert len(entry.notes) == len(long_text.strip())


def test_text_over_the_limit_is_refused_and_kept(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:entry_edit", args=[entry.uuid]), _entry_form(entry, notes="x" * 100_001)
    )
    assert response.status_code == 422
    assert "100,000" in response.content.decode()


def test_over_long_notes_of_a_new_entry_get_only_the_length_message(client, demo):
    own = services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    unsaved = client.get(_start_writing(client, own)).context["entry"]
    response = client.post(
        reverse("journal:entry_edit", args=[unsaved.uuid]),
        _entry_form(unsaved, notes="x" * 100_001, client=str(own.uuid)),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Keep this under 100,000 characters." in page
    assert "an empty entry is not kept" not in page
    assert not SessionEntry.objects.exists()


def test_self_check_is_stored(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    client.post(
        reverse("journal:entry_edit", args=[entry.uuid]),
        _entry_form(entry, check_wallet="no", check_empower="yes", check_bogus="yes"),
    )
    entry.refresh_from_db()
    assert entry.self_check == {"empower": "yes", "wallet": "no"}


def test_list_filters(client, demo, make_entry):
    money = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    quiet = make_entry(demo.ana, "A quiet session about the exams.")
    client.force_login(demo.ana)
    url = reverse("journal:entries")
    flagged = client.get(url, {"flagged": "yes"}).context["page"].object_list
    assert [e.pk for e in flagged] == [money.pk]
    unflagged = client.get(url, {"flagged": "no"}).context["page"].object_list
    assert [e.pk for e in unflagged] == [quiet.pk]
    by_category = client.get(url, {"category": "giving_money"}).context["page"].object_list
    assert [e.pk for e in by_category] == [money.pk]
    searched = client.get(url, {"q": "exams"}).context["page"].object_list
    assert [e.pk for e in searched] == [quiet.pk]


def test_list_answers_htmx_with_results_only(client, demo, make_entry):
    make_entry(demo.ana, "A quiet session about the exams.")
    client.force_login(demo.ana)
    response = client.get(reverse("journal:entries"), headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="results">')
    assert response["Vary"].find("HX-Request") >= 0


def test_client_code_is_unique_per_practitioner(client, demo):
    services.client_create(owner=demo.ana, code="K-17")
    services.client_create(owner=demo.ben, code="K-18")
    client.force_login(demo.ana)
    response = client.post(reverse("journal:client_new"), {"code": "k-17", "tags": "", "notes": ""})
    assert "already have a client" in response.content.decode()
    response = client.post(reverse("journal:client_new"), {"code": "K-18", "tags": "", "notes": ""})
    assert response.status_code == 302  # another practitioner's code is no clash


def test_identifier_in_client_notes_warns_but_saves(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:client_new"),
        {"code": "K-20", "tags": "", "notes": "Phone 06-12345678"},
        follow=True,
    )
    assert Client.objects.filter(code="K-20").exists()
    assert "a phone number" in response.content.decode()


def test_a_client_code_that_looks_like_a_name_warns_but_saves(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:client_new"),
        {"code": "Maria Jansen", "tags": "", "notes": ""},
        follow=True,
    )
    made = Client.objects.get(owner=demo.ana, code="Maria Jansen")
    warning = "The client code “Maria Jansen” looks like a person&#x27;s name."
    assert warning in response.content.decode()
    # It stays on the client's page until the code is changed.
    page = client.get(reverse("journal:client", args=[made.uuid])).content.decode()
    assert warning in page
    response = client.post(
        reverse("journal:client_edit", args=[made.uuid]),
        {"code": "K-21", "tags": "", "notes": ""},
        follow=True,
    )
    assert "looks like a person" not in response.content.decode()


def test_client_delete_needs_the_code_typed(client, demo, confirmed_flag):
    own = confirmed_flag.entry.client
    client.force_login(demo.ana)
    url = reverse("journal:client_delete", args=[own.uuid])
    client.post(url, {"confirm_code": "wrong"})
    assert Client.objects.filter(pk=own.pk).exists()
    client.post(url, {"confirm_code": own.code})
    assert not Client.objects.filter(pk=own.pk).exists()
    assert not Flag.objects.filter(pk=confirmed_flag.pk).exists()


def test_export_holds_everything_of_the_practitioner_only(client, demo, confirmed_flag, make_entry):
    make_entry(demo.ben, "Ben's own session.")
    client.force_login(demo.ana)
    response = client.get(reverse("journal:export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"] == "ana@harbour.example"
    entries = [e for c in data["clients"] for e in c["entries"]]
    assert len(entries) == 1
    flag = entries[0]["flags"][0]
    assert flag["status"] == "confirmed"
    assert [h["action"] for h in flag["history"]] == ["suggested", "confirmed"]
    assert "Ben's own session." not in response.content.decode()


def test_review_inline_saves_and_practitioner_sees_it(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    queue = client.get(reverse("journal:review"))
    assert confirmed_flag in queue.context["page"].object_list
    response = client.post(
        reverse("journal:review_save", args=[confirmed_flag.uuid]),
        {"outcome": "helpful", "comment": "Fine this time.", "resolve": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Review saved" in response.content.decode()
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid])).content.decode()
    assert "Harmless or helpful crossing" in body and "Fine this time." in body


def test_a_reviewed_crossing_still_in_the_queue_says_how_it_was_reviewed_not_how_long_it_waited(
    client, demo, confirmed_flag
):
    confirmed_flag.outcome = Flag.Outcome.WATCH
    confirmed_flag.reviewed_at = confirmed_flag.confirmed_at
    confirmed_flag.reviewed_by = demo.supervisor
    confirmed_flag.save()
    client.force_login(demo.supervisor)
    body = client.get(reverse("journal:review")).content.decode()
    row = body.split(f'id="review-{confirmed_flag.uuid}"', 1)[1].split("</li>", 1)[0]
    summary = row.split("<summary>", 1)[1].split("</summary>", 1)[0]
    state = summary.split('class="muted small queue-waiting">', 1)[1].split("</span>", 1)[0]
    assert state == f"Reviewed before: {confirmed_flag.get_outcome_display()}"


def test_review_queue_is_one_closed_row_per_crossing_with_the_form_inside(
    client, demo, confirmed_flag
):
    client.force_login(demo.supervisor)
    body = client.get(reverse("journal:review")).content.decode()
    row = body.split(f'id="review-{confirmed_flag.uuid}"', 1)[1].split("</li>", 1)[0]
    summary = row.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert "<details" in row and '<details class="review-row" open' not in row
    assert demo.ana.get_full_name() in summary and confirmed_flag.entry.client.code in summary
    assert "Giving money" in summary and "waiting since today" in summary
    # The quote and the form load when the row opens, in place.
    assert "<form" not in row and confirmed_flag.quote not in row
    opened = reverse("journal:review_item", args=[confirmed_flag.uuid])
    assert f'hx-get="{opened}" hx-trigger="toggle once"' in row
    body = client.get(opened, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in body and 'class="review-body' in body
    assert confirmed_flag.quote in body and "Save review" in body


def test_without_javascript_an_opened_row_is_a_page_of_its_own(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    page = client.get(reverse("journal:review_item", args=[confirmed_flag.uuid])).content.decode()
    assert "<html" in page and '<details class="review-row" open' in page
    assert confirmed_flag.quote in page and "Save review" in page


def test_another_supervisors_crossing_cannot_be_opened(client, demo, confirmed_flag):
    client.force_login(demo.supervisor2)
    url = reverse("journal:review_item", args=[confirmed_flag.uuid])
    assert client.get(url).status_code == 404


def test_a_saved_review_or_an_error_keeps_its_row_open(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    url = reverse("journal:review_save", args=[confirmed_flag.uuid])
    refused = client.post(url, {"outcome": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and '<details class="review-row" open' in (
        refused.content.decode()
    )
    saved = client.post(url, {"outcome": "helpful"}, headers={"HX-Request": "true"})
    assert '<details class="review-row" open' in saved.content.decode()


def test_review_with_unknown_outcome_is_refused(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    response = client.post(
        reverse("journal:review_save", args=[confirmed_flag.uuid]),
        {"outcome": "guilty"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    confirmed_flag.refresh_from_db()
    assert confirmed_flag.outcome == ""


def test_review_queue_filters(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    url = reverse("journal:review")
    assert list(client.get(url, {"category": "rescuing"}).context["page"].object_list) == []
    assert list(client.get(url, {"category": "giving_money"}).context["page"].object_list) == [
        confirmed_flag
    ]
    assert list(client.get(url, {"practitioner": "abc"}).context["page"].object_list) == [
        confirmed_flag
    ]


def test_meeting_records_discussed_flags(client, demo, confirmed_flag):
    client.force_login(demo.supervisor)
    url = reverse("journal:meeting_new") + f"?supervisee={demo.ana.pk}"
    page = client.get(url)
    assert confirmed_flag in page.context["form"].fields["flags"].queryset
    response = client.post(
        url,
        {
            "supervisee": demo.ana.pk,
            "held_on": "2026-11-20",
            "notes": "Talked it through.",
            "agreed_actions": "Use the travel fund.",
            "flags": [confirmed_flag.pk],
        },
    )
    assert response.status_code == 302
    client.force_login(demo.ana)
    body = client.get(response.url).content.decode()
    assert "Use the travel fund." in body


def test_trends_count_confirmed_crossings(client, demo, confirmed_flag):
    client.force_login(demo.ana)
    chart = client.get(reverse("journal:trends")).context["chart"]
    totals = {item["code"]: item["total"] for item in chart["legend"]}
    assert totals["giving_money"] == 1 and sum(totals.values()) == 1
    client.force_login(demo.supervisor)
    response = client.get(reverse("journal:team"))
    assert response.context["per_person"] == [(demo.ana, 1)]
    assert "<svg" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "de", "nl", "fr"])
def test_trend_charts_write_their_numbers_the_same_in_every_language(
    client, demo, confirmed_flag, language
):
    for person, name in ((demo.ana, "journal:trends"), (demo.supervisor, "journal:team")):
        person.language = language
        person.save(update_fields=["language"])
        client.force_login(person)
        page = client.get(reverse(name)).content.decode()
        assert page.count("<rect ") > 8, name  # the bars are there, beside the legend's squares
        assert svg_numbers(page) > 40, name
        assert svg_number_problems(page) == [], name


# --- Edit conflicts, double submits and expired sessions never lose typed text ----------------


def test_a_conflict_keeps_both_texts_and_a_second_save_is_deliberate(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    url = reverse("journal:entry_edit", args=[entry.uuid])
    stale = _entry_form(entry, notes="My careful paragraph.")
    services.entry_autosave(entry=entry, data={"notes": "Other tab"}, base_version=entry.version)
    response = client.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 409
    assert "My careful paragraph." in body and "Other tab" in body
    assert response.context["form"]["version"].value() == entry.version  # now the newer one
    response = client.post(url, {**stale, "version": entry.version})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.notes == "My careful paragraph."


def test_a_double_submit_of_save_is_not_a_conflict(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    data = _entry_form(entry, notes="I paid for her lunch with my own money.")
    url = reverse("journal:entry_edit", args=[entry.uuid])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert entry.flags.filter(category="giving_money").count() == 1


def test_autosave_conflict_offers_to_keep_this_tabs_text(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    url = reverse("journal:entry_autosave", args=[entry.uuid])
    services.entry_autosave(entry=entry, data={"notes": "Other tab"}, base_version=entry.version)
    mine = _entry_form(entry, notes="Mine.", version=entry.version - 1)
    response = client.post(url, mine, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Keep the text in this tab" in body
    assert f'"version": "{entry.version}"' in body  # the button saves over the newer version
    response = client.post(url, {**mine, "version": entry.version}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.notes == "Mine."


def test_an_idle_second_tab_autosaving_unchanged_text_is_no_conflict(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    url = reverse("journal:entry_autosave", args=[entry.uuid])
    form = _entry_form(entry)
    client.post(url, form, headers={"HX-Request": "true"})  # the form's minute-precise time
    entry.refresh_from_db()
    for _ in range(3):
        assert client.post(url, form, headers={"HX-Request": "true"}).status_code == 200
    version = entry.version
    entry.refresh_from_db()
    assert entry.version == version


def test_resume_after_signing_in_again_hands_the_editor_a_fresh_token(demo, make_entry):
    from django.test import Client

    entry = make_entry(demo.ana, "Start.")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo.ana)
    page = browser.get(reverse("journal:entry_edit", args=[entry.uuid]))
    old_token = page.context["csrf_token"]
    del browser.cookies["sessionid"]  # the session expired; the CSRF cookie stays
    autosave = reverse("journal:entry_autosave", args=[entry.uuid])
    typed = _entry_form(entry, notes="Typed while signed out.", csrfmiddlewaretoken=old_token)
    assert browser.post(autosave, typed, headers={"HX-Request": "true"}).status_code == 401
    browser.get(reverse("login"))  # signing in again (in another tab) rotates the CSRF secret
    signed_in = browser.post(
        reverse("login"),
        {
            "username": "ana@harbour.example",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    assert signed_in.status_code == 302
    assert browser.post(autosave, typed, headers={"HX-Request": "true"}).status_code == 403
    response = browser.get(
        reverse("journal:entry_resume", args=[entry.uuid]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="entry-csrf"' in body and 'hx-swap-oob="true"' in body
    assert 'hx-trigger="load,' in body
    fresh = re.search(r'id="entry-csrf" value="([^"]+)"', body).group(1)
    typed["csrfmiddlewaretoken"] = fresh
    assert browser.post(autosave, typed, headers={"HX-Request": "true"}).status_code == 200
    entry.refresh_from_db()
    assert entry.notes == "Typed while signed out."


def test_the_editor_autosaves_without_javascript_eval(client, demo, make_entry):
    """htmx runs with allowEval off: no trigger filters in [brackets] (they would always fire)."""
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry_edit", args=[entry.uuid])).content.decode()
    assert "every 15s" in body and "[window." not in body


# --- Bad input gets a clear message and keeps what was typed -------------------------------


def test_a_filter_that_does_not_parse_says_so_and_the_others_apply(client, demo, make_entry):
    money = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    make_entry(demo.ana, "A quiet session about the exams.")
    client.force_login(demo.ana)
    response = client.get(reverse("journal:entries"), {"date_from": "yesterday", "flagged": "yes"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert [e.pk for e in response.context["page"].object_list] == [money.pk]


@pytest.mark.parametrize("htmx", [False, True])
def test_impossible_filter_dates_are_reported_in_the_results_not_applied_silently(
    client, demo, make_entry, htmx
):
    make_entry(demo.ana, "A quiet session about the exams.")
    client.force_login(demo.ana)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(
        reverse("journal:entries"),
        {"date_from": "9999-01-01", "date_to": "9999-12-31"},
        headers=headers,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "These filters are not applied until they are corrected:" in page
    assert "From: Give a date between 1900 and 2100." in page
    assert "Until: Give a date between 1900 and 2100." in page


def test_a_from_date_after_the_until_date_is_refused(client, demo, make_entry):
    make_entry(demo.ana, "A quiet session about the exams.")
    client.force_login(demo.ana)
    response = client.get(
        reverse("journal:entries"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    page = response.content.decode()
    assert "Choose an end date on or after the start date." in page
    assert "These filters are not applied until they are corrected:" in page
    assert not response.context["form"].is_valid()
    # Within range and in order, nothing is reported.
    fine = client.get(
        reverse("journal:entries"), {"date_from": "2026-04-01", "date_to": "2026-05-01"}
    )
    assert "not applied" not in fine.content.decode()


def test_a_double_submitted_new_client_lands_on_the_client(client, demo):
    client.force_login(demo.ana)
    data = {"code": "K-30", "tags": "debt", "notes": "Prefers mornings."}
    first = client.post(reverse("journal:client_new"), data)
    second = client.post(reverse("journal:client_new"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Client.objects.filter(owner=demo.ana).count() == 1


def test_reporting_without_a_kind_keeps_the_note(client, demo, make_entry):
    entry = make_entry(demo.ana)
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:flag_report", args=[entry.uuid]),
        {"category": "", "note": "We met at my sister's party."},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Choose what kind of crossing it was." in body
    assert "We met at my sister&#x27;s party." in body


def test_a_review_without_outcome_keeps_the_comment_without_javascript(
    client, demo, confirmed_flag
):
    client.force_login(demo.supervisor)
    response = client.post(
        reverse("journal:review_save", args=[confirmed_flag.uuid]),
        {"outcome": "", "comment": "Let us talk on Monday."},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Choose an outcome" in body and "Let us talk on Monday." in body


def test_autosave_and_live_detection_take_100_kb(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    text = ("Ik gaf hem tien euro uit mijn eigen portemonnee. 😊 שלום " * 2000)[:100_000]
    response = client.post(
        reverse("journal:entry_autosave", args=[entry.uuid]),
        _entry_form(entry, notes=text, felt=text),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.notes == text.strip()
    response = client.post(reverse("journal:detect"), {"notes": text, "felt": text})
    assert response.status_code == 200 and '<mark class="evidence"' in response.content.decode()


HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def test_html_in_every_field_is_shown_escaped_on_every_page(client, demo):
    """Clients, entries, flags, reviews and meetings: what anyone typed is text, never markup."""
    own = services.client_create(owner=demo.ana, code=HOSTILE[:40], tags=HOSTILE, notes=HOSTILE)
    entry = services.entry_create(owner=demo.ana, client=own)
    fields = dict.fromkeys(
        ("notes", "felt", "went_well", "differently", "next_steps"),
        f"{HOSTILE}.\nI gave him money from my own wallet.",
    )
    services.entry_save(entry=entry, data=fields, base_version=entry.version, by=demo.ana)
    suggested = list(entry.flags.all())
    services.flag_confirm(flag=suggested[0], by=demo.ana)
    for flag in suggested[1:]:
        services.flag_dismiss(flag=flag, by=demo.ana, reason=HOSTILE)
    reported = services.flag_report(entry=entry, category="rescuing", note=HOSTILE, by=demo.ana)
    services.flag_review(
        flag=reported, by=demo.supervisor, outcome="watch", comment=HOSTILE, resolve=False
    )
    meeting = services.meeting_record(
        supervisor=demo.supervisor,
        supervisee=demo.ana,
        held_on=date(2026, 11, 20),
        notes=HOSTILE,
        agreed_actions=HOSTILE,
        flags=[reported],
    )
    pages = {
        demo.ana: [
            reverse("journal:entries"),
            reverse("journal:clients"),
            reverse("journal:client", args=[own.uuid]),
            reverse("journal:client_edit", args=[own.uuid]),
            reverse("journal:client_delete", args=[own.uuid]),
            reverse("journal:entry", args=[entry.uuid]),
            reverse("journal:entry_edit", args=[entry.uuid]),
            reverse("journal:meeting", args=[meeting.uuid]),
            reverse("journal:meetings"),
        ],
        demo.supervisor: [
            reverse("journal:review"),
            reverse("journal:entry", args=[entry.uuid]),
            reverse("journal:meeting", args=[meeting.uuid]),
            reverse("journal:meeting_new") + f"?supervisee={demo.ana.pk}",
        ],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            body = client.get(url).content.decode()
            assert "<script>alert" not in body and "<img src=x" not in body, url
            if "meetings/" not in url or str(meeting.uuid) in url:
                assert "&lt;script&gt;" in body, url
    client.force_login(demo.ana)
    body = client.post(reverse("journal:detect"), fields).content.decode()
    assert "<script>alert" not in body


def test_right_to_left_text_is_marked_for_direction(client, demo, make_entry):
    entry = make_entry(demo.ana, "الجلسة كانت هادئة. 😊")
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert '<div class="prose" dir="auto">الجلسة كانت هادئة. 😊' in body
    edit = client.get(reverse("journal:entry_edit", args=[entry.uuid])).content.decode()
    assert 'dir="auto"' in edit and "الجلسة" in edit


def test_confirming_says_whose_queue_and_when_the_follow_up_comes(client, demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    client.force_login(demo.ana)
    with translation.override("en"):
        response = client.post(
            reverse("journal:flag_confirm", args=[flag.uuid]), headers={"HX-Request": "true"}
        )
    flag.refresh_from_db()
    follow_up = flag_followup_on(flag)
    body = response.content.decode()
    assert f"It goes to the review queue of {demo.supervisor.get_full_name()}." in body
    assert f"on {follow_up:%A} {date_format(follow_up, 'DATE_FORMAT')}" in body
    # Without JavaScript the entry page says the same beside the flag.
    page = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert "It goes to the review queue of" in page


def test_confirming_without_a_supervisor_says_nobody_will_review(client, demo, make_entry):
    SupervisionLink.objects.filter(supervisee=demo.ana).delete()
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:flag_confirm", args=[flag.uuid]), headers={"HX-Request": "true"}
    )
    assert "No supervisor is linked to you yet" in response.content.decode()


def test_the_follow_up_date_is_in_the_readers_language(client, demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    demo.ana.language = "de"
    demo.ana.save(update_fields=["language"])
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:flag_confirm", args=[flag.uuid]), headers={"HX-Request": "true"}
    )
    flag.refresh_from_db()
    with translation.override("de"):
        expected = date_format(flag_followup_on(flag), "DATE_FORMAT")
    assert expected in response.content.decode()


def test_the_follow_up_weekday_is_written_as_inside_a_sentence(client, demo, make_entry):
    """Dutch and French write a weekday in lower case inside a sentence ("op maandag")."""
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    demo.ana.language = "nl"
    demo.ana.save(update_fields=["language"])
    client.force_login(demo.ana)
    body = client.post(
        reverse("journal:flag_confirm", args=[flag.uuid]),
        headers={"HX-Request": "true"},
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    flag.refresh_from_db()
    day = flag_followup_on(flag)
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    with translation.override("nl"):
        expected = f"op {weekday[day.weekday()]} {date_format(day, 'DATE_FORMAT')}"
    assert expected in body


def test_a_review_shows_as_new_until_the_practitioner_opens_the_entry(client, demo, confirmed_flag):
    entry = confirmed_flag.entry
    client.force_login(demo.ana)
    client.get(reverse("journal:entry", args=[entry.uuid]))  # read before any review
    assert not client.get(reverse("journal:entries")).context["page"][0].review_unseen
    services.flag_review(
        flag=confirmed_flag, by=demo.supervisor, outcome="watch", comment="Talk?", resolve=False
    )
    listed = client.get(reverse("journal:entries"))
    assert listed.context["page"][0].review_unseen
    assert 'class="badge ok"' in listed.content.decode()
    first = client.get(reverse("journal:entry", args=[entry.uuid]))
    assert first.context["new_review"]
    assert "since you last opened it" in first.content.decode()
    again = client.get(reverse("journal:entry", args=[entry.uuid]))
    assert not again.context["new_review"]
    assert not client.get(reverse("journal:entries")).context["page"][0].review_unseen


def test_a_supervisor_reading_the_entry_does_not_clear_the_marker(client, demo, confirmed_flag):
    services.flag_review(
        flag=confirmed_flag, by=demo.supervisor, outcome="watch", comment="", resolve=False
    )
    client.force_login(demo.supervisor)
    client.get(reverse("journal:entry", args=[confirmed_flag.entry.uuid]))
    confirmed_flag.entry.refresh_from_db()
    assert confirmed_flag.entry.review_seen_at is None
    client.force_login(demo.ana)
    assert client.get(reverse("journal:entries")).context["page"][0].review_unseen


def _live_count(body: str) -> str:
    match = re.search(r'<a id="live-count"[^>]*>(.*?)</a>', body, re.S)
    assert match, "no live count"
    return match.group(0)


def test_live_check_updates_the_count_by_the_text(client, demo):
    client.force_login(demo.ana)
    response = client.post(
        reverse("journal:detect"),
        {"notes": "I gave him twenty euros from my own wallet. Call me on +31 6 1234 5678."},
        headers={"HX-Request": "true"},
    )
    chip = _live_count(response.content.decode())
    assert 'hx-swap-oob="true"' in chip
    assert "2 findings to look at" in chip and "has-findings" in chip
    calm = client.post(
        reverse("journal:detect"), {"notes": "A calm session."}, headers={"HX-Request": "true"}
    )
    chip = _live_count(calm.content.decode())
    assert "Nothing to point out so far." in chip and "has-findings" not in chip


def test_the_editor_has_a_count_that_jumps_to_the_findings(client, demo, make_entry):
    entry = make_entry(demo.ana, "Start.")
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entry_edit", args=[entry.uuid])).content.decode()
    chip = _live_count(body)
    assert 'href="#live-heading"' in chip and "hx-swap-oob" not in chip
    assert 'id="live-heading"' in body
    # The count sits in the form, before the first text field, so it stays by the text.
    assert body.index('id="live-count"') < body.index('name="notes"')


def test_a_crossing_confirmed_today_waits_since_today_not_zero_minutes():
    from datetime import timedelta

    from django.utils import timezone

    from journal.templatetags.journal_tags import waiting_since

    now = timezone.now()
    with translation.override("en"):
        assert waiting_since(now, now) == "waiting since today"
        assert waiting_since(now - timedelta(days=1), now) == "waiting since yesterday"
        assert waiting_since(now - timedelta(days=3, hours=2), now) == "waiting 3\xa0days"
    with translation.override("nl"):
        assert waiting_since(now, now) != "waiting since today"


def test_the_client_filter_offers_all_clients_not_dashes(client, demo):
    services.client_create(owner=demo.ana, code="A-1")
    client.force_login(demo.ana)
    body = client.get(reverse("journal:entries")).content.decode()
    assert '<option value="" selected>All clients</option>' in body
    assert "---------" not in body
