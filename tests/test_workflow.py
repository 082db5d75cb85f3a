"""The moderation workflow: review states, four-eyes decisions, claim status, blind review, queues, comments.

Everything is built through the services, as the pages build it; the audit trail is checked with every
transition, and "refused" always means: a clear message, nothing changed and no audit event written.
"""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, Assignment, AuditEvent, Claim, Comment, Evidence, Rating, Review, Role
from tests.conftest import RATIONALE, SENTENCE, client_for, follow, make_user, row_counts, span_of

# --- data and helpers ---------------------------------------------------------------------------

REASON = "The figure comes from a misread source."
EDITED = "Edited after a second look at the sources."
REMY_RATIONALE = "Half of it checks out, the rest does not."
REMY_EVIDENCE = "https://example.org/remy-source"
HTMX = {"HTTP_HX_REQUEST": "true"}
OTHER_SENTENCE = "During an emotional news conference on Sunday"
THIRD_SENTENCE = "The 34-year-old Russian from Roschinsky then pleaded with Putin"

ONLY_ITS_REVIEWER = "Only its reviewer may submit a review."
ONLY_DECIDERS = "Only a team moderator or owner may do this."
FOUR_EYES = "Four-eyes rule: nobody decides on their own review; another moderator must."
NOT_A_MEMBER = "You are not a member of this team."
CHANGED_MEANWHILE = "This review was changed by someone else meanwhile; this is its current state."


def import_text(team, text: str, source: str = "test.txt") -> Article:
    with system_actor("tests"):
        return services.import_article(team=team, data=text.encode("utf-8"), source=source).article


def text_of(response) -> str:
    return response.content.decode()


def claim_url(claim: Claim) -> str:
    return f"/articles/{claim.article_id}/?claim={claim.pk}#claim-panel"


def review_row(review: Review) -> dict:
    """Everything about a review that a workflow step could change."""
    return Review.objects.filter(pk=review.pk).values().get()


def claim_row(claim: Claim) -> dict:
    return Claim.objects.filter(pk=claim.pk).values().get()


