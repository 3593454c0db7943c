"""Follow-up questions that lean on the previous answer (tests/eval/followups.yml), decided as
the answer action decides them: on their own wording, and, for a short follow-up with a plural
pronoun ("how long do they last"), also with the previous answer's topic when that reads
better (bot.retrieval.followup).

Measured on 2026-12-04: on their own wording alone the retriever answers 16 of 20 tuned and 11
of 14 held-out follow-ups right and offers the right entry among 2-3 options for 1 and 2 more
(17/20, 13/14). With the plural-pronoun reading and the paraphrase "how long do the side
effects last": 18/20 tuned; the held-out split, measured once after that change, is in
docs/e2e.md. Carrying the whole previous question into the query was tried and made it worse
(7 of 20 tuned), so it is not in the product; reading "it" / "that" as the previous topic lost
as many as it won.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.retrieval.followup import reads_better, resolved_query

SET = Path(__file__).parent / "eval" / "followups.yml"
# Right answer, or a choice that offers the right entry. Floors below the measured rates
# (tuned 18/20 = 0.90, held-out 13/14 = 0.93): one retrieval change may move one case.
FLOORS = {"tuned": 0.85, "heldout": 0.85}


@pytest.mark.parametrize("split", ["tuned", "heldout"])
def test_follow_ups_get_the_right_entry_or_a_choice_that_offers_it(clinic_retriever, split,
                                                                   capsys):
    cases = yaml.safe_load(SET.read_text())[split]
    right, offered, wrong = 0, 0, []
    for case in cases:
        decision = clinic_retriever.decide(case["followup"])
        previous = clinic_retriever.get(case["previous"])
        query = resolved_query(case["followup"], previous.title, previous.id, previous.refers_to)
        if query is not None:
            resolved = clinic_retriever.decide(query)
            decision = resolved if reads_better(decision, resolved) else decision
        if decision.kind == "answer" and decision.best and decision.best.id == case["expect"]:
            right += 1
        elif decision.kind == "clarify" and case["expect"] in {o.id for o in decision.options}:
            offered += 1
        else:
            best = decision.best.id if decision.best else None
            wrong.append((case["followup"], decision.kind, best, case["expect"]))
    with capsys.disabled():
        print(f"\nfollow-ups {split}: {right}/{len(cases)} right, {offered} offered as an "
              f"option, {len(wrong)} missed: {wrong}")
    assert (right + offered) / len(cases) >= FLOORS[split], wrong
