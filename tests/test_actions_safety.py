"""ActionNoteConsultationOffer (after the medical-advice refusal) against the real domain."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionNoteConsultationOffer


async def _replies(domain, tracker_for, text):
    dispatcher = CollectingDispatcher()
    events = await ActionNoteConsultationOffer().run(
        dispatcher, tracker_for(text, intent="medical_advice"), domain)
    assert {"event": "slot", "name": "booking_offered", "value": True,
            "timestamp": None} in events
    return dispatcher.messages


async def test_a_history_of_suicide_asked_about_gets_the_way_to_help_gently(domain, tracker_for):
    messages = await _replies(domain, tracker_for, "I attempted suicide 5 years ago, I'm stable "
                              "now. would that history make me ineligible?")
    assert [m.get("response") for m in messages] == ["utter_safety_resources"]


async def test_an_ordinary_eligibility_question_gets_only_the_offer(domain, tracker_for):
    assert await _replies(domain, tracker_for, "would my bipolar diagnosis rule me out?") == []


async def test_a_current_patient_hears_of_the_care_team_on_a_later_medical_question(
        domain, tracker_for):
    """Review 18: "can i take tylenol or ibuprofen for it", after "had my 2nd infusion
    yesterday", got only the offer of a new consultation."""
    said = "can i take tylenol or ibuprofen for it"
    events = [{"event": "user", "text": "had my 2nd infusion yesterday and feel nauseous"},
              {"event": "user", "text": said}]
    dispatcher = CollectingDispatcher()
    await ActionNoteConsultationOffer().run(
        dispatcher, tracker_for(said, intent="medical_advice", events=events), domain)
    assert "care team" in " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert await _replies(domain, tracker_for, said) == []


async def test_stopping_a_medicine_gets_the_general_rule_not_to_do_it_alone(domain, tracker_for):
    """Review 18: "Can I stop my zoloft once I start ketamine?" never heard "don't stop it on
    your own"."""
    messages = await _replies(domain, tracker_for, "Can I stop my zoloft once I start ketamine? "
                              "I hate the side effects")
    assert any("don't stop or change a prescribed medicine" in (m.get("text") or "")
               for m in messages), messages
    assert await _replies(domain, tracker_for, "what dose of ketamine would i get") == []


async def test_blood_thinners_after_a_head_injury_get_the_emergency_reply(domain, tracker_for):
    """Review 19: "shes on blood thinners" after "she hit her head on the counter" got only the
    refusal of individual advice."""
    said = "shes on blood thinners"
    events = [{"event": "user", "text": "she hit her head on the counter, has a big bump"},
              {"event": "user", "text": said}]
    dispatcher = CollectingDispatcher()
    await ActionNoteConsultationOffer().run(
        dispatcher, tracker_for(said, intent="medical_advice", events=events), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_urgent_medical"]