def events_of(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


def nav_count(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}">(\d+)<', html)
    assert match, f"no #{element_id} in the page"
    return int(match.group(1))


def others_section(html: str) -> str:
    """The panel's section of the others' verdicts ("Verdicts" for moderators), up to the next heading."""
    match = re.search(r"<h3>(Other verdicts|Verdicts)</h3>", html)
    assert match, "no verdicts section in the panel"
    start = match.start()
    end = html.find("<h3>", match.end())
    return html[start : end if end != -1 else len(html)]


def fresh(review: Review) -> Review:
    """The review as a page would load it: with its claim, article and team."""
    return Review.objects.select_related("claim__article__team").get(pk=review.pk)


def verdict(user, claim: Claim, rating: Rating, rationale: str = "", submit: bool = True) -> Review:
    """The user's verdict on the claim, saved and (by default) submitted."""
    review = services.save_review(user=user, claim=claim, rating=rating, rationale=rationale, confidence=2)
    if submit:
        review = services.submit_review(user=user, review=review)
    return fresh(review)


def tag(user, article: Article, text: str, category) -> Claim:
    start, end = span_of(article, text)
    return services.tag_claim(user=user, article=article, start=start, end=end, category=category)


@pytest.fixture
def rating_true(team) -> Rating:
    return Rating.objects.get(team=team, slug="true")


@pytest.fixture
def reviewer3(team):
    """A third reviewer, so that two others can disagree while rita has not submitted."""
    user = make_user("rick")
    services.add_member(team=team, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def cast(owner, moderator, reviewer, reviewer2, outsider) -> dict:
    return {
        "author": reviewer,
        "other_reviewer": reviewer2,
        "moderator": moderator,
        "owner": owner,
        "moderator_author": moderator,
        "outsider": outsider,
    }


# --- the table: every review state x action x role ------------------------------------------------
#
# Roles: "author" is the review's author (a reviewer); "moderator_author" is the author of a review
# who is a moderator and acts on it; everyone else acts on rita's review.
# An outcome is the state the review ends in, a refusal message, or OWN: `save_review` only ever
# writes the acting person's own review, so it gives them a draft of their own and leaves the
# author's review as it was.

STATES = ("draft", "submitted", "approved", "changes_requested", "rejected")
ACTIONS = ("submit", "approve", "request_changes", "reject", "edit")
ROLES = ("author", "other_reviewer", "moderator", "owner", "moderator_author", "outsider")
OWN = "own draft"


class Refused(str):
    """The message an ActionRefused carries."""


def cannot_submit(state: str) -> Refused:
    return Refused(f"This review is {state}; only a draft review can be submitted.")


def cannot(state: str, done: str) -> Refused:
    return Refused(f"This review is {state}; only a submitted review can be {done}.")


def cannot_edit(state: str) -> Refused:
    return Refused(f"This review is {state} and can no longer be edited.")


def refused(message: str) -> Refused:
    return Refused(message)


# Each action's outcomes, one per state in the order of STATES.
AS_AUTHOR = {
    "submit": (
        "submitted",
        cannot_submit("submitted"),
        cannot_submit("approved"),
        cannot_submit("changes requested"),
        cannot_submit("rejected"),
    ),
    "approve": (refused(ONLY_DECIDERS),) * 5,
    "request_changes": (refused(ONLY_DECIDERS),) * 5,
    "reject": (refused(ONLY_DECIDERS),) * 5,
    "edit": ("draft", cannot_edit("submitted"), cannot_edit("approved"), "draft", cannot_edit("rejected")),
}
AS_DECIDER = {
    "submit": (refused(ONLY_ITS_REVIEWER),) * 5,
    "approve": (
        cannot("draft", "approved"),
        "approved",
        cannot("approved", "approved"),
        cannot("changes requested", "approved"),
        cannot("rejected", "approved"),
    ),
    "request_changes": (
        cannot("draft", "sent back"),
        "changes_requested",
        cannot("approved", "sent back"),
        cannot("changes requested", "sent back"),
        cannot("rejected", "sent back"),
    ),
    "reject": (
        cannot("draft", "rejected"),
        "rejected",
        cannot("approved", "rejected"),
        cannot("changes requested", "rejected"),
        cannot("rejected", "rejected"),
    ),
    "edit": (OWN,) * 5,
}
TABLE: dict[str, dict[str, tuple]] = {
    "author": AS_AUTHOR,
    "other_reviewer": {
        "submit": (refused(ONLY_ITS_REVIEWER),) * 5,
        "approve": (refused(ONLY_DECIDERS),) * 5,
        "request_changes": (refused(ONLY_DECIDERS),) * 5,
        "reject": (refused(ONLY_DECIDERS),) * 5,
        "edit": (OWN,) * 5,
    },
    "moderator": AS_DECIDER,
    "owner": AS_DECIDER,
    "moderator_author": {
        "submit": AS_AUTHOR["submit"],
        "approve": (refused(FOUR_EYES),) * 5,
        "request_changes": (refused(FOUR_EYES),) * 5,
        "reject": (refused(FOUR_EYES),) * 5,
        "edit": AS_AUTHOR["edit"],
    },
    "outsider": {
        "submit": (refused(ONLY_ITS_REVIEWER),) * 5,
        "approve": (refused(NOT_A_MEMBER),) * 5,
        "request_changes": (refused(NOT_A_MEMBER),) * 5,
        "reject": (refused(NOT_A_MEMBER),) * 5,
        "edit": (refused(NOT_A_MEMBER),) * 5,
    },
}


def expected(role: str, action: str, state: str):
    return TABLE[role][action][STATES.index(state)]


CASES = [(role, action, state) for role in ROLES for action in ACTIONS for state in STATES]


def case_id(role: str, action: str, state: str) -> str:
    return f"{role}-{action}-{state}"


def review_in_state(cast: dict, role: str, state: str, claim: Claim, rating: Rating) -> Review:
    """The review under test, brought to `state` through the services (olga, an owner, decides)."""
    author = cast["moderator_author"] if role == "moderator_author" else cast["author"]
    review = verdict(author, claim, rating, RATIONALE, submit=state != "draft")
    decisions = {"approved": "approve", "changes_requested": "request_changes", "rejected": "reject"}
    if state in decisions:
        services.decide_review(user=cast["owner"], review=review, action=decisions[state], reason="Setting up.")
    review = fresh(review)
    assert review.state == state
    return review


def act(action: str, actor, review: Review, rating: Rating):
    if action == "submit":
        return services.submit_review(user=actor, review=review)
    if action == "edit":
        # The page sends the version it showed; a form for one's own review exists only for its author.
        version = review.version if actor.pk == review.reviewer_id else None
        return services.save_review(
            user=actor, claim=review.claim, rating=rating, rationale=EDITED, confidence=3, expected_version=version
        )
    return services.decide_review(user=actor, review=review, action=action, reason=REASON)


def test_the_table_covers_every_state_action_and_role():
    assert {(role, action) for role in TABLE for action in TABLE[role]} == {(r, a) for r in ROLES for a in ACTIONS}
    assert all(len(outcomes) == len(STATES) for actions in TABLE.values() for outcomes in actions.values())
    assert len(CASES) == 150


@pytest.mark.parametrize(("role", "action", "state"), CASES, ids=[case_id(*case) for case in CASES])
def test_each_action_on_a_review_is_allowed_or_refused_as_the_table_says(
    role, action, state, cast, claim, rating_false, rating_mixed
):
    actor = cast[role]
    review = review_in_state(cast, role, state, claim, rating_false)
    outcome = expected(role, action, state)
    before, claim_before, events_before = review_row(review), claim_row(claim), AuditEvent.objects.count()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    if isinstance(outcome, Refused):
        with pytest.raises(services.ActionRefused) as refusal:
            act(action, actor, review, rating_mixed)
        assert str(refusal.value) == outcome
        assert review_row(review) == before
        assert claim_row(claim) == claim_before
        assert AuditEvent.objects.count() == events_before
        return

    act(action, actor, review, rating_mixed)
    after = review_row(review)
    new_events = list(AuditEvent.objects.filter(pk__gt=last_event))
    assert new_events, "an allowed step writes an audit event"
    assert {event.actor_id for event in new_events} == {actor.pk}

    if outcome == OWN:
        assert after == before, "nobody writes another person's review"
        own = Review.objects.get(claim=claim, reviewer=actor)
        assert (own.state, own.rating, own.rationale) == ("draft", rating_mixed, EDITED)
        return

    assert after["state"] == outcome
    assert after["version"] > before["version"]
    [event] = [e for e in new_events if e.object_type == "reviews.review" and e.object_id == str(review.pk)]
    if outcome != state:
        assert (event.before["state"], event.after["state"]) == (state, outcome)
    if action in ("approve", "request_changes", "reject"):
        assert (after["decided_by_id"], after["decision_reason"]) == (actor.pk, REASON)
        assert event.reason == REASON
    if action == "edit":
        assert (after["rating_id"], after["rationale"]) == (rating_mixed.pk, EDITED)
    if action == "submit":
        assert after["submitted_at"] is not None


# The same rules through the pages: a representative subset, each as a plain post and as htmx.

DECIDE_CASES = [
    ("moderator", "approve", "submitted"),
    ("owner", "reject", "submitted"),
    ("moderator", "request_changes", "submitted"),
    ("moderator", "approve", "draft"),
    ("owner", "reject", "approved"),
    ("moderator", "request_changes", "rejected"),
    ("author", "approve", "submitted"),
    ("other_reviewer", "reject", "submitted"),
    ("moderator_author", "approve", "submitted"),
    ("outsider", "approve", "submitted"),
]
DONE_MESSAGE = {"approve": "Review approved.", "request_changes": "Changes requested.", "reject": "Review rejected."}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("role", "action", "state"), DECIDE_CASES, ids=[case_id(*c) for c in DECIDE_CASES])
def test_deciding_through_the_page_follows_the_table(role, action, state, headers, cast, claim, rating_false):
    actor = cast[role]
    review = review_in_state(cast, role, state, claim, rating_false)
    outcome = expected(role, action, state)
    before, events_before = review_row(review), AuditEvent.objects.count()
    client = client_for(actor)

    response = client.post(
        f"/reviews/{review.pk}/decide/", {"action": action, "reason": REASON, "version": review.version}, **headers
    )

    if role == "outsider":
        assert response.status_code == 404
        assert review_row(review) == before
        assert AuditEvent.objects.count() == events_before
        return
    if isinstance(outcome, Refused):
        if headers:
            assert response.status_code == 200
            assert "HX-Trigger" not in response
            assert outcome in text_of(response)
        else:
            assert response["Location"] == claim_url(claim)
            assert outcome in follow(client, response)
        assert review_row(review) == before
        assert AuditEvent.objects.count() == events_before
        return
    if headers:
        assert response.status_code == 200
        assert json.loads(response["HX-Trigger"]) == {"claimsChanged": {"claim": claim.pk}}
        assert f'<span class="state state-{outcome}">' in others_section(text_of(response))
    else:
        assert response["Location"] == claim_url(claim)
        assert DONE_MESSAGE[action] in follow(client, response)
    assert review_row(review)["state"] == outcome
    event = events_of(review)[-1]
    assert (event.actor, event.reason, event.after["state"]) == (actor, REASON, outcome)


# Saving and submitting one's own verdict through the page. The page saves and submits in one post,
# so "Submit verdict" on a review sent back edits it (back to draft) and submits it again.
SAVE_CASES = [
    ("author", "draft", "submit", "submitted"),
    ("moderator_author", "draft", "submit", "submitted"),
    ("author", "draft", "save", "draft"),
    ("author", "changes_requested", "save", "draft"),
    ("author", "changes_requested", "submit", "submitted"),
    ("author", "approved", "save", cannot_edit("approved")),
    ("author", "rejected", "submit", cannot_edit("rejected")),
    ("outsider", "draft", "submit", 404),
]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("role", "state", "button", "outcome"), SAVE_CASES, ids=[f"{r}-{b}-{s}" for r, s, b, _ in SAVE_CASES]
)
def test_saving_and_submitting_through_the_page(role, state, button, outcome, headers, cast, claim, rating_false):
    mixed = Rating.objects.get(team=claim.article.team, slug="mixed")
    actor = cast[role]
    review = review_in_state(cast, role, state, claim, rating_false)
    before, events_before = review_row(review), AuditEvent.objects.count()
    client = client_for(actor)
    data = {"rating": mixed.pk, "rationale": EDITED, "confidence": 3, "version": review.version, "action": button}

    response = client.post(f"/claims/{claim.pk}/review/", data, **headers)

    if outcome == 404:
        assert response.status_code == 404
    elif isinstance(outcome, Refused):
        assert response.status_code == 200
        assert "HX-Trigger" not in response
        assert outcome in text_of(response), "the page says why nothing was saved"
    if outcome == 404 or isinstance(outcome, Refused):
        assert review_row(review) == before
        assert AuditEvent.objects.count() == events_before
        return
    if headers:
        assert response.status_code == 200
        assert json.loads(response["HX-Trigger"]) == {"claimsChanged": {"claim": claim.pk}}
    else:
        assert response["Location"] == claim_url(claim)
        assert ("Verdict submitted." if button == "submit" else "Verdict saved.") in follow(client, response)
    after = review_row(review)
    assert (after["state"], after["rating_id"], after["rationale"]) == (outcome, mixed.pk, EDITED)
    assert {event.actor for event in events_of(review)[-1:]} == {actor}


