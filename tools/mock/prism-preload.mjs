// Loaded with `node --import` before Prism 5.14.2 starts (tests/mock_server.py does this).
// It fixes two Prism bugs that openapi/trigger.yaml runs into; both are still in 5.16.0.
// It reaches into Prism's internals, so re-check it whenever package.json changes versions.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

// 1. While printing example URLs at startup, the CLI percent-encodes the names of form-style
//    query parameters in place. Afterwards `filter[env]` never matches a request: a required
//    one always fails validation, an optional one is never checked. Restore the names.
const paths = require("@stoplight/prism-cli/dist/util/paths");
const createExamplePath = paths.createExamplePath;
paths.createExamplePath = (operation, ...rest) => {
  const query = operation.request?.query ?? [];
  const names = query.map((param) => param.name);
  try {
    return createExamplePath(operation, ...rest);
  } finally {
    query.forEach((param, i) => {
      param.name = names[i];
    });
  }
};

// 2. An application/x-ndjson body reaches validation as one string, which never matches the
//    schema of a line. Validate each line against the schema instead.
const validators = require("@stoplight/prism-http/dist/validator/validators");
const validateBody = validators.validateBody;
const NDJSON = /^application\/(x-)?ndjson\b/i;

const onLine = (issue, index) => ({
  ...issue,
  path: [issue.path[0] ?? "body", String(index), ...issue.path.slice(1)],
  message: `${issue.message} (line ${index + 1})`,
});

validators.validateBody = (body, specs, context, mediaType, ...rest) => {
  if (typeof body !== "string" || !NDJSON.test(mediaType ?? "")) {
    return validateBody(body, specs, context, mediaType, ...rest);
  }
  const lines = body.split("\n").filter((line) => line.trim());
  for (const [index, line] of lines.entries()) {
    let item;
    try {
      item = JSON.parse(line);
    } catch {
      const issue = { path: [], code: "ndjson", message: "Request body is not JSON", severity: 0 };
      return { _tag: "Left", left: [onLine(issue, index)] };
    }
    const result = validateBody(item, specs, context, mediaType, ...rest);
    if (result._tag === "Left") {
      return { _tag: "Left", left: result.left.map((issue) => onLine(issue, index)) };
    }
  }
  return { _tag: "Right", right: body };
};
