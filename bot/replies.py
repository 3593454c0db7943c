"""The assistant's own reply texts, built from the clinic profile.

Phone, hours, e-mail and locations are configuration (knowledge/clinic.yml), so replies that
mention them are composed here rather than written into domain.yml. Every function is pure:
the action server calls them, and tests call them to know what a reply must contain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.config import ClinicProfile

CHOOSE_ANSWER_INTENT = "choose_answer"
ASK_HUMAN_PAYLOAD = "/ask_human"


def help_now_line(profile: ClinicProfile) -> str:
    """The crisis and emergency numbers, as every notice about a problem ends."""
    return (
        f"In a crisis, call or text {profile.crisis_line}; in an emergency, call "
        f"{profile.emergency_number}."
    )


def something_went_wrong(profile: ClinicProfile) -> str:
    """What a patient reads when handling their message failed on our side (every channel)."""
    return (
        f"Sorry, something went wrong on our side. Please call {profile.name} at "
        f"{profile.phone_display}. {help_now_line(profile)}"
    )


def too_fast(profile: ClinicProfile) -> str:
    """What a sender over a rate limit reads (crisis resources included, never silence)."""
    return (
        "You're sending messages faster than I can read them. Please wait a minute, then send "
        f"your question again, or call {profile.name} at {profile.phone_display}. "
        f"{help_now_line(profile)}"
    )


def message_too_long(profile: ClinicProfile, max_chars: int) -> str:
    """A message over the channel's length limit (it never reaches NLU)."""
    return (
        f"That message is too long for me (the limit is {max_chars} characters). Please ask "
        f"one short question at a time. {help_now_line(profile)}"
    )


def disclaimer(profile: ClinicProfile) -> str:
    """The first reply of every conversation: who is talking, and what to do in an emergency."""
    return (
        f"Hi, I'm the automated assistant of {profile.name}. I'm not a clinician and can't give "
        "medical advice; I answer from the clinic's reviewed information. "
        f"If this is an emergency, call {profile.emergency_number}."
    )


def format_answer(answer: str, source: str) -> str:
    """An answer from the knowledge base, with its source on its own line."""
    return f"{answer.strip()}\n\nSource: {source}"


def choose_answer_payload(answer_id: str) -> str:
    """The button payload that makes Rasa answer the entry ``answer_id`` directly."""
    return "/" + CHOOSE_ANSWER_INTENT + json.dumps({"answer_id": answer_id}, separators=(",", ":"))


def clarify_prompt() -> str:
    """The question asked when several entries fit equally well."""
    return "I'm not sure which of these you mean. Please pick one:"


def clarify_buttons(options: Iterable[Any]) -> list[dict[str, str]]:
    """One button per candidate: its question or title, answering that entry when chosen."""
    return [
        {"title": option.title, "payload": choose_answer_payload(option.id)} for option in options
    ]


def human_offer_buttons() -> list[dict[str, str]]:
    """The button that gives the clinic's contact details."""
    return [{"title": "Talk to a person", "payload": ASK_HUMAN_PAYLOAD}]


def dont_know(profile: ClinicProfile) -> str:
    """The honest reply when the knowledge base has no good answer."""
    return (
        "I'm sorry, I don't know the answer to that, and I'd rather not guess. "
        f"The team at {profile.name} can help: call {profile.phone_display} "
        f"({profile.hours_text}). Would you like to talk to a person?"
    )


def care_team_after_session(profile: ClinicProfile) -> str:
    """For a patient who has had a session and feels unwell since: whom to call."""
    return (
        f"If you've already had a session with us and still feel unwell, please call your care "
        f"team at {profile.name} on {profile.phone_display} ({profile.hours_text}). If it "
        f"feels severe, call {profile.emergency_number} now."
    )


def feelings_after_session(profile: ClinicProfile) -> str:
    """For a patient who has had sessions and says how they feel since ("more depressed
    today"): their care team, and 988 at any hour."""
    return (
        f"Thank you for telling me. Please let your care team know how you've been feeling "
        f"since your session: call {profile.name} on {profile.phone_display} "
        f"({profile.hours_text}). If you have any thoughts of harming yourself, call or text "
        f"{profile.crisis_line} now, at any hour; if you are in danger, call "
        f"{profile.emergency_number}."
    )


def no_change_alone() -> str:
    """After a declined question about stopping or changing a medicine: the general rule."""
    return ("Until then, please don't stop or change a prescribed medicine on your own: stopping "
            "some medicines suddenly can make you unwell. Your prescriber or a pharmacist can "
            "tell you how to do it safely.")