def test_resubmitting_a_review_sent_back_with_new_evidence_but_the_same_verdict_submits_it(
    reviewer, moderator, claim, rating_false
):
    # The moderator asks for a source; rita adds one (allowed while changes are requested) and submits
    # again without touching rating, rationale or confidence.
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    services.decide_review(user=moderator, review=review, action="request_changes", reason="Add a source.")
    review = fresh(review)
    services.add_evidence(user=reviewer, review=review, url="https://example.org/source", stance="refutes")
    rita = client_for(reviewer)
    data = {"rating": rating_false.pk, "rationale": RATIONALE, "confidence": 2, "version": review.version}

    response = rita.post(f"/claims/{claim.pk}/review/", {**data, "action": "submit"}, **HTMX)

    assert response.status_code == 200
    assert Review.objects.get(pk=review.pk).state == "submitted"


def test_editing_a_review_sent_back_without_changing_it_still_makes_it_a_draft(
    reviewer, moderator, claim, rating_false
):
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    services.decide_review(user=moderator, review=review, action="request_changes", reason="Look again.")
    review = fresh(review)

    saved = services.save_review(
        user=reviewer,
        claim=claim,
        rating=rating_false,
        rationale=RATIONALE,
        confidence=2,
        expected_version=review.version,
    )

    assert saved.state == "draft"
    assert Review.objects.get(pk=review.pk).state == "draft", "what save_review returned is what is stored"


# --- reasons ------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["reject", "request_changes"])
@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
def test_rejecting_or_sending_back_without_a_reason_is_refused(
    action, reason, reviewer, moderator, claim, rating_false
):
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    before, events_before = review_row(review), AuditEvent.objects.count()

    with pytest.raises(services.ActionRefused) as refusal:
        services.decide_review(user=moderator, review=review, action=action, reason=reason)

    assert str(refusal.value) == "Give a reason: the reviewer will see it."
    assert review_row(review) == before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_decision_page_refuses_a_rejection_without_a_reason(headers, reviewer, moderator, claim, rating_false):
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    before, events_before = review_row(review), AuditEvent.objects.count()
    mona = client_for(moderator)

    response = mona.post(
        f"/reviews/{review.pk}/decide/", {"action": "reject", "reason": "", "version": review.version}, **headers
    )

    message = "Give a reason: the reviewer will see it."
    page = text_of(response) if headers else follow(mona, response)
    assert message in page
    assert review_row(review) == before
    assert AuditEvent.objects.count() == events_before


def test_an_approval_needs_no_reason(reviewer, moderator, claim, rating_false):
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    services.decide_review(user=moderator, review=review, action="approve", reason="")
    assert Review.objects.get(pk=review.pk).state == "approved"
    assert events_of(review)[-1].reason == ""


def test_a_reason_longer_than_1000_characters_is_refused(reviewer, moderator, claim, rating_false):
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    before = review_row(review)
    with pytest.raises(services.ActionRefused, match="The reason is longer than 1000 characters."):
        services.decide_review(user=moderator, review=review, action="reject", reason="x" * 1001)
    assert review_row(review) == before


@pytest.mark.parametrize(
    ("action", "state", "shown"),
    [
        ("request_changes", "changes_requested", f"Changes requested by mona: {REASON}"),
        ("reject", "rejected", f"Rejected by mona: {REASON}"),
    ],
)
def test_the_reason_is_in_the_audit_event_and_in_the_reviewers_panel(
    action, state, shown, reviewer, moderator, claim, rating_false
):
    review = verdict(reviewer, claim, rating_false, RATIONALE)

    services.decide_review(user=moderator, review=review, action=action, reason=REASON)

    event = events_of(review)[-1]
    assert (event.actor, event.reason, event.after["state"]) == (moderator, REASON, state)
    full = client_for(reviewer).get(claim_url(claim))
    fragment = client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX)
    assert full.status_code == fragment.status_code == 200
    assert shown in text_of(full)
    assert shown in text_of(fragment)
    assert f"mona moved a verdict to {state.replace('_', ' ')}: {REASON}" in text_of(fragment)


# --- claim status -------------------------------------------------------------------------------


def test_a_claim_is_open_until_its_first_review_and_then_in_review(reviewer, claim, rating_false):
    assert (claim.status, claim.version) == ("open", 0)

    services.save_review(user=reviewer, claim=claim, rating=rating_false, rationale="", confidence=2)

    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert claim.status_changed_at is not None
    assert claim.version == 1
    event = events_of(claim)[-1]
    assert (event.actor, event.before["status"], event.after["status"]) == (reviewer, "open", "in_review")


def test_two_differing_submitted_verdicts_make_the_claim_disputed(
    reviewer, reviewer2, claim, rating_false, rating_mixed
):
    verdict(reviewer, claim, rating_false)
    claim.refresh_from_db()
    assert claim.status == "in_review"

    verdict(reviewer2, claim, rating_mixed)

    claim.refresh_from_db()
    assert claim.status == "disputed"
    event = events_of(claim)[-1]
    assert (event.actor, event.after["status"]) == (reviewer2, "disputed")


def test_two_equal_submitted_verdicts_leave_the_claim_in_review(reviewer, reviewer2, claim, rating_false):
    verdict(reviewer, claim, rating_false)
    verdict(reviewer2, claim, rating_false)
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_a_draft_does_not_count_towards_a_dispute(reviewer, reviewer2, claim, rating_false, rating_mixed):
    verdict(reviewer, claim, rating_false)
    verdict(reviewer2, claim, rating_mixed, submit=False)
    claim.refresh_from_db()
    assert claim.status == "in_review"


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_rejecting_or_sending_back_one_side_of_a_dispute_puts_the_claim_back_in_review(
    action, reviewer, reviewer2, moderator, claim, rating_false, rating_mixed
):
    verdict(reviewer, claim, rating_false)
    remys = verdict(reviewer2, claim, rating_mixed)

    services.decide_review(user=moderator, review=remys, action=action, reason=REASON)

    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert claim.final_rating is None
    event = events_of(claim)[-1]
    assert (event.actor, event.reason, event.after["status"]) == (moderator, REASON, "in_review")


