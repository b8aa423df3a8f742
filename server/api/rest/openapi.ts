// The OpenAPI 3.1 document of /api/v1, generated from the routed tRPC procedures (their
// zod inputs and outputs), plus what the REST layer adds around every operation: the
// bearer key, Idempotency-Key on creates, If-Match on intent objects, problem+json errors.
import { OpenAPIGenerator } from "@orpc/openapi";
import { ZodToJsonSchemaConverter } from "@orpc/zod/zod4";
import { restRouter } from "./router";

export const API_VERSION = "1.0.0";

type Operation = {
  operationId?: string;
  parameters?: unknown[];
  responses?: Record<string, unknown>;
  requestBody?: unknown;
  security?: unknown;
};
type Document = Awaited<ReturnType<OpenAPIGenerator["generate"]>>;

const PROBLEM = {
  type: "object",
  description: "RFC 9457 problem details",
  required: ["type", "title", "status", "detail", "code"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string", description: "What went wrong, for a person" },
    code: { type: "string", description: "Stable machine-readable reason (NOT_FOUND, ...)" },
    requestId: { type: "string", description: "Quote it when asking for help" },
    errors: {
      type: "array",
      description: "The fields at fault, for a 400",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
  },
} as const;

const problemRef = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const ERRORS = {
  "400": problemRef("The request is not valid (errors names the fields)"),
  "401": problemRef("No valid API key or session"),
  "403": problemRef("The key's scopes or the user's role do not allow this"),
  "404": problemRef("No such object in an org the caller can see"),
  "429": problemRef("Rate limit reached: wait Retry-After seconds"),
  default: problemRef("Any other failure, as problem details"),
};

/** The methods whose operations change an intent object in place (If-Match applies). */
const CONDITIONAL = new Set(["patch", "put", "delete"]);

function decorate(doc: Document) {
  for (const [, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      op.parameters ??= [];
      op.responses ??= {};
      if (method === "post") {
        op.parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
        Object.assign(op.responses, {
          "409": problemRef("Conflict, or the Idempotency-Key was used for another request"),
        });
      }
      if (CONDITIONAL.has(method)) {
        op.parameters.push({ $ref: "#/components/parameters/IfMatch" });
        Object.assign(op.responses, {
          "412": problemRef("If-Match did not match the object's current ETag"),
        });
      }
      Object.assign(op.responses, ERRORS);
    }
  }
  return doc;
}

async function generate(): Promise<Document> {
  const generator = new OpenAPIGenerator({ schemaConverters: [new ZodToJsonSchemaConverter()] });
  const doc = await generator.generate(restRouter(), {
    info: {
      title: "Patronus API",
      version: API_VERSION,
      description:
        "The public REST API of Patronus. Authenticate with an org API key: " +
        "`Authorization: Bearer pat_…`. Lists are paged with `limit` and `cursor` (the " +
        "`next` of the previous page). See docs/api.md for the conventions and stability policy.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An org API key (pat_…)" },
      },
      schemas: { Problem: PROBLEM as never },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Makes a create safe to retry: for 24 h the same key answers the first answer; " +
            "the same key with another body is 409",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
        IfMatch: {
          name: "If-Match",
          in: "header",
          required: false,
          description: "The ETag of the object as read: a change made since is refused with 412",
          schema: { type: "string", maxLength: 128 },
        },
      },
    },
  });
  return decorate(doc);
}

let cached: Promise<Document> | undefined;

/** The document (generated once per process, in a few milliseconds). */
export function openApiDocument(): Promise<Document> {
  cached ??= generate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
