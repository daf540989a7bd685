"""Human-in-the-loop approvals from a Django backend with waitpoint tokens.

An order needs a person's approval before the `fulfil-order` task ships it. The backend
creates a waitpoint token and starts the task with the token's id; the task waits on the
token (`wait.forToken(...)` in its TypeScript code); an approver's click reaches the
`approve` view below, which completes the token and so resumes the task with the decision.

In a project, the two views go into your app's views.py and urls.py and the settings
below are your own. Run as a script, the file configures a throwaway Django, points the
client at TRIGGER_API_URL (`make demo` serves a mock), and drives both views with
Django's test client.
"""

from __future__ import annotations

import json
import os

import django
from django.conf import settings

if not settings.configured:  # run as a script: a minimal Django of our own
    settings.configure(
        DEBUG=False,
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver", "localhost"],
        SECRET_KEY="example-only-not-a-secret",
    )
    django.setup()

# Imported once settings exist (Django reads them on import).
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

import trigger_dev

trigger_dev.configure(secret_key=os.environ.get("TRIGGER_SECRET_KEY", "tr_dev_demoKey"))


@require_POST
def request_approval(request: HttpRequest, order_id: int) -> JsonResponse:
    """Create the token the fulfilment task will wait on, then start that task."""
    token = trigger_dev.waitpoints.create_token(
        # One token per order, even if this view is called twice.
        idempotency_key=f"approve-order-{order_id}",
        timeout="1d",  # after a day the task resumes with a timeout error instead
        tags=[f"order_{order_id}"],
    )
    run = trigger_dev.tasks.trigger("fulfil-order", {"orderId": order_id, "approvalTokenId": token.id})
    return JsonResponse({"token": token.id, "run": run.id})


@require_POST
def approve(request: HttpRequest, token_id: str) -> JsonResponse:
    """Complete the token with the approver's decision; the waiting task resumes with it."""
    decision = json.loads(request.body or b"{}")
    try:
        trigger_dev.waitpoints.complete_token(
            token_id, {"approved": bool(decision.get("approved")), "note": decision.get("note", "")}
        )
    except trigger_dev.NotFoundError:
        return JsonResponse({"error": "no such approval request"}, status=404)
    except trigger_dev.ApiError as error:
        # Retried already (5xx, 429, network errors); tell the approver to try again.
        return JsonResponse({"error": f"could not record the decision: {error.message}"}, status=502)
    return JsonResponse({"completed": token_id})


urlpatterns = [
    path("orders/<int:order_id>/approval", request_approval),
    path("approvals/<str:token_id>", approve),
]


if __name__ == "__main__":
    from django.test import Client

    browser = Client()
    requested = browser.post("/orders/42/approval").json()
    print(f"approval requested: token {requested['token']}, run {requested['run']}")
    answer = browser.post(
        f"/approvals/{requested['token']}",
        data=json.dumps({"approved": True, "note": "looks fine"}),
        content_type="application/json",
    )
    print(f"approved: HTTP {answer.status_code} {answer.json()}")