def test_approving_one_side_of_a_dispute_makes_the_claim_final_with_its_rating(
    reviewer, reviewer2, moderator, claim, rating_false, rating_mixed
):
    verdict(reviewer, claim, rating_false)
    remys = verdict(reviewer2, claim, rating_mixed)

    services.decide_review(user=moderator, review=remys, action="approve", reason="Remy's sources hold.")

    claim.refresh_from_db()
    assert (claim.status, claim.final_rating, claim.decided_by) == ("final", rating_mixed, moderator)
    assert claim.decision_reason == "Remy's sources hold."
    assert claim.decided_at is not None
    event = events_of(claim)[-1]
    assert (event.actor, event.reason, event.after["status"]) == (moderator, "Remy's sources hold.", "final")


def test_a_claim_that_is_final_cannot_get_a_different_verdict_approved(
    reviewer, reviewer2, moderator, owner, claim, rating_false, rating_mixed
):
    ritas = verdict(reviewer, claim, rating_false)
    remys = verdict(reviewer2, claim, rating_mixed)
    services.decide_review(user=moderator, review=ritas, action="approve")
    before, claim_before, events_before = review_row(remys), claim_row(claim), AuditEvent.objects.count()

    with pytest.raises(services.ActionRefused) as refusal:
        services.decide_review(user=owner, review=fresh(remys), action="approve")

    assert str(refusal.value) == "This claim is already final as “False”; a different verdict cannot be approved."
    assert (review_row(remys), claim_row(claim), AuditEvent.objects.count()) == (before, claim_before, events_before)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_moderator_resolves_a_dispute_with_a_verdict_and_a_reason(
    headers, reviewer, reviewer2, moderator, claim, rating_false, rating_mixed
):
    verdict(reviewer, claim, rating_false)
    verdict(reviewer2, claim, rating_mixed)
    claim.refresh_from_db()
    mona = client_for(moderator)
    panel = text_of(mona.get(f"/claims/{claim.pk}/", **HTMX))
    assert "Resolve the dispute" in panel
    assert f'name="version" value="{claim.version}"' in panel

    response = mona.post(
        f"/claims/{claim.pk}/resolve/",
        {"rating": rating_false.pk, "reason": "The ministry confirmed it.", "version": claim.version},
        **headers,
    )

    if headers:
        assert response.status_code == 200
        assert json.loads(response["HX-Trigger"]) == {"claimsChanged": {"claim": claim.pk}}
        page = text_of(response)
    else:
        assert response["Location"] == claim_url(claim)
        page = follow(mona, response)
        assert "The claim&#x27;s verdict is final." in page
    assert "Final: False" in page
    assert "The ministry confirmed it." in page
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating, claim.decided_by) == ("final", rating_false, moderator)
    assert claim.decision_reason == "The ministry confirmed it."
    event = events_of(claim)[-1]
    assert (event.actor, event.reason, event.after["status"]) == (moderator, "The ministry confirmed it.", "final")


def test_a_moderator_records_a_verdict_on_a_claim_in_review(reviewer, owner, claim, rating_false, rating_mixed):
    verdict(reviewer, claim, rating_false)
    claim.refresh_from_db()

    services.resolve_claim(user=owner, claim=claim, rating=rating_mixed, reason="Context matters.")

    claim.refresh_from_db()
    assert (claim.status, claim.final_rating, claim.decided_by) == ("final", rating_mixed, owner)


def test_a_moderator_with_a_verdict_of_their_own_cannot_resolve_the_claim(
    reviewer, moderator, claim, rating_false, rating_mixed
):
    verdict(reviewer, claim, rating_false)
    verdict(moderator, claim, rating_mixed)
    claim.refresh_from_db()
    assert claim.status == "disputed"
    before, events_before = claim_row(claim), AuditEvent.objects.count()

    with pytest.raises(services.ActionRefused) as refusal:
        services.resolve_claim(user=moderator, claim=claim, rating=rating_mixed, reason="Mine is right.")

    assert str(refusal.value) == "Four-eyes rule: you reviewed this claim yourself; another moderator must decide it."
    assert claim_row(claim) == before
    assert AuditEvent.objects.count() == events_before
    panel = text_of(client_for(moderator).get(f"/claims/{claim.pk}/", **HTMX))
    assert "Resolve the dispute" not in panel


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_resolve_page_says_why_a_moderator_with_their_own_verdict_cannot_resolve(
    headers, reviewer, moderator, claim, rating_false, rating_mixed
):
    verdict(reviewer, claim, rating_false)
    verdict(moderator, claim, rating_mixed)
    claim.refresh_from_db()
    before, events_before = claim_row(claim), AuditEvent.objects.count()

    response = client_for(moderator).post(
        f"/claims/{claim.pk}/resolve/",
        {"rating": rating_mixed.pk, "reason": "Mine is right.", "version": claim.version},
        **headers,
    )

    assert response.status_code == 200
    assert "Four-eyes rule: you reviewed this claim yourself; another moderator must decide it." in text_of(response)
    assert claim_row(claim) == before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("reviewer2", "Only a team moderator or owner may do this."),
        ("owner", "This claim is final; only a claim under review or in dispute can be resolved."),
    ],
    ids=["reviewer", "already-final"],
)
def test_the_resolve_page_says_why_a_claim_cannot_be_resolved(
    headers, who, message, request, reviewer, moderator, claim, rating_false
):
    user = request.getfixturevalue(who)
    review = verdict(reviewer, claim, rating_false)
    if who == "owner":
        services.decide_review(user=moderator, review=review, action="approve")
    claim.refresh_from_db()
    before, events_before = claim_row(claim), AuditEvent.objects.count()

    response = client_for(user).post(
        f"/claims/{claim.pk}/resolve/",
        {"rating": rating_false.pk, "reason": "Because.", "version": claim.version},
        **headers,
    )

    assert response.status_code == 200
    assert message in text_of(response)
    assert claim_row(claim) == before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("reviewer2", "Only a team moderator or owner may do this."),
        ("outsider", "You are not a member of this team."),
    ],
)
def test_only_a_moderator_or_owner_of_the_team_resolves_a_claim(who, message, request, reviewer, claim, rating_false):
    user = request.getfixturevalue(who)
    verdict(reviewer, claim, rating_false)
    claim.refresh_from_db()
    before, events_before = claim_row(claim), AuditEvent.objects.count()
    with pytest.raises(services.ActionRefused) as refusal:
        services.resolve_claim(user=user, claim=claim, rating=rating_false, reason="Because.")
    assert str(refusal.value) == message
    assert (claim_row(claim), AuditEvent.objects.count()) == (before, events_before)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("open", "This claim is open; only a claim under review or in dispute can be resolved."),
        ("draft only", "Nobody has submitted a verdict on this claim yet."),
        ("final", "This claim is final; only a claim under review or in dispute can be resolved."),
        ("no reason", "Give a reason for the moderator's verdict."),
    ],
)
def test_a_claim_is_resolved_only_when_there_is_something_to_resolve(
    setup, message, reviewer, moderator, owner, claim, rating_false
):
    if setup == "draft only":
        verdict(reviewer, claim, rating_false, submit=False)
    if setup in ("final", "no reason"):
        services.decide_review(user=owner, review=verdict(reviewer, claim, rating_false), action="approve")
    claim.refresh_from_db()
    before, events_before = claim_row(claim), AuditEvent.objects.count()

    with pytest.raises(services.ActionRefused) as refusal:
        services.resolve_claim(
            user=moderator, claim=claim, rating=rating_false, reason="" if setup == "no reason" else "Because."
        )

    assert str(refusal.value) == message
    assert (claim_row(claim), AuditEvent.objects.count()) == (before, events_before)


