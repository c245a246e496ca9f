"""Taking the inventory: a step per section, answers saved as given, resumable, finished once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from boundaries import selectors, services
from boundaries.models import Answer, Item, Take
from boundaries.reminders import INVENTORY_RETAKE
from reminders.models import Reminder
from tests.boundaries.conftest import answer_all, completed_take
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def take(practitioner, v1):
    return services.take_start(user=practitioner)


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def item(take, code):
    return Item.objects.get(version_id=take.version_id, code=code)


def answer_url(take):
    return reverse("boundaries:answer", args=[take.uuid])


# --- starting and resuming ------------------------------------------------------------------


def test_start_creates_a_take_on_the_latest_version_and_opens_step_one(signed_in, practitioner, v1):
    response = signed_in.post(reverse("boundaries:start"))
    take = Take.objects.get(user=practitioner)
    assert take.version == v1 and take.completed_at is None
    assert response.url == reverse("boundaries:take", args=[take.uuid])
    assert signed_in.get(response.url).url == reverse("boundaries:step", args=[take.uuid, 1])


def test_starting_twice_resumes_the_open_take(signed_in, practitioner, take):
    signed_in.post(reverse("boundaries:start"))
    assert Take.objects.filter(user=practitioner).count() == 1


def test_start_refuses_get(signed_in, v1):
    assert signed_in.get(reverse("boundaries:start")).status_code == 405


def test_resume_goes_to_the_step_of_the_first_unanswered_item(signed_in, take):
    for code in ["values_know_hot_buttons", "values_list_biases"]:
        services.answer_save(take=take, item_id=item(take, code).pk, value=4)
    for section_item in Item.objects.filter(version_id=take.version_id, section__code="values"):
        services.answer_save(take=take, item_id=section_item.pk, value=4)
    services.answer_save(take=take, item_id=item(take, "assumptions_too_busy").pk, value=2)
    assert selectors.resume_step(take) == 2
    response = signed_in.get(reverse("boundaries:take", args=[take.uuid]))
    assert response.url == reverse("boundaries:step", args=[take.uuid, 2])


def test_resume_skips_a_gap_left_in_an_earlier_step(take):
    answer_all(take, 3)
    take.answers.filter(item__code="inner_bars_perfect_role").delete()
    assert selectors.resume_step(take) == 3


def test_home_offers_to_resume_with_progress(signed_in, take):
    services.answer_save(take=take, item_id=item(take, "values_list_biases").pk, value=4)
    page = signed_in.get(reverse("boundaries:home")).content.decode()
    assert "1 of 35 answered" in page
    assert reverse("boundaries:take", args=[take.uuid]) in page
    assert '<progress id="home-progress" max="35" value="1">' in page


# --- a step ---------------------------------------------------------------------------------


def test_a_step_shows_its_section_as_radio_groups_in_fieldsets(signed_in, take):
    page = signed_in.get(reverse("boundaries:step", args=[take.uuid, 2])).content.decode()
    assert page.count("<fieldset") == 10  # ten assumptions
    assert page.count("<legend>") == 10
    assert "Step 2 of 5" in page
    assert 'type="radio"' in page and "Strongly agree" in page
    assert 'aria-live="polite"' in page
    assert "0 of 35 answered" in page


def test_a_step_is_in_the_users_language(client, take, practitioner):
    practitioner.language = "de"
    practitioner.save()
    client.force_login(practitioner)
    page = client.get(reverse("boundaries:step", args=[take.uuid, 1])).content.decode()
    assert "Werte und Reizthemen" in page
    assert "Stimme voll zu" in page


def test_a_step_that_does_not_exist_is_404(signed_in, take):
    assert signed_in.get(reverse("boundaries:step", args=[take.uuid, 6])).status_code == 404
    assert signed_in.get(reverse("boundaries:step", args=[take.uuid, 0])).status_code == 404


def test_a_htmx_step_request_gets_only_the_step(signed_in, take):
    response = signed_in.get(reverse("boundaries:step", args=[take.uuid, 3]), **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="take-step"')
    assert 'hx-swap-oob="true"' in page  # the progress bar is refreshed too
    assert "<html" not in page
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_posting_a_step_saves_its_answers_and_goes_on(signed_in, take):
    values = Item.objects.filter(version_id=take.version_id, section__code="values")
    data = {f"item-{i.pk}": "4" for i in values}
    response = signed_in.post(reverse("boundaries:step", args=[take.uuid, 1]), data)
    assert response.url == reverse("boundaries:step", args=[take.uuid, 2])
    assert take.answers.count() == 6


def test_posting_a_step_with_htmx_swaps_in_the_next_step_and_pushes_its_url(signed_in, take):
    response = signed_in.post(reverse("boundaries:step", args=[take.uuid, 1]), {}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse("boundaries:step", args=[take.uuid, 2])
    assert "Assumptions about clients" in response.content.decode()


def test_previous_and_later_buttons(signed_in, take):
    url = reverse("boundaries:step", args=[take.uuid, 3])
    assert signed_in.post(url, {"go": "previous"}).url == reverse(
        "boundaries:step", args=[take.uuid, 2]
    )
    assert signed_in.post(url, {"go": "later"}).url == reverse("boundaries:home")


def test_the_last_step_leads_to_the_finish_page(signed_in, take):
    response = signed_in.post(reverse("boundaries:step", args=[take.uuid, 5]), {})
    assert response.url == reverse("boundaries:finish", args=[take.uuid])
    response = signed_in.post(reverse("boundaries:step", args=[take.uuid, 5]), {}, **HTMX)
    assert response["HX-Redirect"] == reverse("boundaries:finish", args=[take.uuid])


# --- autosave -------------------------------------------------------------------------------


def test_a_single_answer_is_saved_the_moment_it_is_given(signed_in, take):
    target = item(take, "values_list_biases")
    response = signed_in.post(answer_url(take), {f"item-{target.pk}": "4"}, **HTMX)
    assert response.status_code == 200
    assert Answer.objects.get(take=take, item=target).value == 4
    page = response.content.decode()
    assert "Saved" in page
    assert "1 of 35 answered" in page and 'hx-swap-oob="true"' in page
    # The step's own count in the step list is refreshed too.
    assert '<span class="count" id="step-count-1" hx-swap-oob="true">1/6' in page


def test_answering_again_updates_the_answer(signed_in, take):
    target = item(take, "values_list_biases")
    signed_in.post(answer_url(take), {f"item-{target.pk}": "4"}, **HTMX)
    signed_in.post(answer_url(take), {f"item-{target.pk}": "2"}, **HTMX)
    assert Answer.objects.filter(take=take).count() == 1
    assert Answer.objects.get(take=take, item=target).value == 2


def test_an_answer_posted_without_htmx_returns_to_its_step(signed_in, take):
    target = item(take, "empathy_take_time")
    response = signed_in.post(answer_url(take), {f"item-{target.pk}": "3"})
    assert response.url == reverse("boundaries:step", args=[take.uuid, 5])


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "6", "-1", "99", "three", "", "4.5", "9" * 30])
def test_an_answer_off_the_scale_is_refused_with_a_message(signed_in, take, value):
    target = item(take, "values_list_biases")
    response = signed_in.post(answer_url(take), {f"item-{target.pk}": value}, **HTMX)
    assert response.status_code == 422
    assert "Choose" in response.content.decode()
    assert not take.answers.exists()


def test_an_item_of_another_version_is_refused(signed_in, take, v2_data):
    v2, _ = services.catalogue_publish(data=v2_data)
    foreign = Item.objects.get(version=v2, code="values_list_biases")
    response = signed_in.post(answer_url(take), {f"item-{foreign.pk}": "3"}, **HTMX)
    assert response.status_code == 422
    assert "not about a statement of this inventory" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "item_id", ["999999", "abc", "", "1; DROP TABLE", "-1", "0", "99999999999999999999999"]
)
def test_a_tampered_item_id_is_refused(signed_in, take, item_id):
    response = signed_in.post(answer_url(take), {f"item-{item_id}": "3"}, **HTMX)
    assert response.status_code == 422
    assert not Answer.objects.exists()


def test_an_answer_post_must_carry_exactly_one_answer(signed_in, take):
    a, b = item(take, "values_list_biases"), item(take, "empathy_take_time")
    assert signed_in.post(answer_url(take), {}, **HTMX).status_code == 400
    response = signed_in.post(answer_url(take), {f"item-{a.pk}": "3", f"item-{b.pk}": "3"}, **HTMX)
    assert response.status_code == 400
    assert "exactly one answer" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_step_with_one_bad_answer_saves_none_of_them(signed_in, take):
    items = list(Item.objects.filter(version_id=take.version_id, section__code="values"))
    data = {f"item-{i.pk}": "4" for i in items}
    data[f"item-{items[-1].pk}"] = "7"
    response = signed_in.post(reverse("boundaries:step", args=[take.uuid, 1]), data)
    assert response.status_code == 422
    assert "Choose an answer from 1 to 5." in response.content.decode()
    assert not take.answers.exists()


def test_a_refused_step_keeps_what_was_chosen_and_marks_the_faulty_answer(signed_in, take):
    items = list(Item.objects.filter(version_id=take.version_id, section__code="values"))
    data = {f"item-{i.pk}": "4" for i in items[:-1]}
    data[f"item-{items[-1].pk}"] = "many"
    for headers in ({}, HTMX):
        response = signed_in.post(reverse("boundaries:step", args=[take.uuid, 1]), data, **headers)
        assert response.status_code == 422
        page = response.content.decode()
        assert page.count('value="4" checked') == len(items) - 1
        assert f'id="error-{items[-1].pk}"' in page
        assert page.count('class="error" id="error-') == 1
        assert "could not be read" in page
    assert not take.answers.exists()


def test_answering_a_finished_take_is_refused_with_a_message(signed_in, practitioner, v1):
    done = completed_take(practitioner)
    target = item(done, "values_list_biases")
    before = done.answers.get(item=target).value
    response = signed_in.post(answer_url(done), {f"item-{target.pk}": "1"}, **HTMX)
    assert response.status_code == 400
    assert "already finished" in response.content.decode()
    response = signed_in.post(answer_url(done), {f"item-{target.pk}": "1"})
    assert response.status_code == 400
    assert "already finished" in response.content.decode()
    step_url = reverse("boundaries:step", args=[done.uuid, 1])
    response = signed_in.post(step_url, {f"item-{target.pk}": "1"})
    assert response.status_code == 400
    assert "already finished" in response.content.decode()
    # With htmx (a second tab still showing a step) the page moves on to the results.
    response = signed_in.post(step_url, {f"item-{target.pk}": "1"}, **HTMX)
    assert response["HX-Redirect"] == reverse("boundaries:results", args=[done.uuid])
    assert done.answers.get(item=target).value == before
    assert signed_in.get(step_url).url == reverse("boundaries:results", args=[done.uuid])


def test_answering_someone_elses_take_is_404(client, take):
    other = MembershipFactory().user
    client.force_login(other)
    target = item(take, "values_list_biases")
    assert client.post(answer_url(take), {f"item-{target.pk}": "3"}).status_code == 404
    assert client.post(reverse("boundaries:finish", args=[take.uuid])).status_code == 404
    assert not take.answers.exists()


# --- finishing ------------------------------------------------------------------------------


def test_finishing_with_open_items_names_what_is_missing(signed_in, take):
    answer_all(take, 3)
    take.answers.filter(item__code__in=["inner_bars_perfect_role", "empathy_take_time"]).delete()
    response = signed_in.post(reverse("boundaries:finish", args=[take.uuid]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "2 still open" in page
    assert escape(item(take, "inner_bars_perfect_role").statement["en"]) in page
    assert escape(item(take, "empathy_take_time").statement["en"]) in page
    assert reverse("boundaries:step", args=[take.uuid, 3]) in page
    take.refresh_from_db()
    assert take.completed_at is None
    assert not Reminder.objects.exists()


def test_finishing_completes_the_take_and_schedules_a_retake_in_90_days(signed_in, take):
    answer_all(take, 3)
    response = signed_in.post(reverse("boundaries:finish", args=[take.uuid]))
    assert response.url == reverse("boundaries:results", args=[take.uuid])
    take.refresh_from_db()
    assert take.completed_at is not None
    reminder = Reminder.objects.get()
    assert reminder.kind == "inventory_retake"
    assert reminder.recipient == take.user
    assert reminder.due_at == take.completed_at + timedelta(days=90)
    assert reminder.about == f"boundaries.take:{take.uuid}"
    assert reminder.idempotency_key == f"inventory_retake:{take.uuid}"
    assert reminder.link == reverse("boundaries:home")


def test_a_double_submit_of_finish_is_refused_with_a_message(signed_in, take):
    answer_all(take, 3)
    url = reverse("boundaries:finish", args=[take.uuid])
    signed_in.post(url)
    take.refresh_from_db()
    finished_at = take.completed_at
    response = signed_in.post(url)
    assert response.status_code == 400
    assert "already finished" in response.content.decode()
    take.refresh_from_db()
    assert take.completed_at == finished_at
    assert Reminder.objects.count() == 1


def test_the_finish_service_is_a_compare_and_swap(take):
    answer_all(take, 3)
    stale = Take.objects.get(pk=take.pk)
    services.take_complete(take=take)
    with pytest.raises(services.AlreadyFinished):
        services.take_complete(take=stale)


def test_retaking_replaces_the_waiting_reminder(practitioner, v1):
    first = services.take_start(user=practitioner)
    answer_all(first, 3)
    services.take_complete(take=first)
    second = services.take_start(user=practitioner)
    assert second != first
    answer_all(second, 4)
    services.take_complete(take=second)
    second.refresh_from_db()
    waiting = Reminder.objects.get(status=Reminder.Status.PENDING)
    assert waiting.about == f"boundaries.take:{second.uuid}"
    assert waiting.due_at == second.completed_at + timedelta(days=90)
    withdrawn = Reminder.objects.get(about=f"boundaries.take:{first.uuid}")
    assert withdrawn.status == Reminder.Status.CANCELLED


def test_a_retake_after_the_last_suggestion_was_delivered_gets_a_new_one(practitioner, v1):
    first = services.take_start(user=practitioner)
    answer_all(first, 3)
    services.take_complete(take=first)
    Reminder.objects.update(status=Reminder.Status.SENT)  # the 90 days passed, it was delivered
    second = services.take_start(user=practitioner)
    answer_all(second, 4)
    services.take_complete(take=second)
    second.refresh_from_db()
    delivered, waiting = Reminder.objects.order_by("id")
    assert delivered.status == Reminder.Status.SENT  # history stays as it was
    assert waiting.status == Reminder.Status.PENDING
    assert waiting.due_at == second.completed_at + timedelta(days=90)


def test_a_suggestion_under_the_old_per_person_key_is_withdrawn_too(practitioner, v1):
    import reminders

    old = completed_take(practitioner, days_ago=20)
    reminders.schedule(
        kind=INVENTORY_RETAKE,
        recipient=practitioner,
        due_at=old.completed_at + timedelta(days=90),
        about=f"boundaries.take:{old.uuid}",
        key=f"inventory_retake:{practitioner.pk}",
    )
    take = services.take_start(user=practitioner)
    answer_all(take, 3)
    services.take_complete(take=take)
    assert list(
        Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("about", flat=True)
    ) == [f"boundaries.take:{take.uuid}"]


def test_finishing_without_an_organisation_schedules_nothing_and_does_not_fail(practitioner, v1):
    take = services.take_start(user=practitioner)
    answer_all(take, 3)
    Membership.objects.filter(user=practitioner).delete()
    take = Take.objects.get(pk=take.pk)
    services.take_complete(take=take)
    take.refresh_from_db()
    assert take.completed_at is not None
    assert not Reminder.objects.exists()


def test_home_suggests_the_next_retake_date(signed_in, practitioner, v1):
    take = completed_take(practitioner, days_ago=10)
    page = signed_in.get(reverse("boundaries:home")).content.decode()
    expected = (take.completed_at + timedelta(days=90)).astimezone(practitioner.tzinfo)
    assert "Next re-take suggested on" in page
    assert f"{expected.day} {expected:%B %Y}" in page
