"""Two people acting on the same review or claim at the same moment, on real PostgreSQL connections.

The first person's transaction is held open after their service call; the second person's call runs in
another thread (so on another database connection) and must wait on the row lock; then the first one
commits. Exactly one of them wins and the other is told that the item changed meanwhile. A form shown
before someone else acted (no overlap at all) is recognised by its version and answered with 409.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from reviews import services
from reviews.models import AuditEvent, Claim, Rating, Review
from tests.conftest import RATIONALE, client_for, follow

TIMEOUT = 20  # seconds: generous, the steps themselves take milliseconds
HTMX = {"HTTP_HX_REQUEST": "true"}
REVIEW_CHANGED = "This review was changed by someone else meanwhile; this is its current state."
MY_REVIEW_CHANGED = "Your review was changed by someone else meanwhile; this is its current state."
CLAIM_CHANGED = "This claim was changed by someone else meanwhile; this is its current state."
DECIDED_STATES = ("approved", "changes_requested", "rejected")


# --- helpers ------------------------------------------------------------------------------------


class InTransaction(threading.Thread):
    """Runs `work` in its own thread, so on its own database connection, inside one transaction.

    With `hold`, the transaction stays open after `work` returned until `hold` is set: its row locks
    are held, as they would be by a slow request.
    """

    def __init__(self, work, hold: threading.Event | None = None) -> None:
        super().__init__(daemon=True)
        self.work, self.hold = work, hold
        self.pid: int | None = None
        self.connected = threading.Event()
        self.worked = threading.Event()
        self.result = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connected.set()
            with transaction.atomic():
                self.result = self.work()
                self.worked.set()
                if self.hold is not None:
                    self.hold.wait(TIMEOUT)
        except Exception as exc:  # reported to the test, which asserts on it
            self.error = exc
        finally:
            self.connected.set()
            self.worked.set()
            connection.close()


def waiting_for_a_lock(pid: int) -> bool:
    """Whether the backend `pid` waits for a lock another transaction holds (polled until TIMEOUT)."""
    deadline = time.monotonic() + TIMEOUT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            if cursor.fetchone()[0]:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
                assert cursor.fetchone()[0] == "Lock"
                return True
            time.sleep(0.02)
    return False


def race(first_work, second_work) -> tuple[InTransaction, InTransaction]:
    """First holds its transaction open; second starts and must block on a lock; then first commits."""
    release = threading.Event()
    first = InTransaction(first_work, hold=release)
    second = InTransaction(second_work)
    try:
        first.start()
        assert first.worked.wait(TIMEOUT)
        assert first.error is None, f"the first step failed: {first.error!r}"
        second.start()
        assert second.connected.wait(TIMEOUT)
        assert second.pid is not None, f"the second thread could not connect: {second.error!r}"
        assert waiting_for_a_lock(second.pid), "the second step did not wait for the first one's row lock"
        assert not second.worked.is_set()
    finally:
        release.set()
        first.join(TIMEOUT)
        second.join(TIMEOUT)
    assert not first.is_alive() and not second.is_alive()
    assert first.error is None, f"the first step failed on commit: {first.error!r}"
    return first, second


def fresh(review: Review) -> Review:
    return Review.objects.select_related("claim__article__team").get(pk=review.pk)


def submitted(user, claim: Claim, rating: Rating) -> Review:
    review = services.save_review(user=user, claim=claim, rating=rating, rationale=RATIONALE, confidence=2)
    return fresh(services.submit_review(user=user, review=review))


def decisions_on(review: Review) -> list[AuditEvent]:
    events = AuditEvent.objects.for_object(review).filter(action="update").order_by("id")
    return [event for event in events if (event.after or {}).get("state") in DECIDED_STATES]


def review_row(review: Review) -> dict:
    return Review.objects.filter(pk=review.pk).values().get()


def claim_row(claim: Claim) -> dict:
    return Claim.objects.filter(pk=claim.pk).values().get()


# --- two moderators decide on the same review -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first_action", "second_action", "second_sends_version", "refusal"),
    [
        ("approve", "reject", True, REVIEW_CHANGED),
        ("approve", "reject", False, "This review is approved; only a submitted review can be rejected."),
        ("reject", "approve", True, REVIEW_CHANGED),
        (
            "request_changes",
            "approve",
            False,
            "This review is changes requested; only a submitted review can be approved.",
        ),
    ],
    ids=[
        "approve-vs-reject-with-version",
        "approve-vs-reject",
        "reject-vs-approve-with-version",
        "sendback-vs-approve",
    ],
)
def test_two_moderators_deciding_on_the_same_review_at_once_cannot_both_win(
    first_action, second_action, second_sends_version, refusal, moderator, owner, reviewer, claim, rating_false
):
    review = submitted(reviewer, claim, rating_false)
    shown_version = review.version

    def mona_decides():
        return services.decide_review(
            user=moderator,
            review=fresh(review),
            action=first_action,
            reason="Mona's reason.",
            expected_version=shown_version,
        )

    def olga_decides():
        return services.decide_review(
            user=owner,
            review=fresh(review),
            action=second_action,
            reason="Olga's reason.",
            expected_version=shown_version if second_sends_version else None,
        )

    mona, olga = race(mona_decides, olga_decides)

    assert isinstance(olga.error, services.ActionRefused)
    assert isinstance(olga.error, services.Conflict) == second_sends_version
    assert str(olga.error) == refusal
    winner = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}[first_action]
    review.refresh_from_db()
    assert (review.state, review.decided_by, review.decision_reason) == (winner, moderator, "Mona's reason.")
    [decision] = decisions_on(review)
    assert (decision.actor, decision.reason, decision.before["state"]) == (moderator, "Mona's reason.", "submitted")
    assert not AuditEvent.objects.filter(actor=owner).exists(), "the refused step wrote nothing"
    claim.refresh_from_db()
    if first_action == "approve":
        assert (claim.status, claim.final_rating, claim.decided_by) == ("final", rating_false, moderator)
    else:
        assert claim.status != "final"


@pytest.mark.django_db(transaction=True)
def test_two_moderators_resolving_the_same_dispute_at_once_cannot_both_win(
    moderator, owner, reviewer, reviewer2, claim, rating_false, rating_mixed
):
    submitted(reviewer, claim, rating_false)
    submitted(reviewer2, claim, rating_mixed)
    claim.refresh_from_db()
    assert claim.status == "disputed"
    shown_version = claim.version

    def resolve(user, rating, reason):
        def work():
            current = Claim.objects.select_related("article__team").get(pk=claim.pk)
            return services.resolve_claim(
                user=user, claim=current, rating=rating, reason=reason, expected_version=shown_version
            )

        return work

    mona, olga = race(resolve(moderator, rating_false, "Mona's call."), resolve(owner, rating_mixed, "Olga's call."))

    assert isinstance(olga.error, services.Conflict)
    assert str(olga.error) == CLAIM_CHANGED
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating, claim.decided_by, claim.decision_reason) == (
        "final",
        rating_false,
        moderator,
        "Mona's call.",
    )
    finals = [e for e in AuditEvent.objects.for_object(claim) if (e.after or {}).get("status") == "final"]
    assert [(e.actor, e.reason) for e in finals] == [(moderator, "Mona's call.")]


# --- a reviewer edits while a moderator decides -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_editing_while_a_moderator_sends_the_review_back_is_told_it_changed(
    moderator, reviewer, claim, rating_false, rating_mixed
):
    review = submitted(reviewer, claim, rating_false)
    shown_version = review.version

    def mona_sends_back():
        return services.decide_review(
            user=moderator, review=fresh(review), action="request_changes", reason="Cite the agency."
        )

    def rita_edits():
        return services.save_review(
            user=reviewer,
            claim=Claim.objects.select_related("article__team").get(pk=claim.pk),
            rating=rating_mixed,
            rationale="Rita's second thoughts.",
            confidence=3,
            expected_version=shown_version,
        )

    mona, rita = race(mona_sends_back, rita_edits)

    # Had rita read the row before mona committed, she would have seen a submitted review at the
    # version her page showed, and been refused for another reason (or, worse, overwritten it).
    assert isinstance(rita.error, services.Conflict)
    assert str(rita.error) == MY_REVIEW_CHANGED
    review.refresh_from_db()
    assert (review.state, review.rating, review.rationale) == ("changes_requested", rating_false, RATIONALE)
    assert (review.decided_by, review.decision_reason) == (moderator, "Cite the agency.")
    assert len(decisions_on(review)) == 1
    after_submit = AuditEvent.objects.for_object(review).filter(actor=reviewer, after__has_key="rationale")
    assert not after_submit.exclude(action="create").exists(), "rita's edit was not written"


@pytest.mark.django_db(transaction=True)
def test_a_moderator_deciding_while_the_reviewer_resubmits_decides_on_what_was_resubmitted(
    moderator, owner, reviewer, claim, rating_false, rating_mixed
):
    review = submitted(reviewer, claim, rating_false)
    services.decide_review(user=owner, review=review, action="request_changes", reason="Cite the agency.")
    shown_version = fresh(review).version

    def rita_edits_and_resubmits():  # what the page does for "Submit verdict", in one transaction
        saved = services.save_review(
            user=reviewer,
            claim=Claim.objects.select_related("article__team").get(pk=claim.pk),
            rating=rating_mixed,
            rationale="Cited: Interfax, 14 March.",
            confidence=3,
            expected_version=shown_version,
        )
        return services.submit_review(user=reviewer, review=saved)

    def mona_approves():
        return services.decide_review(user=moderator, review=fresh(review), action="approve", reason="")

    rita, mona = race(rita_edits_and_resubmits, mona_approves)

    assert mona.error is None, f"mona's approval was refused: {mona.error!r}"
    review.refresh_from_db()
    assert (review.state, review.decided_by) == ("approved", moderator)
    assert (review.rating, review.rationale, review.confidence) == (rating_mixed, "Cited: Interfax, 14 March.", 3)
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == ("final", rating_mixed), "the final verdict is the resubmitted one"
    approval = decisions_on(review)[-1]
    assert (approval.actor, approval.before["state"], approval.after["state"]) == (moderator, "submitted", "approved")


# --- a stale form, without any overlap --------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_decision_posted_from_a_page_shown_before_someone_else_decided_is_refused_with_409(
    headers, moderator, owner, reviewer, claim, rating_false
):
    review = submitted(reviewer, claim, rating_false)
    shown_version = review.version  # both moderators' pages show this
    olga = client_for(owner)
    approve = {"action": "approve", "reason": "", "version": shown_version}
    assert olga.post(f"/reviews/{review.pk}/decide/", approve, **HTMX).status_code == 200
    before = (review_row(review), claim_row(claim), AuditEvent.objects.count())
    mona = client_for(moderator)

    response = mona.post(
        f"/reviews/{review.pk}/decide/", {"action": "reject", "reason": "Wrong.", "version": shown_version}, **headers
    )

    if headers:
        assert response.status_code == 409
        assert "HX-Trigger" not in response
        html = response.content.decode()
        assert REVIEW_CHANGED in html
        assert html.lstrip().startswith('<section id="claim-panel"')
        assert '<span class="state state-approved">Approved</span>' in html
        assert "Final: False" in html
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/articles/{claim.article_id}/?claim={claim.pk}#claim-panel"
        assert REVIEW_CHANGED in follow(mona, response)
    assert (review_row(review), claim_row(claim), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_verdict_saved_from_a_second_window_with_an_old_version_is_refused_with_409(
    headers, reviewer, claim, rating_false, rating_mixed
):
    review = services.save_review(user=reviewer, claim=claim, rating=rating_false, rationale=RATIONALE, confidence=2)
    shown_version = review.version  # both windows show this
    rita = client_for(reviewer)
    first = {
        "rating": rating_mixed.pk,
        "rationale": "From the first window.",
        "confidence": 2,
        "version": shown_version,
    }
    assert rita.post(f"/claims/{claim.pk}/review/", {**first, "action": "save"}, **HTMX).status_code == 200
    before = (review_row(review), claim_row(claim), AuditEvent.objects.count())

    second = {"rating": rating_false.pk, "rationale": "From the second.", "confidence": 3, "version": shown_version}
    response = rita.post(f"/claims/{claim.pk}/review/", {**second, "action": "submit"}, **headers)

    if headers:
        assert response.status_code == 409
        html = response.content.decode()
        assert MY_REVIEW_CHANGED in html
        assert "From the first window." in html, "the body shows the current state"
        assert "From the second." not in html
    else:
        assert response.status_code == 302
        assert MY_REVIEW_CHANGED in follow(rita, response)
    assert (review_row(review), claim_row(claim), AuditEvent.objects.count()) == before
    assert Review.objects.get(pk=review.pk).state == "draft"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_moderator_verdict_posted_after_someone_else_resolved_the_claim_is_refused_with_409(
    headers, moderator, owner, reviewer, reviewer2, claim, rating_false, rating_mixed
):
    submitted(reviewer, claim, rating_false)
    submitted(reviewer2, claim, rating_mixed)
    claim.refresh_from_db()
    shown_version = claim.version
    resolve = {"rating": rating_mixed.pk, "reason": "Olga's call.", "version": shown_version}
    assert client_for(owner).post(f"/claims/{claim.pk}/resolve/", resolve, **HTMX).status_code == 200
    before = (claim_row(claim), AuditEvent.objects.count())
    mona = client_for(moderator)

    response = mona.post(
        f"/claims/{claim.pk}/resolve/",
        {"rating": rating_false.pk, "reason": "Mona's call.", "version": shown_version},
        **headers,
    )

    if headers:
        assert response.status_code == 409
        html = response.content.decode()
        assert CLAIM_CHANGED in html
        assert "Final: Mixed" in html
        assert "Olga&#x27;s call." in html
    else:
        assert response.status_code == 302
        assert CLAIM_CHANGED in follow(mona, response)
    assert (claim_row(claim), AuditEvent.objects.count()) == before