def test_the_final_verdict_shows_in_the_reader_the_claim_table_and_the_admin(
    reviewer, moderator, ada, claim, rating_false
):
    services.decide_review(user=moderator, review=verdict(reviewer, claim, rating_false), action="approve")
    rita = client_for(reviewer)

    reader = rita.get(f"/articles/{claim.article_id}/")
    table = rita.get("/claims/")
    rows = rita.get("/claims/", **HTMX)
    admin = ada.get("/admin/reviews/claim/")

    assert reader.status_code == table.status_code == rows.status_code == admin.status_code == 200
    assert "Final: False" in text_of(reader)
    for page in (text_of(table), text_of(rows)):
        assert '<span class="status status-final">Final</span>' in page
        assert '<span class="verdict v-false">False</span>' in page
        assert "mona" in page
    assert text_of(rows).lstrip().startswith('<div id="claim-rows">')
    admin_page = text_of(admin)
    assert '<td class="field-status">Final</td>' in admin_page
    assert '<td class="field-final_rating nowrap">False</td>' in admin_page
    assert '<td class="field-decided_by nowrap">mona</td>' in admin_page


def test_the_admin_approve_action_applies_the_four_eyes_rule(ada, superuser, reviewer, category, claim, rating_false):
    ritas = verdict(reviewer, claim, rating_false)
    adas = verdict(superuser, claim, rating_false)
    before, events_before = review_row(adas), AuditEvent.objects.count()

    own = follow(ada, ada.post("/admin/reviews/review/", {"action": "approve_selected", "_selected_action": [adas.pk]}))
    # Having given a verdict on the claim, ada decides none of its reviews: another moderator must.
    other = follow(
        ada, ada.post("/admin/reviews/review/", {"action": "approve_selected", "_selected_action": [ritas.pk]})
    )

    assert "Nothing was changed: " + FOUR_EYES in own
    assert "Nothing was changed: Four-eyes rule: you gave a verdict on this claim yourself" in other
    assert review_row(adas) == before
    assert Review.objects.get(pk=ritas.pk).state == "submitted"
    assert AuditEvent.objects.count() == events_before

    start, end = span_of(claim.article, OTHER_SENTENCE)
    second = services.tag_claim(user=reviewer, article=claim.article, start=start, end=end, category=category)
    ritas_second = verdict(reviewer, second, rating_false)
    both = ada.post(
        "/admin/reviews/review/", {"action": "approve_selected", "_selected_action": [ritas_second.pk, ritas.pk]}
    )

    assert "Nothing was changed: " in follow(ada, both)
    assert Review.objects.get(pk=ritas_second.pk).state == "submitted", "all or nothing"

    approved = ada.post("/admin/reviews/review/", {"action": "approve_selected", "_selected_action": [ritas_second.pk]})

    assert "Approved 1 reviews." in follow(ada, approved)
    assert Review.objects.get(pk=ritas_second.pk).state == "approved"
    assert events_of(ritas_second)[-1].actor == superuser


# --- blind review -------------------------------------------------------------------------------


@pytest.fixture
def remys_verdict(reviewer2, claim, rating_mixed) -> Review:
    """Remy's submitted verdict, mixed, with a rationale and evidence."""
    review = verdict(reviewer2, claim, rating_mixed, REMY_RATIONALE, submit=False)
    services.add_evidence(user=reviewer2, review=review, url=REMY_EVIDENCE, stance=Evidence.Stance.SUPPORTS)
    return fresh(services.submit_review(user=reviewer2, review=review))


@pytest.fixture
def dispute(remys_verdict, reviewer3, claim, rating_true) -> Claim:
    """Remy (mixed) and rick (true) disagree; rita has a draft (the `review` fixture) and has not submitted."""
    verdict(reviewer3, claim, rating_true, "Rick checked the video.")
    claim.refresh_from_db()
    assert claim.status == "disputed"
    return claim


def test_before_submitting_a_reviewer_sees_nothing_of_the_others_verdicts(reviewer, review, remys_verdict, claim):
    rita = client_for(reviewer)
    for response in (rita.get(f"/claims/{claim.pk}/", **HTMX), rita.get(claim_url(claim))):
        assert response.status_code == 200
        html = text_of(response)
        assert REMY_RATIONALE not in html
        assert REMY_EVIDENCE not in html
        assert 'class="verdict v-mixed"' not in html
        assert "remy" not in html
        assert re.search(
            r"1 other reviewer reviewed this claim;\s+their verdicts stay hidden until you submit yours", html
        )


def test_a_disputed_claim_shows_as_in_review_to_a_reviewer_who_has_not_submitted(reviewer, review, dispute):
    rita = client_for(reviewer)
    for response in (rita.get(f"/claims/{dispute.pk}/", **HTMX), rita.get(claim_url(dispute))):
        html = text_of(response)
        assert '<span class="status status-in_review">In review</span>' in html
        assert "isputed" not in html
        assert "rick" not in html and "remy" not in html
        assert "2 other reviewers reviewed this claim" in html


def test_after_submitting_a_reviewer_sees_the_others_verdicts_side_by_side(reviewer, review, dispute):
    services.submit_review(user=reviewer, review=fresh(review))
    rita = client_for(reviewer)

    html = text_of(rita.get(f"/claims/{dispute.pk}/", **HTMX))

    section = others_section(html)
    assert 'class="side-by-side"' in section
    assert "<strong>remy</strong>" in section and "<strong>rick</strong>" in section
    assert REMY_RATIONALE in section
    assert REMY_EVIDENCE in section
    assert '<span class="verdict v-mixed">Mixed</span>' in section
    assert '<span class="verdict v-true">True</span>' in section
    assert '<span class="status status-disputed">Disputed</span>' in html
    assert 'class="decide-form"' not in html, "a reviewer cannot decide"


