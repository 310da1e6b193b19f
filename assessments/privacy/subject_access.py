"""Subject access: everything Quarterdeck holds about the signed-in person, as one file.

``subject_access_file(user)`` gathers it in a fixed number of queries, whatever the
person holds; ``your_data_download`` serves it as JSON to that person alone (there is no
id in the URL). Only the person's own answers are in it, never anyone else's and never
a figure made from several people's. It lives here, not in accounts, because it reads
the answers (config/layers.py: accounts may not import from assessments).

Never in the file: the password hash, the authenticator key, recovery codes, an
invitation's token or its digest, a browser key's digest, an API token or its digest, a
session's key, a sign-in form as it was sent (it holds the form's CSRF token), and links
in emails still waiting to be sent (they may work once, to sign in or to set a password).
"""

import json
import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import keeping
from accounts.models import ApiToken, BrowserKey, KeptInput, SignedInSession
from assessments.models import Answer, Release, Reminder, Response, ResponseStatus, RoomVoter
from assessments.results.released import evidence_column, released
from core.kept import is_secret_field
from core.models import AuditEvent, Email
from principles.models import LEVEL_LABELS, Question
from trusts.models import Invitation, Membership, Role, SeatGroup, User, normalise_email
from trusts.permissions import Permission, requires

LINK = re.compile(r"https?://\S+")
LINK_LEFT_OUT = "[link left out]"

ABOUT = {
    "account": (
        "Your account: your name, email address, when it was made, when you last signed "
        "in, and whether two-factor authentication is set up. Your password, your "
        "authenticator app's key and your recovery codes are kept only in a form nobody "
        "can read back, so they are not here."
    ),
    "memberships": (
        "Your roles at each trust, today: board member (with your executive or "
        "non-executive seat) or digital lead, and since when."
    ),
    "responses": (
        "Your answers to each quarter's questionnaire, in every trust: each question, the "
        'level you chose or "don\'t know", your comment, the evidence you added (its title '
        "and link) and when you saved it; whether "
        "you submitted, and when. Under each, the copy of your submitted answers kept in "
        "each publication of the board's results (results are published when the quarter "
        "closes, from a copy of the answers as they were then). Only your own answers are "
        "here: never anyone else's, and never the board's combined figures."
    ),
    "reminders": "The days you were reminded to answer a quarter's questionnaire.",
    "room_votes": (
        "Room votes in a board meeting, still open, in which you have voted: the trust, the "
        "quarter and the principle. What you chose is never kept against your name, and "
        "that you voted is forgotten when the vote closes."
    ),
    "invitations_to_you": (
        "Invitations to join a trust's board sent to your email address, and what became "
        "of them (the link itself is never kept)."
    ),
    "invitations_you_sent": (
        "Invitations you sent to other people to join your trust's board: their name and "
        "address as you typed them."
    ),
    "emails_to_you": (
        "Emails Quarterdeck sent, or is about to send, to your address. The text of an "
        "email is deleted once it has been sent (or could not be), so only those still "
        "waiting show it, with any link left out."
    ),
    "audit_entries": (
        "Entries in the audit trail (the record of who did what) made by you, about your "
        "account, your roles, your invitations or your answers (never what you answered), "
        "or naming your email address."
    ),
    "input_kept_for_you": (
        "What you typed on a page after your session had ended, kept sealed so that it "
        "can be shown back to you after you sign in again, and deleted then."
    ),
    "browser_keys": (
        "The browsers you have signed in on: each holds a random key in a cookie, so that "
        "what it sends after your session ends is kept for you alone. Only when each was "
        "made is shown; the key itself is kept only in a form nobody can read back."
    ),
    "api_tokens": (
        "The tokens you made for programs of yours to read Quarterdeck's API: the name you "
        "gave each, when it was made, last used and expires, and when it was revoked. The "
        "token itself is kept only in a form nobody can read back, so it is not here."
    ),
    "signed_in_sessions": (
        "Where you are signed in, as the page Where you're signed in lists it: the device "
        "and browser in words, how you signed in (with your password or your "
        "organisation's account), when you signed in and when you were last seen there. "
        "Each goes when you sign out there; the session's own key is not shown."
    ),
    "sign_in_records": (
        "Records of signing in with your email address, kept to stop people guessing "
        "passwords: failed attempts counted towards a lockout, each failure, and each "
        "sign-in, with the time, the network address, the page and the browser."
    ),
}


