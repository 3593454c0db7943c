"""ActionGiveContactDetails against the real domain and the real clinic profile."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ActionGiveContactDetails
from bot.config import load_clinic


def test_name_is_the_snake_case_of_the_class(domain):
    assert ActionGiveContactDetails().name() == "action_give_contact_details"
    assert "action_give_contact_details" in domain["actions"]


async def test_asking_for_a_person_gives_phone_email_hours_and_locations(domain, tracker_for):
    profile = load_clinic()
    dispatcher = CollectingDispatcher()
    events = await ActionGiveContactDetails().run(
        dispatcher, tracker_for("can I talk to a person", intent="ask_human"), domain
    )

    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert profile.phone_display in text
    assert profile.email in text
    for line in profile.hours:
        assert line in text
    for location in profile.locations:
        assert location.name in text and location.address in text
    assert {"event": "slot", "name": "human_offered", "value": False, "timestamp": None} in events


async def test_after_a_crisis_the_contact_details_leave_out_the_street_addresses(domain,
                                                                                 tracker_for):
    """"leave me alone" after a crisis reply: the care team's phone, e-mail and hours stay; two
    street addresses would be beside the point."""
    profile = load_clinic()
    dispatcher = CollectingDispatcher()
    await ActionGiveContactDetails().run(
        dispatcher, tracker_for("leave me alone", intent="deny", slots={"crisis_mode": True}),
        domain)
    text = dispatcher.messages[0]["text"]
    assert profile.phone_display in text and profile.email in text
    assert not any(location.address in text for location in profile.locations)


async def test_after_a_crisis_the_card_is_not_repeated_under_every_short_reply(domain,
                                                                              tracker_for):
    profile = load_clinic()
    card = {"event": "bot", "text": f"You can reach the team:\nPhone: {profile.phone_display}"}
    earlier = [{"event": "user", "text": "whatever"}, card]
    dispatcher = CollectingDispatcher()
    await ActionGiveContactDetails().run(
        dispatcher, tracker_for("leave me alone", intent="deny", slots={"crisis_mode": True},
                                events=earlier), domain)
    assert dispatcher.messages == []
    asked = CollectingDispatcher()
    await ActionGiveContactDetails().run(
        asked, tracker_for("whats your number", intent="ask_human", slots={"crisis_mode": True},
                           events=earlier), domain)
    assert profile.phone_display in asked.messages[0]["text"]
