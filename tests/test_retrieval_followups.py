"""Follow-up questions that lean on the previous answer (tests/eval/followups.yml), asked on
their own as the retriever sees them today.

Measured on 2026-12-04: the retriever answers 16 of 20 tuned and 11 of 14 held-out follow-ups
with the right entry on their own wording alone (ketamine is the implied topic of almost every
question here), and offers the right entry among 2-3 options for 1 and 2 more. Carrying the
previous answer's question into the query was tried and made it worse (7 of 20 tuned when
allowed to override a confident answer; no gain when used only on "I don't know"/options: the
previous entry's words dominate the query), so it is not in the product. Issue 13's pronoun case
("how long do they last" after the side effects) is one of the misses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SET = Path(__file__).parent / "eval" / "followups.yml"
# Right answer, or a choice that offers the right entry. Floors below the measured rates
# (tuned 17/20 = 0.85, held-out 13/14 = 0.93): one retrieval change may move one case.
FLOORS = {"tuned": 0.80, "heldout": 0.85}


@pytest.mark.parametrize("split", ["tuned", "heldout"])
def test_follow_ups_get_the_right_entry_or_a_choice_that_offers_it(clinic_retriever, split,
                                                                   capsys):
    cases = yaml.safe_load(SET.read_text())[split]
    right, offered, wrong = 0, 0, []
    for case in cases:
        decision = clinic_retriever.decide(case["followup"])
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
