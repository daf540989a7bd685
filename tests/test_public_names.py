"""The package's public names, pinned: removing or renaming one breaks users, so it has to be
a deliberate change to this list (and a CHANGELOG entry), never an accident."""

from __future__ import annotations

import importlib

import pytest

import trigger_dev

PUBLIC = {
    "trigger_dev": [
        "ApiConnectionError", "ApiError", "ApiSchemaValidationError", "ApiTimeoutError", "ArgumentTypeError", "AsyncCursorPage",
        "AsyncOffsetPage", "AsyncOutputStream", "AsyncPage", "AsyncPaginator", "AsyncRunSubscription", "AsyncTriggerClient", "AuthMethodError",
        "AuthenticationError", "BadRequestError", "BatchNotSealedError", "BulkProgress", "ClientClosedError", "ConflictError", "CursorPage",
        "InternalServerError", "InvalidArgumentError", "ItemOutcome", "NoSuchPageError", "NotFoundError", "ObjectStoreError", "OffsetPage", "OutputStream", "Page",
        "PermissionDeniedError", "PollTimeoutError", "RateLimitError", "RawResponse", "RequestOptions", "RetryOptions",
        "RunSubscription", "SchemaError", "TriggerClient", "TriggerError", "UnprocessableEntityError", "__version__", "auth", "batches", "configure",
        "bulk_actions", "default_client", "deployments", "envvars", "idempotency_keys", "models", "query", "queues", "runs",
        "schedules", "tasks", "types", "waitpoints",
        # added with sessions and prompts (issue 23)
        "prompts", "sessions",
        # added with the operations routes (traces, errors, webhooks, environments)
        "environments", "errors", "webhooks",
        # added with session channels and the chat client (issue 23)
        "AgentChat", "AsyncAgentChat", "AsyncChatTurn", "AsyncSessionChannel", "AsyncSessionHandle", "AsyncSessionStream",
        "ChatTurn", "SessionChannel", "SessionHandle", "SessionPart", "SessionStream",
        # added with alert webhook verification (issue 24)
        "WebhookEvent", "WebhookVerificationError",
    ],
    "trigger_dev.models": [
        "Batch", "BatchItemError", "BatchProcessing", "BatchStatus", "CreateBatchResponse", "CursorPagination", "DebounceMode", "DeletedSchedule", "EnvironmentSlug",
        "EnvironmentType", "EnvironmentVariable", "ErrorBody", "IdempotencyKeyScope", "JwtClaims", "ListRunItem",
        "ListRunsResponse", "ListSchedulesResponse", "MachinePreset", "OffsetPagination", "PacketUploadUrl", "PublicToken",
        "RateLimitProblem", "RealtimeRun", "RelatedRun", "RelatedRuns", "Run", "RunEnvironment", "RunError", "RunIdResponse",
        "RunSchedule", "RunStatus", "RunStatusFilter", "RunsEnvironmentSlug", "Schedule", "ScheduleEnvironment",
        "ScheduleGenerator", "ScheduleGeneratorType", "ScheduleType", "StreamBatchItemsResponse",
        "SuccessResponse", "Timezones", "TriggerFunction", "TriggerTaskResponse", "VariableError",
        # added with waitpoints, idempotency keys, queues, run metadata and tags, deployments,
        # bulk actions and query
        "BulkAction", "BulkActionCounts", "BulkActionId", "BulkActionKind", "BulkActionStatus", "BulkActionType",
        "Deployment", "DeploymentError", "DeploymentGit", "DeploymentStatus", "DeploymentStatusFilter",
        "ListBulkActionsResponse", "ListDeploymentsResponse", "ListQueuesResponse", "ListWaitpointTokensResponse",
        "MessageResponse", "MetadataOperationType", "QueryFormat", "QueryResult", "QueryScope", "Queue",
        "QueueConcurrency", "QueueLookupType", "QueueType", "ResetIdempotencyKeyResponse", "StoredRunMetadata",
        "UpdatedRunMetadata", "WaitpointToken", "WaitpointTokenDetail", "WaitpointTokenItem", "WaitpointTokenStatus",
        # the Literal alias of each enum's values (README "Types")
        "BatchStatusLiteral", "BulkActionKindLiteral", "BulkActionStatusLiteral", "BulkActionTypeLiteral",
        "DebounceModeLiteral", "DeploymentStatusFilterLiteral", "DeploymentStatusLiteral", "EnvironmentSlugLiteral",
        "EnvironmentTypeLiteral", "IdempotencyKeyScopeLiteral", "MachinePresetLiteral", "MetadataOperationTypeLiteral",
        "QueryFormatLiteral", "QueryScopeLiteral", "QueueLookupTypeLiteral", "QueueTypeLiteral",
        "RunStatusFilterLiteral", "RunStatusLiteral", "RunsEnvironmentSlugLiteral", "ScheduleGeneratorTypeLiteral",
        "ScheduleTypeLiteral", "TriggerFunctionLiteral", "WaitpointTokenStatusLiteral",
        # added with sessions, prompts and input streams (issue 23)
        "ListPromptVersionsResponse", "ListPromptsResponse", "ListSessionsResponse", "OkResponse",
        "PromptOverrideCreated", "PromptSummary", "PromptVersion", "ResolvePromptResponse", "ResolvedPrompt",
        "Session", "SessionStatus", "SessionStatusLiteral", "StartedSession", "StoredTriggerConfig",
        # added with session channels (issue 23)
        "SessionStreamAppendResponse", "SessionStreamRecord", "SessionStreamRecordsResponse",
        # added with the operations routes (traces, errors, webhooks, environments, query discovery)
        "DeploymentDetail", "DeploymentErrorData", "DeploymentExternalBuild", "DeploymentWorker",
        "DeploymentWorkerTask", "EnvironmentPauseState", "ErrorGroup", "ErrorGroupItem", "ErrorGroupStatus",
        "ErrorGroupStatusLiteral", "IntegrationDeployment", "KillSwitchEnvironmentSlug",
        "KillSwitchEnvironmentSlugLiteral", "LatestDeployment", "ListErrorGroupsResponse",
        "ListQueryDashboardsResponse", "ListWebhookDeliveriesResponse", "ListWebhookEndpointsResponse",
        "PromotedDeployment", "QueryColumn", "QueryDashboard", "QueryDashboardWidget", "QueryDashboardWidgetType",
        "QueryDashboardWidgetTypeLiteral", "QuerySchema", "QueryTable", "QueueMetrics", "QueueMetricsLookupType",
        "QueueMetricsLookupTypeLiteral", "QueueWaitTimes", "ReplayedWebhookDelivery", "RotatedWebhookSecret",
        "RunEvents", "RunSpan", "RunTrace", "RunTraceResponse", "SpanAIUsage", "SpanTriggeredRun", "TraceSpan",
        "TraceSpanData", "WebhookDelivery", "WebhookDeliveryItem", "WebhookDeliveryStatus",
        "WebhookDeliveryStatusLiteral", "WebhookEndpoint", "WebhookEndpointStatus", "WebhookEndpointStatusLiteral",
        "WebhookSecretProvisioning", "WebhookSecretProvisioningLiteral", "WhoAmI", "WhoAmIOrganization",
        "WhoAmIProject",
        # added with alert webhook verification (issue 24)
        "AlertDeployError", "AlertDeployedTask", "AlertDeployment", "AlertDeploymentFailedObject", "AlertDeploymentGit",
        "AlertDeploymentSuccessObject", "AlertEnvironment", "AlertErrorClassification", "AlertErrorClassificationLiteral",
        "AlertErrorGroupError", "AlertErrorGroupObject", "AlertOrganization", "AlertProject", "AlertRun",
        "AlertRunFailedObject", "AlertTask", "AlertVercel", "AlertWebhookType", "AlertWebhookTypeLiteral",
        "DeploymentFailedWebhook", "DeploymentSuccessWebhook", "ErrorWebhook", "RunFailedWebhook", "UnknownWebhookEvent",
    ],
    "trigger_dev.types": [
        "BatchTaskItem", "BatchTriggerItem", "BatchTriggerOptions", "CreatePublicTokenRequestBodyRealtime", "PublicTokenScopes",
        "ResourceScopes", "TaskScopes", "TriggerTaskOptions", "TriggerTaskOptionsDebounce",
        "BulkActionFilter", "MetadataOperation", "QueueRef",
        "SessionTriggerConfig",
    ],
}  # fmt: skip


@pytest.mark.parametrize("module_name", sorted(PUBLIC))
def test_public_names_are_exactly_the_pinned_ones(module_name: str) -> None:
    module = importlib.import_module(module_name)
    added = sorted(set(module.__all__) - set(PUBLIC[module_name]))
    removed = sorted(set(PUBLIC[module_name]) - set(module.__all__))
    assert not added, (
        f"{module_name} exports names this list does not pin: {added}. If they are meant to be "
        f"public, add them to PUBLIC[{module_name!r}] in tests/test_public_names.py and to the CHANGELOG"
    )
    assert not removed, (
        f"{module_name} no longer exports {removed}: removing a public name breaks users. If that "
        "is meant, take them out of PUBLIC in tests/test_public_names.py and say so in the CHANGELOG"
    )
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_every_public_name_imports_with_a_star() -> None:
    namespace: dict[str, object] = {}
    exec("from trigger_dev import *", namespace)
    assert set(PUBLIC["trigger_dev"]) <= set(namespace)
    assert trigger_dev.__version__