def _when(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _day(day) -> str | None:
    return day.isoformat() if day else None


def _seat(group: str) -> str:
    return SeatGroup(group).label if group else ""


def _answer(score, dont_know: bool) -> str:
    if dont_know:
        return "Don't know"
    if score is None:
        return "Not answered"
    return f"{score}: {LEVEL_LABELS[score]}"


def _account(user: User, two_factor: bool) -> dict:
    return {
        "name": user.full_name,
        "email": user.email,
        "joined": _when(user.date_joined),
        "last_signed_in": _when(user.last_login),
        "two_factor_set_up": two_factor,
        "programme_staff": user.is_programme_staff,
        "administrator": user.is_staff,
        "active": user.is_active,
    }


def _responses(user: User) -> tuple[list[dict], set[int]]:
    """The person's responses, each with its answers and its published copies; and the
    responses' ids."""
    responses = list(
        Response.objects.filter(respondent=user)
        .select_related("assessment__trust", "assessment__cycle")
        .order_by("assessment__cycle__year", "assessment__cycle__quarter", "assessment_id")
    )
    mine = {response.pk for response in responses}
    # Every question of the quarters the person answered in (each framework serves
    # several quarters, so distinct): answers and published copies name them by id.
    questions = {
        row["pk"]: row
        for row in Question.objects.filter(
            framework__cycles__assessments__responses__respondent=user
        )
        .order_by()
        .values("pk", "key", "text", "order", "principle__number")
        .distinct()
    }
    answers: dict[int, list] = {}
    for row in Answer.objects.filter(response__respondent=user).values(
        "response_id",
        "question_id",
        *Answer.CONTENT,
        "updated_at",
    ):
        row["evidence"] = evidence_column(row.pop("evidence_title"), row.pop("evidence_url"))
        answers.setdefault(row["response_id"], []).append(
            _answer_row(questions.get(row["question_id"]), row, saved_at=row["updated_at"])
        )
    # Each publication of results in those quarters. Its rows are every member's
    # submitted answers: only the rows of this person's own responses are read out.
    published: dict[int, list] = {}
    for release in (
        Release.objects.filter(assessment__responses__respondent=user)
        .order_by("number")
        .values("number", "published_at", "rows")
    ):
        copies: dict[int, list] = {}
        for row in released(release["rows"]):
            if row.response_id in mine:
                copies.setdefault(row.response_id, []).append(
                    _answer_row(questions.get(row.question_id), row._asdict())
                )
        for response_id, rows in copies.items():
            published.setdefault(response_id, []).append(
                {
                    "publication": release["number"],
                    "published_at": _when(release["published_at"]),
                    "answers": _in_order(rows),
                }
            )
    return [
        {
            "trust": response.assessment.trust.name,
            "quarter": response.assessment.cycle.label,
            "seat": _seat(response.seat_group),
            "status": ResponseStatus(response.status).label,
            "started_at": _when(response.started_at),
            "last_saved_at": _when(response.updated_at),
            "submitted_at": _when(response.submitted_at),
            "answers": _in_order(answers.get(response.pk, [])),
            "as_published": published.get(response.pk, []),
        }
        for response in responses
    ], mine


def _answer_row(question: dict | None, answer: dict, **saved) -> tuple[tuple, dict]:
    """One answer in words, with where its question comes in the questionnaire."""
    question = question or {"principle__number": 0, "order": 0, "key": "", "text": ""}
    row = {
        "principle": question["principle__number"],
        "question_key": question["key"],
        "question": question["text"],
        "answer": _answer(answer["score"], answer["dont_know"]),
        "level": answer["score"],
        "dont_know": answer["dont_know"],
        "comment": answer["comment"],
        "evidence": _evidence(answer["evidence"]),
    }
    if "saved_at" in saved:
        row["saved_at"] = _when(saved["saved_at"])
    return (question["principle__number"], question["order"], question["key"]), row


def _evidence(evidence) -> dict | None:
    return {"title": evidence[0], "link": evidence[1]} if evidence else None


def _in_order(rows: list[tuple[tuple, dict]]) -> list[dict]:
    return [row for _place, row in sorted(rows, key=lambda placed: placed[0])]


def _invitation(invitation: Invitation) -> dict:
    return {
        "trust": invitation.trust.name,
        "name": invitation.full_name,
        "email": invitation.email,
        "seat": _seat(invitation.seat_group),
        "invited_by": invitation.invited_by.full_name if invitation.invited_by else "",
        "sent_at": _when(invitation.sent_at),
        "expires_at": _when(invitation.expires_at),
        "accepted_at": _when(invitation.accepted_at),
        "revoked_at": _when(invitation.revoked_at),
        "status": invitation.status,
    }


def _audit_entries(
    user: User, email: str, memberships, invitations, responses: set[int]
) -> list[dict]:
    targets = (
        ("trusts.user", [user.pk]),
        ("trusts.membership", [m.pk for m in memberships]),
        ("trusts.invitation", [i.pk for i in invitations if i.email.lower() == email]),
        ("assessments.response", sorted(responses)),
    )
    about_them = Q(actor=user) | Q(detail__icontains=email)
    for target_type, ids in targets:
        if ids:
            about_them |= Q(target_type=target_type, target_id__in=[str(pk) for pk in ids])
    named = {(target_type, str(pk)) for target_type, ids in targets for pk in ids}
    return [
        {
            "at": _when(event.at),
            "action": event.action,
            "by": event.actor_name,
            "trust": event.trust_name,
            "concerns": f"{event.target_type} {event.target_id}".strip(),
            "detail": event.detail,
        }
        for event in AuditEvent.objects.filter(about_them).order_by("at", "pk")
        if event.actor_id == user.pk
        or (event.target_type, event.target_id) in named
        or _names(event.detail, email)
    ]


def _names(detail, email: str) -> bool:
    """Whether an audit detail holds this address as one of its values (a longer address
    that merely contains it is someone else's)."""
    if isinstance(detail, dict):
        return any(_names(value, email) for value in detail.values())
    if isinstance(detail, list):
        return any(_names(value, email) for value in detail)
    return isinstance(detail, str) and detail.strip().lower() == email


def _kept(kept: KeptInput, user: User) -> dict:
    fields = keeping.unseal(user_id=user.pk, sealed=kept.sealed)
    return {
        "page": kept.path,
        "kept_at": _when(kept.kept_at),
        "fields": None
        if fields is None  # sealed with a key since retired: nobody can open it now
        else {name: values for name, values in fields.lists() if not is_secret_field(name)},
    }


def _sign_in(record, **extra) -> dict:
    return {
        "at": _when(record.attempt_time),
        "network_address": record.ip_address,
        "page": record.path_info,
        "browser": record.user_agent,
        **extra,
    }


def subject_access_file(user: User) -> dict:
    """Everything held about ``user``, as one JSON-ready dict: an "about" header saying
    what each section is, then the sections. Eighteen queries, however much there is."""
    email = normalise_email(user.email)
    two_factor = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    memberships = list(
        Membership.objects.filter(user=user).select_related("trust").order_by("trust__name", "role")
    )
    invitations = list(
        Invitation.objects.filter(Q(email__iexact=email) | Q(invited_by=user))
        .select_related("trust", "invited_by", "delivery")
        .order_by("sent_at", "pk")
    )
    responses, response_ids = _responses(user)
    reminders = (
        Reminder.objects.filter(member=user)
        .select_related("assessment__trust", "assessment__cycle")
        .order_by("sent_on", "pk")
    )
    voted = (
        RoomVoter.objects.filter(user=user)
        .select_related("vote__assessment__trust", "vote__assessment__cycle", "vote__principle")
        .order_by("pk")
    )
    emails = Email.objects.filter(to__iexact=email).order_by("created_at", "pk")
    kept = list(KeptInput.objects.filter(user=user).order_by("kept_at", "pk"))
    signed_in = (
        SignedInSession.objects.filter(user=user)
        .select_related("tenant")
        .order_by("signed_in_at", "pk")
    )
    attempts = AccessAttempt.objects.filter(username__iexact=email).order_by("attempt_time")
    failures = AccessFailureLog.objects.filter(username__iexact=email).order_by("attempt_time")
    sign_ins = AccessLog.objects.filter(username__iexact=email).order_by("attempt_time")
    return {
        "about": {
            "what_this_is": (
                f"Everything Quarterdeck holds about {user.email}, as it stood when this file "
                "was made. Each section below is described here in plain words. Times are "
                "UK time, written year-month-day then hour:minute:second."
            ),
            "made_at": _when(timezone.now()),
            "sections": ABOUT,
        },
        "account": _account(user, two_factor),
        "memberships": [
            {
                "trust": membership.trust.name,
                "ods_code": membership.trust.ods_code,
                "role": Role(membership.role).label,
                "seat": _seat(membership.seat_group),
                "since": _when(membership.created_at),
            }
            for membership in memberships
        ],
        "responses": responses,
        "reminders": [
            {
                "trust": reminder.assessment.trust.name,
                "quarter": reminder.assessment.cycle.label,
                "sent_on": _day(reminder.sent_on),
            }
            for reminder in reminders
        ],
        "room_votes": [
            {
                "trust": voter.vote.assessment.trust.name,
                "quarter": voter.vote.assessment.cycle.label,
                "principle": f"{voter.vote.principle.number}. {voter.vote.principle.title}",
            }
            for voter in voted
        ],
        "invitations_to_you": [
            _invitation(invitation)
            for invitation in invitations
            if invitation.email.lower() == email
        ],
        "invitations_you_sent": [
            _invitation(invitation)
            for invitation in invitations
            if invitation.invited_by_id == user.pk
        ],
        "emails_to_you": [
            {
                "subject": message.subject,
                "text": LINK.sub(LINK_LEFT_OUT, message.body),
                "status": Email.Status(message.status).label,
                "written_at": _when(message.created_at),
                "finished_at": _when(message.finished_at),
            }
            for message in emails
        ],
        "audit_entries": _audit_entries(user, email, memberships, invitations, response_ids),
        "input_kept_for_you": {
            "pages": len(kept),
            "kept": [_kept(item, user) for item in kept],
        },
        "browser_keys": [
            {"made_at": _when(made)}
            for made in BrowserKey.objects.filter(user=user)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        ],
        "api_tokens": [
            {
                "name": token.name,
                "made_at": _when(token.created_at),
                "last_used_at": _when(token.last_used_at),
                "expires_at": _when(token.expires_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "signed_in_sessions": [
            {
                "device": session.device,
                "signed_in_with": SignedInSession.Method(session.method).label,
                "organisation": session.tenant.name if session.tenant else "",
                "signed_in_at": _when(session.signed_in_at),
                "last_seen_at": _when(session.last_seen_at),
            }
            for session in signed_in
        ],
        "sign_in_records": {
            "attempts_counted_towards_a_lockout": [
                _sign_in(record, failures=record.failures_since_start) for record in attempts
            ],
            "failures": [_sign_in(record, locked_out=record.locked_out) for record in failures],
            "sign_ins": [
                _sign_in(record, signed_out_at=_when(record.logout_time)) for record in sign_ins
            ],
        },
    }


@requires(Permission.SERVICE_USE)
@require_GET
def your_data_download(request):
    """The signed-in person's own file, and only theirs: the URL names nobody."""
    content = json.dumps(subject_access_file(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(content.encode(), content_type="application/json; charset=utf-8")
    filename = f"quarterdeck-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