def test_a_moderator_always_sees_every_verdict_and_can_decide_on_submitted_ones(moderator, review, dispute):
    html = text_of(client_for(moderator).get(f"/claims/{dispute.pk}/", **HTMX))

    section = others_section(html)
    assert REMY_RATIONALE in section and REMY_EVIDENCE in section and RATIONALE in section
    assert "<strong>rita</strong>" in section
    assert '<span class="status status-disputed">Disputed</span>' in html
    assert html.count('class="decide-form"') == 2, "remy's and rick's are submitted; rita's is a draft"


def test_the_claim_table_does_not_reveal_a_dispute_to_a_reviewer_who_has_not_submitted(
    reviewer, moderator, review, dispute
):
    rita = client_for(reviewer)
    quote = SENTENCE[:40]

    everything = text_of(rita.get("/claims/"))
    disputed = text_of(rita.get("/claims/?status=disputed", **HTMX))
    in_review = text_of(rita.get("/claims/?status=in_review", **HTMX))

    assert quote in everything
    assert "status-disputed" not in everything, "not even as a CSS class"
    assert ">Disputed</span>" not in everything
    assert quote not in disputed
    assert "No claims match." in disputed
    assert quote in in_review
    assert "status-disputed" not in in_review
    assert '">In review</span>' in in_review
    moderator_view = text_of(client_for(moderator).get("/claims/?status=disputed", **HTMX))
    assert quote in moderator_view
    assert '<span class="status status-disputed">Disputed</span>' in moderator_view


def test_the_claim_table_shows_a_dispute_to_a_reviewer_once_they_submitted(reviewer, review, dispute):
    services.submit_review(user=reviewer, review=fresh(review))
    html = text_of(client_for(reviewer).get("/claims/?status=disputed", **HTMX))
    assert SENTENCE[:40] in html
    assert '<span class="status status-disputed">Disputed</span>' in html


def test_a_reviewer_cannot_open_the_moderation_queue(reviewer, dispute):
    rita = client_for(reviewer)
    for response in (rita.get("/moderation/"), rita.get("/moderation/", **HTMX)):
        assert response.status_code == 403
        assert "Only a team moderator or owner sees the moderation queue." in text_of(response)
        assert SENTENCE[:40] not in text_of(response)
    assert 'id="nav-moderation-count"' not in text_of(rita.get("/queue/"))


# --- assignments and queues ---------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_moderator_assigns_an_article(headers, moderator, reviewer, article):
    mona = client_for(moderator)

    response = mona.post(f"/articles/{article.pk}/assign/", {"assignee": reviewer.pk}, **headers)

    assignment = Assignment.objects.get()
    assert (assignment.article, assignment.claim, assignment.assignee) == (article, None, reviewer)
    assert (assignment.assigned_by, assignment.team_id) == (moderator, article.team_id)
    if headers:
        assert response.status_code == 200
        html = text_of(response)
        assert html.lstrip().startswith('<div id="assign-box"')
        assert "Assigned to rita." in html
        assert f"/assignments/{assignment.pk}/delete/" in html
    else:
        assert response["Location"] == f"/articles/{article.pk}/"
        assert "Assigned to rita." in follow(mona, response)
    event = events_of(assignment)[-1]
    assert (event.action, event.actor) == ("create", moderator)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_moderator_assigns_a_single_claim(headers, moderator, reviewer2, article, claim):
    mona = client_for(moderator)

    response = mona.post(f"/articles/{article.pk}/assign/", {"assignee": reviewer2.pk, "claim": claim.pk}, **headers)

    assignment = Assignment.objects.get()
    assert (assignment.claim, assignment.assignee, assignment.assigned_by) == (claim, reviewer2, moderator)
    if headers:
        assert response.status_code == 200
        html = text_of(response)
        assert f'data-claim="{claim.pk}"' in html
        assert re.search(r'<ul class="assignees">\s*<li>remy', html)
    else:
        assert response["Location"] == claim_url(claim)
        assert "Assigned to remy." in follow(mona, response)


def test_assigning_the_same_person_twice_is_refused(moderator, reviewer, article, claim):
    services.assign(user=moderator, article=article, assignee=reviewer)
    events_before = AuditEvent.objects.count()
    with pytest.raises(services.ActionRefused, match="rita is already assigned to this article."):
        services.assign(user=moderator, article=article, assignee=reviewer)
    services.assign(user=moderator, article=article, assignee=reviewer, claim=claim)  # a claim is a separate ask
    assert Assignment.objects.count() == 2
    assert AuditEvent.objects.count() == events_before + 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_reviewer_cannot_assign(headers, reviewer, reviewer2, article):
    rita = client_for(reviewer)
    before = (row_counts(), Assignment.objects.count())

    response = rita.post(f"/articles/{article.pk}/assign/", {"assignee": reviewer2.pk}, **headers)

    # Forbidden outright, without showing her who else is assigned to the article.
    assert response.status_code == 403
    assert "Only a team moderator or owner may assign work." in text_of(response)
    assert reviewer2.username not in text_of(response)
    assert (row_counts(), Assignment.objects.count()) == before
    with pytest.raises(services.ActionRefused, match=re.escape(ONLY_DECIDERS)):
        services.assign(user=reviewer, article=article, assignee=reviewer2)


def test_assigning_someone_outside_the_team_is_refused(moderator, outsider, article):
    before = (row_counts(), Assignment.objects.count())

    response = client_for(moderator).post(f"/articles/{article.pk}/assign/", {"assignee": outsider.pk}, **HTMX)

    assert response.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in text_of(response)
    with pytest.raises(services.ActionRefused) as refusal:
        services.assign(user=moderator, article=article, assignee=outsider)
    assert str(refusal.value) == "Only a member of this team can be assigned."
    assert (row_counts(), Assignment.objects.count()) == before


def test_a_claim_of_another_article_cannot_be_assigned_through_this_one(moderator, reviewer, team, article, claim):
    other = import_text(team, "Another story\n\nNothing to see here at all.\n")
    before = Assignment.objects.count()
    response = client_for(moderator).post(
        f"/articles/{other.pk}/assign/", {"assignee": reviewer.pk, "claim": claim.pk}, **HTMX
    )
    assert response.status_code == 404
    with pytest.raises(services.ActionRefused, match="That claim is not in this article."):
        services.assign(user=moderator, article=other, assignee=reviewer, claim=claim)
    assert Assignment.objects.count() == before


def queue_of(client) -> tuple[str, int]:
    html = text_of(client.get("/queue/"))
    return html, nav_count(html, "nav-queue-count")


def test_my_queue_lists_what_is_assigned_until_it_is_submitted_and_again_after_changes_are_requested(
    moderator, reviewer, article, claim, rating_false
):
    rita = client_for(reviewer)
    html, count = queue_of(rita)
    assert count == 0
    assert "Nothing waits for you." in html

    services.assign(user=moderator, article=article, assignee=reviewer)
    services.assign(user=moderator, article=article, assignee=reviewer, claim=claim)
    html, count = queue_of(rita)
    assert count == 2
    assert "the whole article" in html
    assert "0/1 submitted" in html
    assert f"?claim={claim.pk}#claim-panel" in html
    assert html.count('<td class="muted">mona</td>') == 2
    htmx_page = text_of(rita.get("/queue/", **HTMX))
    assert f"?claim={claim.pk}#claim-panel" in htmx_page

    review = verdict(reviewer, claim, rating_false, submit=False)
    assert queue_of(rita)[1] == 2, "a draft is not done"

    services.submit_review(user=reviewer, review=review)
    html, count = queue_of(rita)
    assert count == 0
    assert f"?claim={claim.pk}#claim-panel" not in html
    assert "Nothing waits for you." in html

    services.decide_review(user=moderator, review=fresh(review), action="request_changes", reason=REASON)
    html, count = queue_of(rita)
    assert count == 2
    assert f"?claim={claim.pk}#claim-panel" in html