def prescriber_out_of_reach(profile: ClinicProfile) -> str:
    """When the patient's prescriber is hard to reach after a declined medication question."""
    return (
        f"Please don't stop or change a medicine on your own in the meantime: stopping some "
        f"medicines suddenly can make you unwell. A pharmacist can answer questions about your "
        f"medication, you can leave a message with your prescriber's office, and the team at "
        f"{profile.name} can help on {profile.phone_display} ({profile.hours_text}). If you "
        f"feel unwell or unsafe, call {profile.emergency_number}, or call or text "
        f"{profile.crisis_line}."
    )


def remark_reply(kind: str, profile: ClinicProfile) -> str:
    """The reply to a message that asks nothing (bot/retrieval/remarks.py): thanks,
    frustration or a remark; each names the clinic's phone."""
    call = f"call {profile.name} at {profile.phone_display} ({profile.hours_text})"
    if kind == "thanks":
        return f"You're welcome. If anything else comes up, just ask me, or {call}."
    if kind == "will_call":
        # No crisis line here: a calm "ill call monday" about prices must not read as an alarm
        # (the distress panels' calm conversations); after a crisis the resources come anyway.
        return (f"Sounds good: the team is there {profile.hours_text}, on "
                f"{profile.phone_display}.")
    if kind == "book_later":
        return (f"Of course, whenever you're ready: just ask me to request a consultation, or "
                f"{call}.")
    if kind == "loss":
        return (f"I'm so sorry for your loss. Grief can weigh on everything, and you don't have "
                f"to carry it alone: our care team can talk with you about support, and I can "
                f"help you request a consultation, or {call}. Would you like to talk to a person?")
    if kind == "frustration":
        return (f"I'm sorry this has been frustrating. I don't have a better answer for you, but "
                f"a person can give you a clear one: {call}. Would you like to talk to a person?")
    return (f"Thanks for letting me know. I'm not sure how I can help with that myself: I can "
            f"answer questions about ketamine therapy or help you request a consultation, and "
            f"for anything else, {call}. Would you like to talk to a person?")


def safety_net(profile: ClinicProfile) -> str:
    """Added to a reply that cannot help with a message that names a danger: 911 and 988."""
    return (f"If you or someone else may be in danger right now, call {profile.emergency_number}. "
            f"To talk to someone any time, call or text {profile.crisis_line}.")


def spanish_note(profile: ClinicProfile) -> str:
    """For a message in Spanish: the assistant answers in English; the clinic's phone."""
    return (
        "Lo siento, este asistente automático solo responde en inglés. "
        f"Para hablar con alguien de {profile.name}, llame al {profile.phone_display} "
        f"({profile.hours_text}). Si está en crisis, llame al {profile.crisis_line} y "
        f"oprima 2, o envíe AYUDA por texto al {profile.crisis_line}; en una emergencia, llame al "
        f"{profile.emergency_number}."
    )


def repeat_intro(profile: ClinicProfile) -> str:
    """Before the last answer, given again on request ("say that again in simpler words?"):
    the reviewed wording is all the assistant may give, so a person is offered for other words."""
    return ("Of course, here it is again. I can only use the clinic's reviewed wording; if "
            f"anything is unclear, the team is happy to explain on {profile.phone_display}.")


def unknown_choice(profile: ClinicProfile) -> str:
    """The honest reply when a chosen option no longer exists in the knowledge base."""
    return (
        "I'm sorry, I can't find that answer any more; our information may have just been "
        f"updated. Please ask your question again, or call us at {profile.phone_display} "
        f"({profile.hours_text})."
    )


def unavailable(profile: ClinicProfile) -> str:
    """The honest reply when the knowledge base cannot be searched at all."""
    return (
        "I'm sorry, I can't look that up right now. "
        f"Please call {profile.name} at {profile.phone_display} ({profile.hours_text}), "
        "or try again in a little while."
    )


def contact_details(profile: ClinicProfile, with_locations: bool = True) -> str:
    """How to reach a person at the clinic: phone, e-mail, hours and (unless
    ``with_locations`` is False, as after a crisis reply, where street addresses are beside the
    point) locations."""
    lines = [f"You can reach the team at {profile.name}:", f"Phone: {profile.phone_display}"]
    if profile.email:
        lines.append(f"Email: {profile.email}")
    if profile.hours:
        lines.append(f"Hours: {profile.hours_text}")
    if profile.locations and with_locations:
        lines.append("Locations:")
        lines.extend(f"- {loc.name}, {loc.address}" for loc in profile.locations)
    return "\n".join(lines)
