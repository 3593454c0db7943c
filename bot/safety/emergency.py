"""Is the conversation in the middle of a medical emergency? Decided from its latest turns.

After an urgent medical message (911 first: someone hard to wake, chest pain, too much of a
substance) the next messages are usually about the same emergency: "we don't want to call 911",
"can't I just let her sleep it off", "is that a side effect of the ketamine?", "can I drive him
to your clinic instead?". For a few turns they get the emergency follow-up (call 911 now, stay
with them, on their side), never a reassuring FAQ answer or the clinic's contact card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.safety.normalize import normalize_variants, said

URGENT_INTENT = "urgent_medical"
# The slot the emergency variations of the follow-up replies are conditioned on (domain.yml).
EMERGENCY_SLOT = "emergency_mode"
URGENT_REPLY = "utter_urgent_medical"
# How many of the latest patient messages an urgent one keeps the conversation in an emergency.
EMERGENCY_TURNS = 5


# "ok I called them", "the ambulance is on its way", "we're at the ER": help is there.
_HELP_CALLED = re.compile(
    r"\b(?:called|calling|rang|phoned|dialed|dialled) (?:911|them|an ambulance|the ambulance|"
    r"poison control|for help|the paramedics|emergency)\b|"
    # "ok i called campus police too", "i called the police in her town" (suite 17, review 20)
    r"\b(?:called|calling|rang|phoned|dialed|dialled|contacted|got) (?:the |her |his |their )?"
    r"(?:campus |local |town |city )?(?:police|cops|sheriff|campus security|security|ra|resident "
    r"advisor)\b|\b(?:police|cops|they) (?:are |is )?(?:going|headed|heading) (?:to )?(?:over|"
    r"there|to check)\b|\b(?:ambulance|paramedics|emts?|ems|medics|"
    r"help|911|police) (?:is|are) (?:here|on (?:the|their|its) way|coming)\b|\b(?:were|we are|"
    r"im|i am|hes|shes|he is|she is) (?:at|in) the (?:er|hospital|emergency room)\b|"
    r"\b(?:theyre|they are) (?:on (?:the|their) way|coming|here)\b"
    # "the ambulance just got here", "EMTs arrived"
    r"|\b(?:ambulance|paramedics|emts?|ems|medics|police|responders|firefighters) (?:just |"
    r"finally |have "
    r"|has )?(?:got here|arrived|showed up)\b"
    # "my husband is driving me to the ER", "we're on our way to the hospital"
    r"|\b(?:driving|taking|bringing|rushing) (?:me|him|her|them|us) to the (?:er|hospital|"
    r"emergency room|urgent care)\b|\b(?:on (?:my|our|the) way|headed|heading|driving|going) "
    r"to the (?:er|hospital|emergency room)\b"
    # A bare "ok calling" / "calling now" / "on the phone with them" during an emergency.
    r"|^(?:(?:ok|okay|k|yes|yeah|yep|alright)\W*)?(?:i'?m |im |i am )?(?:calling|dialing|dialling|"
    r"on the phone)(?: (?:now|rn|right now|them|with them|with 911|911|an ambulance))?\W*$"
    # "i called, now what", "they said 10 min" (review 26 got "call 911 now" again)
    r"|^(?:(?:ok|okay|k|yes|yeah|yep|alright|done|so)\W*)?i (?:just |already )?(?:called|rang|"
    r"phoned)(?: (?:them|already|just now))?(?: (?:now what|what now|what next|what do i do now|"
    r"then what|whats next))?\W*$"
    r"|\b(?:they|911|dispatch|the dispatcher|the operator|ambulance|paramedics) (?:said|say|says)"
    r" (?:its |theyll be |they will be |about |like )?(?:\d+|five|ten|fifteen|twenty|a few) ?"
    r"(?:min|"
    r"mins|minutes)\b"
    # "ok pulling over calling" (review 17 had it open the booking form)
    r"|^(?:\w+\W+){1,4}(?:calling|dialing|dialling)(?: (?:911|them|now|rn|an ambulance))?\W*$"
    # "ok my sister will drive me to er"
    r"|\b(?:will|is going to|gonna|can) (?:drive|take|bring) (?:me|him|her|them) to (?:the )?"
    r"(?:er|hospital|emergency room|urgent care)\b"
    # "ok ill call them" after the Poison Control number (suite 13 had it open the booking form)
    r"|\b(?:ill|i will|im going to|im gonna|going to|gonna) (?:call|ring|phone) (?:them|911|"
    r"poison control|an ambulance|the ambulance|that number|the number|988)(?: now| right now| rn)?"
    r"\W*$"
    # Spanish: "ya llamé al 911", "ya viene la ambulancia" (review 15)
    r"|\b(?:ya )?(?:llame|llamamos|marque|marcamos) (?:al 911|a emergencias|a la ambulancia|a los "
    r"paramedicos|a control de envenenamientos|al 988)\b|\b(?:ya )?(?:viene|vienen|llego|llegaron|"
    r"esta aqui|estan aqui|va en camino|van en camino) (?:la ambulancia|los paramedicos|la ayuda|"
    r"el 911|la policia)\b|\b(?:la ambulancia|los paramedicos|la ayuda) (?:ya )?(?:viene|vienen|"
    r"llego|llegaron|esta en camino|estan en camino|va en camino)\b")
# "ok maybe ill text them" after the crisis reply: the crisis line, never a booking request
# (review 14 had it open the consultation form).
_WILL_REACH_OUT = re.compile(
    r"\b(?:ill|i will|im going to|im gonna|going to|gonna|i might|might|i can|i could|let me) "
    r"(?:try (?:to )?)?(?:call|ring|phone|text|message|chat with|reach out to|talk to) (?:them|988|"
    r"the (?:line|lifeline|crisis line|hotline|number)|that (?:line|number)|741741|someone)"
    r"(?: now| right now| rn| tonight| later| in a bit)?\W*$")


# Someone else, after a crisis reply about them, now alone with the means or shut in ("he is in
# the garage right now" after "my husband has a gun", "esta en el baño encerrado", review 16):
# immediate danger, so 911 now, not the helper's follow-up again.
_DANGER_NOW = re.compile(
    r"\b(?:(?:he|she|they)(?: is| are|s)?|hes|shes|theyre|(?:he|she|they) (?:just )?"
    r"(?:went|ran|drove|locked (?:himself|herself|themselves)))\b(?: \w+){0,3} (?:in|into|to) "
    r"the (?:garage|bathroom|basement|shed|woods|car|attic|barn|roof|bridge|tracks|river|lake)\b"
    r"(?=.{0,40}\b(?:right now|alone|by (?:himself|herself|themselves)|locked|wont come out|"
    r"hasnt come out|with (?:the|a|his|her|their) (?:gun|rifle|pistol|knife|rope|pills))\b)"
    r"|\b(?:locked (?:himself|herself|themselves) in|wont (?:come|let me) (?:out|in)|(?:has|got|"
    r"grabbed|took|is holding|has got) (?:the |a |his |her |their )?(?:gun|rifle|pistol|knife|"
    r"rope|pills|bottle of pills)|(?:wont|will not|refuses to|doesnt want to) (?:put |let go of "
    r"|give (?:me|us) |hand (?:me|over) )?(?:it|the knife|the gun|the pills|them)(?: down| away| "
    r"over)?\W*$)\b"
    # "he locked the door and wont answer", "should i break the door down" (review 27 got the
    # general helper follow-up)
    # (not answering alone is the welfare check: "she stopped answering me", suite 22)
    r"|\b(?:he|she|they|hes|shes|theyre) (?:\w+ ){0,3}locked (?:the|his|her|their) (?:door|"
    r"bathroom|bedroom|room)\b|"
    r"\bbreak (?:the |down the |his |her |their )?(?:door|it) (?:down|in|open)\b|"
    r"\bkick (?:in )?the door\b"
    # "he's leaving right now" after "going to drive his car into a wall", "he told me to get
    # out" with the gun in his hand (review 28 got the helper's follow-up: "stay with them")
    r"|\b(?:hes|shes|theyre|he is|she is|they are) (?:just )?(?:leaving|driving off|driving away|"
    r"getting in(?:to)? (?:the|his|her|their) car|pulling out|walking out)\b(?! (?:for|to) "
    r"(?:work|school|the (?:clinic|hospital|er))\b)"
    r"|\b(?:he|she|they) (?:just )?(?:told|yelled at|screamed at|wants) me to (?:get out|leave|go "
    r"away|get away)\b"
    r"|\b(?:se )?encerr(?:o|ado|ada)\b|\b(?:tiene|agarro|tomo) (?:la |una |el |su )?(?:pistola|"
    r"arma|cuchillo|soga|pastillas)\b|\besta en el (?:garaje|bano|sotano|carro|coche)\b")


# The helper asks whom to call or what to do now ("what number do i call" after "hes on the
# bridge on 5th street", "should i call the clinic, shes a patient there" after a locked door;
# review 19 led with 988 coaching or the clinic's card): 911 now.
_WHOM_TO_CALL = re.compile(
    r"^(?:\W*(?:ok|okay|so|but|and|um|please|help|omg))*\W*(?:(?:what (?:number )?(?:do|should|"
    r"can) i (?:call|dial|do)|who (?:do|should|can) i call|i dont know what to do)"
    r"(?: about (?:this|that|it|her|him|them))?(?: now| rn| right now)?\W*$|"
    # "911 or just go there myself? im like 10 min out" (review 23)
    r"911 or (?:should i )?(?:just )?(?:go|drive|head|run) (?:there|over)\b|"
    r"(?:should i call (?:the clinic|you|your office|them|someone|her doctor|his "
    r"doctor|the police|911)|do i call (?:the clinic|911|someone|the police))\b)")


# The helper asks the clinic to reach the person ("shes a patient at your clinic, can someone
# there call her", the fifteenth round's note: it got a choice of FAQ answers).
_CLINIC_TO_REACH_OUT = re.compile(
    r"\b(?:can|could|would|will) (?:someone|somebody|anyone|anybody|you|you guys|yall|the clinic|"
    r"the team|the staff|her doctor|his doctor|their doctor|her nurse|his nurse|her care team|his "
    r"care team|her therapist|his therapist|a nurse|a doctor)(?: (?:there|at the clinic|at your "
    r"clinic|from the clinic|from your clinic|from there))? (?:please )?(?:call|text|phone|reach|"
    r"reach out to|contact|check on|go check on|message|email) (?:her|him|them)\b")


def asks_the_clinic_to_reach_out(text: str) -> bool:
    """True when someone helping asks the clinic to call or check on the person in danger."""
    return said(_CLINIC_TO_REACH_OUT, text)


# A message passed on from the chat ("will you tell my doctor about this", review 24 got "Of
# course, I can take a request" and the booking form).
_PASS_A_MESSAGE = re.compile(
    r"\b(?:will|can|could|would) you (?:please |just )?(?:tell|let|inform|message|notify|warn|pass "
    r"(?:this|it|that) (?:on )?to|send (?:this|it|that) to) (?:my |the )?(?:doctor|therapist|"
    r"psychiatrist|nurse|care team|clinic|team|someone|anyone|prescriber)\b|\b(?:tell|let) my "
    r"(?:doctor|therapist|psychiatrist|nurse|care team|prescriber) (?:know|about)\b")


# Someone helping asks whether to go to the person ("should i drive up tonight", "should i go over
# there myself", review 25 got the answer about driving after a treatment).
_GOING_THERE = re.compile(
    r"\b(?:should|can|could|do|shall) (?:i|we) (?:just )?(?:drive|go|head|run|rush|fly|get in the "
    r"car and go)(?! (?:her|him|them|me|us)\b)(?: (?:up|over|down|out|back))?(?: (?:there|tonight|"
    r"now|to (?:her|his|their) "
    r"(?:place|house|apartment|dorm|room))| myself)*\b(?! to the (?:er|hospital|emergency))")


# Whether to call the police on the person ("should i call the cops on my own dad? they might
# shoot him", review 25 got the general follow-up)
_CALL_THE_POLICE = re.compile(
    r"\b(?:should|do|can|could|shall) (?:i|we) (?:really |just )?(?:call|get|involve|phone) "
    r"(?:the )?(?:cops|police)\b")


def asks_whether_to_call_the_police(text: str) -> bool:
    """True when someone helping asks whether to call the police on the person."""
    return said(_CALL_THE_POLICE, text)


def asks_about_going_there(text: str) -> bool:
    """True when someone helping asks whether to go to the person in danger."""
    return said(_GOING_THERE, text)


def asks_to_pass_a_message(text: str) -> bool:
    """True when the person asks the assistant to tell their doctor or the clinic."""
    return said(_PASS_A_MESSAGE, text)


# Fear of what help will do (review 24: "will 988 call the police on me?", "i dont want an
# ambulance showing up at work", "im 17, will they tell my parents", "i dont want to go to the
# hospital they will lock me up" got the same follow-up, the fear untouched).
_FEAR_OF_HELP = re.compile(
    r"\b(?:lock (?:me|you|people|him|her) up|locked up|commit(?:ted)? me|put (?:me )?away|psych "
    r"ward|5150|(?:a |an )?involuntary hold|section me)\b|"
    # what *they* would do: "will 988 call the police on me", "will they tell my parents" (not
    # "i cant call, my mom will hear me", suite 19, nor a helper's "should i call the police")
    r"\b(?:they|988|you|someone|the lifeline|the counselor|the counsellor|anyone|it)\b(?: \w+){0,3}"
    r" (?:send|call|get|bring)\b.{0,15}\b(?:police|cops|ambulance|swat)\b|\b(?:police|cops|"
    r"ambulance)\b.{0,30}\b(?:show(?:ing)? up|come|coming|at (?:my )?(?:work|school|house|door|"
    r"job))\b|\b(?:they|988|you|someone|the lifeline|the counselor|anyone|it)\b(?: \w+){0,3} "
    r"(?<!\bi )(?<!cant )(?<!cannot )(?<!\bcan )(?:tell|call|contact|inform|notify) (?:my )?"
    r"(?:mom|mother|dad|father|parents?|family|boss|"
    r"work|school|job|employer)\b")
_WORRY = re.compile(r"\?|\b(?:will|would|do|does|are|is|what if|scared|afraid|dont want|do not "
                    r"want|worried|worry|gonna|going to)\b")


def fears_what_help_will_do(text: str) -> bool:
    """True when the person asks or worries whether help means police, being locked up or their
    family being told."""
    return said(_FEAR_OF_HELP, text) and ("?" in (text or "") or said(_WORRY, text))


def asks_whom_to_call(text: str) -> bool:
    """True when the message asks whom to call or what to do now ("what number do i call")."""
    return said(_WHOM_TO_CALL, text)


_CALLED_THEM = re.compile(r"\b(?:called|rang|phoned|texted|calling|texting) them\b")


def called_them_about_oneself(text: str, subject: str | None, emergency: bool | None) -> bool:
    """True for "i called them" after a crisis reply about the writer's own crisis, outside a
    medical emergency: "them" is the crisis line (988), not 911 for someone else."""
    return (not emergency and subject != "other"
            and said(_CALLED_THEM, text))


def someone_in_danger_now(text: str) -> bool:
    """True when the message says the person at risk is now alone with the means or shut in:
    911 now."""
    return said(_DANGER_NOW, text)


def will_reach_out(text: str) -> bool:
    """True when the patient says they will call or text the crisis line ("ok maybe ill text
    them"): the crisis follow-up, never the consultation form."""
    return said(_WILL_REACH_OUT, text)


# Fear of calling for help ("i dont want to get in trouble for calling"): the emergency reply
# again, never the booking form the word "calling" drew the intent model to (suite 13).
_HESITATES_TO_CALL = re.compile(
    r"\b(?:trouble|arrested|in trouble|busted) for calling\b|\b(?:scared|afraid|nervous|worried|"
    r"terrified) (?:to|of|about) call(?:ing)?\b|\b(?:dont|do not|dont really) want to call "
    r"(?:911|them|an ambulance|the police|poison control)\b|\bcan i not call\b")


# The crisis line reached ("ok i called 988", "texting the lifeline now", "talking to someone
# at 988"): an acknowledgement, not "call or text 988" again.
_CRISIS_LINE_REACHED = re.compile(
    r"\b(?:called|texted|messaged|rang|reached|chatted with|calling|texting|(?:im|i am) (?:on the "
    r"phone with|talking to|talking with|texting with|chatting with)|on the phone with|talking to|"
    r"got through to) (?:the )?(?:988|lifeline|the lifeline|crisis (?:line|text line|hotline)|"
    r"hotline|741741|someone (?:at|from) (?:988|the lifeline|the crisis line)|a counselor at 988)\b"
    r"(?! (?:yet|later|tomorrow|yesterday|last|before|once|and they (?:were|didnt|did not)))"
    # "ok i called. talking to a guy now, he was a marine" (suite 20 had it open the form)
    r"|^(?:(?:ok|okay|k|alright|fine|yeah|so)\W+)?i (?:just )?(?:called|texted)\b(?! (?:my|the "
    r"clinic|you|your|work|in|off|out|about|for|to))(?=\W*$|.{0,40}\b(?:talking|on the phone|"
    r"with (?:a|someone|them)|counselor)\b)"
    r"|\b(?:talking|speaking|chatting) (?:to|with) (?:a guy|a man|a woman|a lady|someone|somebody|"
    r"a counselor|a person|them) (?:there )?(?:now|rn|right now)\b")
_NOT_REACHED = re.compile(
    r"\b(?:havent|have not|didnt|did not|never|wont|will not|cant|dont|should i|do i)\b"
    # a question about the line ("is texting 988 actually a real person or a bot", suite 20)
    r"|^(?:is|are|does|do|will|would|can|could|what|how|who)\b|\b(?:a real person|a bot)\b"
    # "what would even happen if I called 988" asks about calling (review 15)
    r"|\b(?:if|whether|when) (?:i|we|you|someone) (?:\w+ )?(?:called|texted|call|text)\b")


def reached_crisis_line(text: str) -> bool:
    """True when the message says the crisis line was called, texted or is on the line."""
    return any(_CRISIS_LINE_REACHED.search(form) and not _NOT_REACHED.search(form)
               for form in normalize_variants(text or ""))


# What a helper asks about calling 911 for someone out of reach ("what do i tell 911", "i dont
# know her address exactly just her apartment complex", review 20).
_WHAT_TO_TELL_911 = re.compile(
    r"\bwhat (?:do|should|would) i (?:even |actually |exactly )?(?:tell|say to|say when i call) "
    r"(?:911|them|the police|the "
    r"dispatcher|the operator|the cops)\b|\bwhat do i say (?:to 911|when i call)\b|\b(?:dont|do "
    r"not|dont even) (?:know|have) (?:her|his|their) (?:exact |home |full )?(?:address|location|"
    r"apartment number)\b|\b(?:dont|do not) know (?:exactly )?where (?:she|he|they) (?:is|are|"
    r"lives?|live)\b")


def asks_what_to_tell_911(text: str) -> bool:
    """True when someone helping another person asks what to tell 911 or says they do not know
    the address: a welfare check works from what they know."""
    return said(_WHAT_TO_TELL_911, text)


# What to do while help is on its way ("what should i do while i wait, im 40 min away", review 21
# got "call 911 now" again after 911 had been called).
_WHILE_WAITING = re.compile(
    # "What else do I do while I wait" (review 24 got the booking answer)
    r"\b(?:what (?:else )?(?:do|should|can|could) (?:i|we)|anything (?:else )?(?:that )?i (?:can|"
    r"could|should)) (?:\w+ )?(?:do|be "
    r"doing)(?: now)? (?:while (?:i|we) "
    r"wait|until (?:they|help|the (?:police|ambulance|paramedics)) (?:get|gets|arrive|arrives)|in "
    r"the meantime|meanwhile|till they get there|(?:till|til|until) (?:they|help|the ambulance|the "
    r"paramedics|911) (?:get|gets|come|comes|arrive|arrives|is) (?:here|there)?)\b|\bwhile (?:i|"
    r"we) wait\b.{0,20}\bwhat\b")


def asks_what_to_do_while_waiting(text: str) -> bool:
    """True when the message asks what to do while emergency help is on its way."""
    return said(_WHILE_WAITING, text)


# Texting or chatting instead of a call ("can i just text instead of calling someone", "do i
# have to talk on the phone", suite 17: a 15-year-old in crisis got the booking form).
_TEXT_INSTEAD = re.compile(
    # "fine whats the text number" after refusing to call (review 21)
    r"\bwhats? (?:the|your|that) (?:text|texting|txt) (?:number|line)\b|"
    # "fine. whats the number for the text line" (suite 24 got the 988 answer without 741741)
    r"\b(?:number|#|digits) (?:for|of|to) (?:the |that |a )?(?:crisis )?(?:text|texting|txt) "
    r"(?:line|number)\b|"
    r"\bwhat (?:number|do) (?:do )?i "
    r"text\b|"
    r"\b(?:can|could|may|is it ok if) i (?:just |only |also )?(?:text|message|chat|type)\b(?! "
    r"(?:you|the clinic|my|a friend))|\btext(?:ing)? (?:instead|rather)\b|\binstead of "
    r"(?:calling|a call|talking|phoning)\b|\bdo i (?:have|need) to (?:call|talk|speak)\b|"
    r"\b(?:dont|do not|cant|cannot) (?:want to |wanna )?(?:call|talk on the phone|talk to "
    r"(?:someone|anyone|a person) on the phone)\b(?! (?:my|him|her|them|the clinic|you|back)\b)")


def asks_to_text_instead(text: str) -> bool:
    """True when the message asks whether texting or chatting will do instead of a phone call
    ("can i just text instead of calling someone"): after a crisis reply, the ways to text."""
    return said(_TEXT_INSTEAD, text)


# What people ask during a medical emergency, answered in its own words rather than with "call
# 911" once more (review 22: "should i make her throw up", "my husband can drive me to the ER, is
# that ok", "can i just take a benadryl and sleep", "ok calling. what do i say").
_MAKE_THEM_VOMIT = re.compile(
    r"\b(?:make|get|help) (?:him|her|them|me|myself|it|my \w+|the \w+) (?:to )?(?:throw up|vomit|"
    r"puke|be sick)\b|\b(?:induc\w*|cause) (?:vomiting|vomit|throwing up)\b|\bipecac\b|"
    r"\bsomething to make (?:\w+ )?(?:vomit|throw up|puke)\b|\bfingers? down (?:his|her|their|my) "
    r"throat\b|\b(?:peroxide|salt water)\b.{0,30}\b(?:throw up|vomit|puke)\b")
_DRIVING = re.compile(
    r"\b(?:drive|driving|take|taking|bring|bringing) (?:me|him|her|them|us|myself) (?:in )?to "
    r"(?:the )?"
    r"(?:er|hospital|emergency room|urgent care|ed|emergency)\b|\b(?:drive|driving) (?:myself|"
    r"to the (?:er|hospital|emergency room|urgent care))\b|\b(?:can|could|should|shall) (?:i|we|"
    r"he|she|they|my \w+) (?:just )?(?:drive|take (?:me|him|her|them))\b")
_ASKS = re.compile(
    r"\?|\b(?:can|could|should|shall) (?:i|we|he|she|they)\b|"
    r"\b(?:is (?:that|it|this) (?:ok|okay|fine|alright|safe|better)|right|thats fine|ok|okay|"
    r"should|can|could|better|instead)\W*$|^(?:\W*(?:ok|okay|so|um|and)\W+)?(?:can|could|should|"
    r"shall|is|do|would)\b")
_HOME_REMEDY = re.compile(
    r"\b(?:benadryl|coffee|caffeine|milk|activated charcoal|charcoal|tylenol|advil|ibuprofen|"
    r"aspirin|"
    r"narcan|naloxone|cold shower|epsom|ice|ice pack|cold compress|frozen peas|"
    # "should i put him in the shower to wake him up" (review 26)
    r"shower|cold water|ice bath|splash (?:him|her|them|water)|walk (?:him|her|them) around|"
    r"another (?:pill|"
    r"dose|one|tablet))\b|\b(?:give|giving) "
    r"(?:him|her|them) (?:some )?(?:water|food|something)\b"
    # "can i take one of the propranolol i have left from an old prescription" (review 23)
    r"|\b(?:can|could|should) i (?:just )?(?:take|give (?:him|her|them)) (?:one|a|an|some|"
    r"another|half)\b")
_NALOXONE = re.compile(r"\b(?:narcan|naloxone)\b")
# Waiting, sleeping it off, or "seems fine now" (review 24: "hes snoring kinda loud, can i just let
# him sleep it off", "can i just sleep it off" after a knock to the head got the follow-up for
# someone's own crisis)
_WAIT_IT_OUT = re.compile(
    r"\b(?:sleep it off|let (?:him|her|them|me) (?:just )?sleep|(?:just )?go to (?:bed|sleep)|just "
    r"sleep|wait (?:it out|and see|till|until|for (?:morning|tomorrow|monday))|"
    r"can (?:it|this|that) "
    r"wait|(?:seems?|looks?|acting|is acting) (?:\w+ )?(?:fine|ok|okay|normal|alright|"
    r"better) (?:now|"
    r"right now|for now)|(?:hes|shes|theyre|im|he is|she is|they are) (?:fine|ok|okay|better) now|"
    r"(?:does|do) (?:he|she|they|i) (?:still |really )?(?:need|have) to go(?: in)?)\b")
# First aid during a seizure (review 24: "do i put something in his mouth?")
_SEIZURE_AID = re.compile(
    r"\b(?:put|stick|shove|place) (?:something|anything|a spoon|my fingers?|a (?:\w+ )?\w+) (?:in|"
    r"into|between) (?:his|her|their) (?:mouth|teeth)\b|\bswallow (?:his|her|their) tongue\b|"
    r"\bhold (?:him|her|them) down\b")
# An adrenaline pen (review 24: "i have an epipen from my allergist, should i use it")
_EPIPEN = re.compile(r"\b(?:epi ?pens?|epinephrine|auvi ?q|adrenaline (?:pen|shot|injector))\b")
# "i think hes breathing. do i roll him over or what" (suite 22)
_POSITION = re.compile(
    r"\b(?:roll|turn|put|lay|move|flip|prop) (?:him|her|them|my \w+) (?:over|on (?:his|her|their) "
    r"(?:side|back|stomach)|onto (?:his|her|their) (?:side|back)|up|down|somewhere)\b|\brecovery "
    r"position\b|\b(?:what|which) position\b|\b(?:sit|keep) (?:him|her|them) (?:up|upright)\b")
_WHAT_TO_SAY = re.compile(
    r"\bwhat (?:do|should|would) (?:i|we) (?:even |actually |exactly )?(?:tell|say to|say)\b(?: "
    r"(?:them|911|the dispatcher|the operator|the (?:er|hospital|nurse|doctor|paramedics)))?"
    r"|\bwhat do (?:i|we) (?:need to )?(?:tell|say)\b|\bwhat (?:info|information) do they need\b")


def emergency_question_reply(text: str) -> str | None:
    """The response for a question asked during a medical emergency that has its own answer:
    making someone vomit, driving to the hospital, naloxone, a seizure, an adrenaline pen,
    waiting it out, how to lay them, a medicine or home remedy, what to tell the responders;
    None for anything else."""
    forms = normalize_variants(text or "")
    if any(_MAKE_THEM_VOMIT.search(form) for form in forms):
        return "utter_emergency_no_vomiting"
    asks = "?" in (text or "") or any(_ASKS.search(form) for form in forms)
    if asks and any(_DRIVING.search(form) for form in forms):
        return "utter_emergency_driving"
    if any(_NALOXONE.search(form) for form in forms):
        return "utter_emergency_naloxone"
    if any(_SEIZURE_AID.search(form) for form in forms):
        return "utter_emergency_seizure"
    if any(_EPIPEN.search(form) for form in forms):
        return "utter_emergency_epipen"
    if asks and any(_WAIT_IT_OUT.search(form) for form in forms):
        return "utter_emergency_dont_wait"
    if asks and any(_HOME_REMEDY.search(form) for form in forms):
        return "utter_emergency_no_home_remedies"
    if any(_POSITION.search(form) for form in forms):
        return "utter_emergency_position"
    if any(_WHAT_TO_SAY.search(form) for form in forms):
        return "utter_emergency_what_to_tell"
    return None


OVERDOSE_CATEGORY = "overdose"
THIRD_PARTY_CATEGORY = "third_party"
SELF_HARM_CATEGORY = "self_harm"
# The crisis rule for someone else not breathing or not waking up (crisis_patterns.yml).
UNRESPONSIVE_RULE = "unresponsive"


def someone_else_took_too_much(categories: tuple[str, ...], rules: tuple[str, ...] = ()) -> bool:
    """A crisis verdict that is only about another person's body: an overdose ("my boyfriend
    took a bunch of pills") or someone who cannot be woken ("my roommate used his spray and I
    can't wake him up"). A medical emergency for the writer to handle (911 first, lay them on
    their side), not their own crisis; someone else *talking* about suicide stays a crisis.
    The NLU and the channels' fast reply both ask this."""
    found = set(categories)
    if found == {OVERDOSE_CATEGORY, THIRD_PARTY_CATEGORY}:
        return True
    return found == {THIRD_PARTY_CATEGORY} and bool(rules) and set(rules) == {UNRESPONSIVE_RULE}


# A substance already taken ("i took like 20 of my sleeping pills", "I think I overdosed"), as
# opposed to one about to be taken ("I'm going to take all of them"), which is the crisis reply.
_ALREADY_TAKEN = re.compile(
    r"\b(?:took+|tok|tooken|taken|swall?ow(?:e|)d|swallowd|downed|overdosed|oded|odd|popped|"
    r"snorted|injected|drank|tome|me tome|trague|me trague|consumi)\b")


def took_too_much_already(categories: tuple[str, ...], text: str) -> bool:
    """A crisis verdict that is an overdose the writer has already taken, also with words of
    wanting to die ("i took like 30 of my trazodone an hour ago i just want to sleep forever",
    review 14): a medical emergency first (911, Poison Control, don't sleep it off alone), with
    988 in the same reply for the case it was on purpose; 988 cannot treat an overdose."""
    found = set(categories)
    return OVERDOSE_CATEGORY in found and THIRD_PARTY_CATEGORY not in found and said(
        _ALREADY_TAKEN, text)


# An amount already taken, in the writer's own spelling ("took a hole bunch of my sleepin pils
# like 20 min ago", "i swallowd like 30 of my moms xanax"): what the learned crisis score catches
# without a rule, so without the overdose category.
_AMOUNT_TAKEN = re.compile(
    r"\b(?:took+|tooked|tok|taken|swall?ow(?:e|)d|swall?owd|downed|popped|chugged|ate|drank|"
    r"od'?d)"
    r" (?:\w+ ){0,3}?(?:(?:a )?(?:w?hole|whole|entire|full) (?:bunch|bottle|pack|box|strip|"
    r"handful)|a (?:bunch|handful|lot|ton|fistful)(?! (?:to|of (?:time|work|effort|courage|days|"
    r"hours|people)))|(?:all|most|half) (?:of )?(?:my|the|his|her|"
    r"them|those|these)|\d{2,}|(?:twenty|thirty|forty|fifty|fifteen|a dozen)|to+ many|way to+ "
    r"(?:many|much))\b")


def took_a_lot_already(text: str) -> bool:
    """True when the words say an amount of something was already swallowed ("took a hole
    bunch of my sleepin pils"): with a crisis verdict from the learned score alone, the
    emergency reply (911, Poison Control) rather than the crisis reply."""
    return said(_AMOUNT_TAKEN, text)


# Bleeding that does not stop ("its pretty deep and wont stop bleeding", review 14).
_BLEEDING_BADLY = re.compile(
    # "no para de sangrar" (review 16); "bleding" as typed
    r"\bno (?:para|deja) de sangrar\b|\b(?:sangra|sangrando) (?:mucho|sin parar)\b|"
    r"\b(?:wont|will not|cant|cannot|can not|doesnt|does not|isnt|is not|hasnt|has not) "
    r"(?:\w+ )?stop(?:ped|ping)? (?:the )?ble+d+ing\b|\bbleeding (?:wont|will not|doesnt|does not|"
    r"hasnt|has not|isnt|is not) (?:\w+ )?stop(?:ped|ping)?\b|\bbleeding (?:really |so |very )?"
    r"(?:heavily|a lot|badly|everywhere|through)\b|\b(?:soaked|soaking) through (?:the |a |my )?"
    r"(?:towel|bandage|gauze|shirt)\b|\b(?:needs?|need) stitches\b")


def bleeding_badly(categories: tuple[str, ...], text: str) -> bool:
    """A self-harm verdict with bleeding that does not stop: the wound needs 911 or the ER
    first, with 988 in the same reply."""
    return SELF_HARM_CATEGORY in set(categories) and said(
        _BLEEDING_BADLY, text)


def needs_emergency_reply(categories: tuple[str, ...], rules: tuple[str, ...], text: str) -> bool:
    """A crisis verdict that is a medical emergency (the urgent reply, 911 first, and the
    emergency follow-ups) rather than the crisis reply: someone else's overdose or someone who
    cannot be woken, or an overdose the writer already took."""
    return (someone_else_took_too_much(categories, rules) or took_too_much_already(categories, text)
            or bleeding_badly(categories, text))


def hesitates_to_call(text: str) -> bool:
    """True when the patient is afraid of calling for help ("i dont want to get in trouble for
    calling"): they need the emergency reply again, not a consultation form."""
    return said(_HESITATES_TO_CALL, text)


# "im not going to the hospital tho they will lock me up" (review 19 got "I'm glad you called
# for help"): a refusal, not help on its way.
_REFUSED = re.compile(r"\b(?:not|never|no way im|wont be|refuse to be|refusing to be) (?:going|"
                      r"headed|heading|driving) to (?:the )?(?:er|hospital|emergency room)\b|"
                      r"\b(?:not|never|wont|won't|refuse to|refusing to) (?:call|calling) "
                      r"(?:911|them|anyone|an ambulance)\b")


def help_is_called(text: str) -> bool:
    """True when the message says emergency help was called or has come (not when it refuses
    it: "im not going to the hospital")."""
    forms = normalize_variants(text or "")
    # "my husband can drive me to the ER, is that ok" asks whether to (review 22).
    return any(_HELP_CALLED.search(form) for form in forms) and not any(
        _REFUSED.search(form) for form in forms) and emergency_question_reply(
            text) != "utter_emergency_driving"


def had_emergency_lately(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when one of the latest ``EMERGENCY_TURNS`` patient messages was read as an urgent
    medical situation, whether or not help was called since ("ok calling. what do i say")."""
    return _emergency_in_recent_turns(events, until_help_called=False)


def in_emergency(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when one of the latest ``EMERGENCY_TURNS`` patient messages (the current one
    included) was read as an urgent medical situation, and no message since says help was
    called."""
    return _emergency_in_recent_turns(events, until_help_called=True)


def _emergency_in_recent_turns(events: Iterable[Mapping[str, Any]],
                               until_help_called: bool) -> bool:
    seen = 0
    for event in reversed(list(events)):
        if event.get("event") == "bot" and (event.get("metadata") or {}).get(
                "utter_action") == URGENT_REPLY:
            # The answer action's own emergency reply (a symptom told after the session was
            # mentioned, review 19): the same emergency as one the NLU read.
            return True
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == URGENT_INTENT:
            return True
        if until_help_called and help_is_called(str(event.get("text") or "")):
            return False
        seen += 1
        if seen >= EMERGENCY_TURNS:
            return False
    return False


# "he wont let me call anyone", "she took my phone" (review 26: a wife whose husband has a gun
# got the booking form): someone stopped from getting help.
_BLOCKED_FROM_CALLING = re.compile(
    # "he says he doesnt want me to call anyone" (suite 23 got the booking form)
    r"\b(?:doesnt|does not|dont|do not|didnt) want (?:me|us) to (?:call|tell|phone|text|contact|"
    r"get help)\b|\b(?:begged|made) me (?:promise )?(?:not to|to not) (?:call|tell|phone)\b|"
    r"\b(?:wont|will not|doesnt|does not|refuses to|wouldnt|would not) let me (?:call|get|phone|"
    r"text|tell|contact)\b|\b(?:took|grabbed|hid|has|smashed|broke) my phone\b|\b(?:cant|can not|"
    r"cannot) (?:call|phone) (?:anyone|anybody|911|for help)(?: (?:with|while|because) (?:him|her|"
    r"them|he|she|they))\b|\b(?:he|she|they) (?:said|says|will) (?:hell|shell|theyll|he will|she "
    r"will|they will) (?:do it|hurt|kill)\w*(?: \w+){0,3} if i (?:call|tell|get)\b")


def blocked_from_calling(text: str) -> bool:
    """True when the helper says they are stopped from calling for help ("he wont let me call
    anyone")."""
    return said(_BLOCKED_FROM_CALLING, text)


# "how much would be too much" (review 26: after "can you overdose on ketamine" it got the
# pricing answer): an amount that harms, for a clinician, with Poison Control and 988.
_TOO_MUCH = re.compile(
    r"\bhow (?:much|many)(?: \w+){0,3} (?:would be|is|are|would|will) (?:too much|too many|"
    r"dangerous|an overdose|lethal|deadly|fatal)\b|\bwhat (?:amount|dose)(?: \w+){0,2} (?:is|would "
    r"be) (?:too much|dangerous|lethal|deadly|fatal)\b")
_PRICE_WORDS = re.compile(r"\b(?:cost|costs|price|pay|paying|dollars?|charge|fee|fees|insurance|"
                          r"bill|expensive|afford|wait|waiting|sessions? (?:a|per) week)\b")


def asks_how_much_is_too_much(text: str) -> bool:
    """True for a question about how much of something is too much or lethal, with nothing of
    money or waiting in it."""
    return said(_TOO_MUCH, text) and not said(_PRICE_WORDS, text)