def test_my_queue_shows_only_my_own_assignments(moderator, reviewer, reviewer2, article, claim):
    services.assign(user=moderator, article=article, assignee=reviewer2, claim=claim)
    html, count = queue_of(client_for(reviewer))
    assert count == 0
    assert f"?claim={claim.pk}#claim-panel" not in html
    assert queue_of(client_for(reviewer2))[1] == 1


def moderation_of(client) -> tuple[str, int]:
    response = client.get("/moderation/")
    assert response.status_code == 200
    html = text_of(response)
    return html, nav_count(html, "nav-moderation-count")


@pytest.fixture
def desk(team, reviewer, category) -> Article:
    """An article with ten plain sentences to tag."""
    lines = [f"Sentence {word} says the bridge is {index + 10} metres long." for index, word in enumerate(WORDS)]
    return import_text(team, "Bridges of the river\n\n" + "\n".join(lines) + "\n", source="bridges.txt")


WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def sentence(word: str) -> str:
    return f"Sentence {word} says the bridge"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_moderation_queue_lists_submitted_reviews_and_disputes_oldest_first(
    headers, moderator, owner, reviewer, reviewer2, desk, category, rating_false, rating_mixed
):
    first, second, third, draft_only, final = (tag(reviewer, desk, sentence(w), category) for w in WORDS[:5])
    verdict(reviewer, first, rating_false)
    verdict(reviewer, second, rating_false)
    verdict(reviewer2, second, rating_mixed)  # now disputed
    verdict(reviewer2, third, rating_mixed)
    verdict(reviewer, draft_only, rating_false, submit=False)
    services.decide_review(user=owner, review=verdict(reviewer, final, rating_false), action="approve")

    response = client_for(moderator).get("/moderation/", **headers)

    html = text_of(response)
    assert response.status_code == 200
    positions = [html.find(sentence(w)) for w in ("one", "two", "three")]
    assert -1 not in positions
    assert positions == sorted(positions), "oldest first"
    assert sentence("four") not in html and sentence("five") not in html
    assert html.count('<tr class="row-dispute">') == 1
    assert "2 differing verdicts" in html
    assert nav_count(html, "nav-moderation-count") == 3
    assert "by rita" in html and "by remy" in html


def test_the_moderation_count_goes_down_as_decisions_are_made(moderator, owner, reviewer, claim, rating_false):
    olga = client_for(owner)
    assert moderation_of(olga)[1] == 0
    review = verdict(reviewer, claim, rating_false)
    html, count = moderation_of(olga)
    assert count == 1
    assert SENTENCE[:40] in html

    services.decide_review(user=moderator, review=review, action="approve")

    html, count = moderation_of(olga)
    assert count == 0
    assert "Nothing waits for a decision." in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_moderator_withdraws_an_assignment(headers, moderator, reviewer, article, claim):
    assignment = services.assign(user=moderator, article=article, assignee=reviewer, claim=claim)
    rita = client_for(reviewer)
    assert queue_of(rita)[1] == 1
    mona = client_for(moderator)

    response = mona.post(f"/assignments/{assignment.pk}/delete/", **headers)

    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    if headers:
        assert response.status_code == 200
        assert "Nobody is assigned to this claim." in text_of(response)
    else:
        assert response["Location"] == claim_url(claim)
        assert "Assignment withdrawn." in follow(mona, response)
    event = events_of(assignment)[-1]
    assert (event.action, event.actor) == ("delete", moderator)
    assert queue_of(rita)[1] == 0


def test_withdrawing_an_article_assignment_answers_with_the_assign_box(moderator, reviewer, article):
    assignment = services.assign(user=moderator, article=article, assignee=reviewer)
    response = client_for(moderator).post(f"/assignments/{assignment.pk}/delete/", **HTMX)
    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="assign-box"')
    assert "Assignment withdrawn." in html
    assert not Assignment.objects.exists()


def test_a_reviewer_cannot_withdraw_an_assignment(moderator, reviewer, article):
    assignment = services.assign(user=moderator, article=article, assignee=reviewer)
    before = AuditEvent.objects.count()

    response = client_for(reviewer).post(f"/assignments/{assignment.pk}/delete/", **HTMX)

    assert response.status_code == 403
    assert "Only a team moderator or owner may assign work." in text_of(response)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.count() == before


# --- comments -----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_member_comments_on_a_claim(headers, reviewer2, claim):
    remy = client_for(reviewer2)

    response = remy.post(f"/claims/{claim.pk}/comments/", {"body": "Which agency said so?\nNeeds a source."}, **headers)

    comment = Comment.objects.get()
    assert (comment.claim, comment.author, comment.body) == (claim, reviewer2, "Which agency said so?\nNeeds a source.")
    html = text_of(response) if headers else follow(remy, response)
    if not headers:
        assert "Comment added." in html
    assert "<strong>remy</strong>" in html
    assert "Which agency said so?<br>Needs a source." in html
    assert f'<time datetime="{localtime(comment.created_at).isoformat()}"' in html
    event = events_of(comment)[-1]
    assert (event.action, event.actor) == ("create", reviewer2)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_an_empty_or_oversized_comment_is_refused(headers, body, message, reviewer2, claim):
    before = (row_counts(), Comment.objects.count())

    response = client_for(reviewer2).post(f"/claims/{claim.pk}/comments/", {"body": body}, **headers)

    assert response.status_code == 200
    assert message in text_of(response)
    assert (row_counts(), Comment.objects.count()) == before


def test_a_comment_of_exactly_4000_characters_is_accepted(reviewer2, claim):
    response = client_for(reviewer2).post(f"/claims/{claim.pk}/comments/", {"body": "y" * 4000}, **HTMX)
    assert response.status_code == 200
    assert len(Comment.objects.get().body) == 4000


@pytest.mark.parametrize(
    ("body", "who", "message"),
    [
        ("  \n ", "reviewer2", "Write something first: the comment is empty."),
        ("z" * 4001, "reviewer2", "The comment is longer than 4000 characters."),
        ("Hello", "outsider", "You are not a member of this team."),
    ],
    ids=["blank", "too-long", "outsider"],
)
def test_the_comment_service_refuses_what_the_form_would(body, who, message, request, claim):
    user = request.getfixturevalue(who)
    before = (row_counts(), Comment.objects.count())
    with pytest.raises(services.ActionRefused) as refusal:
        services.add_comment(user=user, claim=claim, body=body)
    assert str(refusal.value) == message
    assert (row_counts(), Comment.objects.count()) == before


# --- query budgets ------------------------------------------------------------------------------


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up: anything done once per session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill_desk(desk, words, reviewer, reviewer2, owner, category, rating_false, rating_mixed) -> list[Claim]:
    """Claims in every status: submitted, disputed, final, draft only."""
    claims = []
    for index, word in enumerate(words):
        claim = tag(reviewer, desk, sentence(word), category)
        review = verdict(reviewer, claim, rating_false, submit=index % 4 != 3)
        if index % 4 == 1:
            verdict(reviewer2, claim, rating_mixed)
        if index % 4 == 2:
            services.decide_review(user=owner, review=review, action="approve")
        claims.append(claim)
    return claims


@pytest.mark.parametrize("who", ["reviewer", "moderator"])
def test_the_claim_table_does_not_grow_in_queries_with_its_rows(
    who, request, desk, reviewer, reviewer2, owner, category, rating_false, rating_mixed
):
    client = client_for(request.getfixturevalue(who))
    fill_desk(desk, WORDS[:2], reviewer, reviewer2, owner, category, rating_false, rating_mixed)
    few = queries_for(client, "/claims/")
    fill_desk(desk, WORDS[2:8], reviewer, reviewer2, owner, category, rating_false, rating_mixed)
    many = queries_for(client, "/claims/")
    assert text_of(client.get("/claims/")).count("<tr>") == 8 + 1
    assert many == few


def test_the_moderation_queue_does_not_grow_in_queries_with_its_rows(
    moderator, desk, reviewer, reviewer2, owner, category, rating_false, rating_mixed
):
    mona = client_for(moderator)
    fill_desk(desk, WORDS[:2], reviewer, reviewer2, owner, category, rating_false, rating_mixed)
    few = queries_for(mona, "/moderation/")
    fill_desk(desk, WORDS[2:10], reviewer, reviewer2, owner, category, rating_false, rating_mixed)
    many = queries_for(mona, "/moderation/")
    assert nav_count(text_of(mona.get("/moderation/")), "nav-moderation-count") == 6
    assert many == few


def test_my_queue_does_not_grow_in_queries_with_its_rows(moderator, team, reviewer, desk, category):
    rita = client_for(reviewer)

    def assign_more(words):
        for word in words:
            claim = tag(moderator, desk, sentence(word), category)
            services.assign(user=moderator, article=desk, assignee=reviewer, claim=claim)
            article = import_text(team, f"Story {word}\n\nThe {word} story has one line.\n", source=f"{word}.txt")
            services.assign(user=moderator, article=article, assignee=reviewer)

    assign_more(WORDS[:1])
    few = queries_for(rita, "/queue/")
    assign_more(WORDS[1:4])
    many = queries_for(rita, "/queue/")
    assert nav_count(text_of(rita.get("/queue/")), "nav-queue-count") == 8
    assert many == few


# --- the audit trail of a whole run -------------------------------------------------------------


def test_every_step_of_a_review_is_in_the_audit_trail_with_its_actor_and_reason(
    reviewer, moderator, owner, claim, rating_false, rating_mixed
):
    review = verdict(reviewer, claim, rating_false, RATIONALE)
    services.decide_review(user=moderator, review=review, action="request_changes", reason="Cite the agency.")
    services.save_review(
        user=reviewer,
        claim=claim,
        rating=rating_mixed,
        rationale=EDITED,
        confidence=2,
        expected_version=fresh(review).version,
    )
    services.submit_review(user=reviewer, review=fresh(review))
    services.decide_review(user=owner, review=fresh(review), action="approve", reason="Good now.")

    steps = [
        (e.actor.username, e.action, (e.after or {}).get("state"), e.reason)
        for e in events_of(review)
        if e.action == "create" or "state" in (e.after or {})
    ]
    assert steps == [
        ("rita", "create", "draft", ""),
        ("rita", "update", "submitted", ""),
        ("mona", "update", "changes_requested", "Cite the agency."),
        ("rita", "update", "draft", ""),
        ("rita", "update", "submitted", ""),
        ("olga", "update", "approved", "Good now."),
    ]
    claim_steps = [(e.actor.username, e.after["status"], e.reason) for e in events_of(claim) if e.action == "update"]
    assert claim_steps == [("rita", "in_review", ""), ("olga", "final", "Good now.")]


# --- decisions that must not undo one another ---------------------------------------------------


def submitted(user, claim, rating) -> Review:
    review = services.save_review(user=user, claim=claim, rating=rating, rationale="", confidence=2)
    return services.submit_review(user=user, review=review)


def test_approving_a_second_agreeing_verdict_keeps_the_first_decision(
    claim, reviewer, reviewer2, moderator, owner, rating_false
):
    first, second = submitted(reviewer, claim, rating_false), submitted(reviewer2, claim, rating_false)
    services.decide_review(user=moderator, review=first, action="approve", reason="Interfax confirms.")
    decided = claim_row(claim)

    services.decide_review(user=owner, review=second, action="approve")

    assert Review.objects.get(pk=second.pk).state == Review.State.APPROVED
    after = claim_row(claim)
    assert (after["decided_by_id"], after["decision_reason"], after["decided_at"]) == (
        moderator.pk,
        "Interfax confirms.",
        decided["decided_at"],
    )


def test_a_moderator_whose_own_verdict_was_rejected_still_cannot_resolve_the_claim(
    claim, reviewer, moderator, owner, rating_false, rating_mixed
):
    submitted(reviewer, claim, rating_false)
    own = submitted(moderator, claim, rating_mixed)
    services.decide_review(user=owner, review=own, action="reject", reason="No source given.")

    with pytest.raises(services.ActionRefused, match="you reviewed this claim yourself"):
        services.resolve_claim(user=moderator, claim=claim, rating=rating_mixed, reason="Mine after all.")
    assert claim_row(claim)["status"] == Claim.Status.IN_REVIEW


def test_a_moderators_own_submitted_verdict_is_not_in_their_moderation_queue(claim, moderator, owner, rating_false):
    submitted(moderator, claim, rating_false)

    own_page = client_for(moderator).get("/moderation/").content.decode()
    other_page = client_for(owner).get("/moderation/").content.decode()

    assert "Nothing waits for a decision." in own_page
    assert nav_count(own_page, "nav-moderation-count") == 0
    assert "by mona" in other_page
    assert nav_count(other_page, "nav-moderation-count") == 1


def test_a_moderator_with_a_verdict_of_their_own_decides_no_review_on_that_claim(
    claim, reviewer, reviewer2, moderator, rating_false, rating_mixed
):
    ritas = submitted(reviewer, claim, rating_false)
    submitted(reviewer2, claim, rating_mixed)
    submitted(moderator, claim, rating_false)
    before = (claim_row(claim), review_row(ritas), AuditEvent.objects.count())

    with pytest.raises(services.ActionRefused, match="you gave a verdict on this claim yourself"):
        services.decide_review(user=moderator, review=ritas, action="approve")
    panel = client_for(moderator).get(f"/claims/{claim.pk}/", **HTMX).content.decode()

    assert (claim_row(claim), review_row(ritas), AuditEvent.objects.count()) == before
    assert 'value="approve"' not in panel
