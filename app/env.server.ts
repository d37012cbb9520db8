// Configuration, parsed once at start-up. A missing or malformed variable stops the app with
// the variable's name instead of running with an empty secret.
import { z } from "zod";

import { DEFAULT_DATABASE_URL } from "../prisma/database-url";

const boolean = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

/** `NAME=` in a .env file means unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SHOPIFY_API_KEY: z.string({ error: "is required (the app's client id)" }).min(1, "is required (the app's client id)"),
    SHOPIFY_API_SECRET: z.string({ error: "is required (the app's client secret)" }).min(1, "is required (the app's client secret)"),
    SHOPIFY_APP_URL: z.url("must be the app's public URL, e.g. https://amends.example.com"),
    SCOPES: z
      .string()
      .default(
        "read_customers,write_discounts,write_draft_orders,read_fulfillments,read_inventory,read_locales,read_merchant_managed_fulfillment_orders,write_orders,read_products,write_returns",
      ),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
        message: "must start with file: (SQLite) or postgres:// (PostgreSQL)",
      }),
    /** Where the Admin GraphQL API lives; {shop} and {version} are filled in. Only tests and the
     * demo point it elsewhere (the local store emulator). */
    SHOPIFY_ADMIN_API_URL_TEMPLATE: z
      .string()
      .default("https://{shop}/admin/api/{version}/graphql.json")
      .refine((t) => t.includes("{shop}") && t.includes("{version}"), {
        message: "must contain {shop} and {version}",
      }),
    /** Demo mode: the admin opens without a Shopify login, as the demo shop. Never in production. */
    AMENDS_DEMO: boolean,
    AMENDS_DEMO_SHOP: z.string().default("amends-demo.myshopify.com"),
    /** Shops under this domain besides myshopify.com (the Shopify library's customShopDomains). */
    SHOP_CUSTOM_DOMAIN: unsetWhenEmpty(
      z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a lower-case domain, e.g. shops.example.com").optional(),
    ),
    /** GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (demo mode: open).
     * Unset outside demo mode: /metrics answers no one. */
    METRICS_TOKEN: unsetWhenEmpty(z.string().min(16, "must be at least 16 characters (a random secret)").optional()),
    /** Connections the server holds at once; more are refused (app/server/app-server.ts). */
    HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1024),
    /** Milliseconds a client has to send a request's headers, and its whole request. */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Milliseconds a webhook body has to arrive (Shopify itself waits 5 s for the answer). */
    WEBHOOK_BODY_DEADLINE_MS: z.coerce.number().int().min(100).default(10_000),
    /** Days a stored webhook body is kept once acted on (it holds customers' personal data). */
    WEBHOOK_RETENTION_DAYS: z.coerce
      .number({ error: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(1, "must be at least 1 day (Shopify's redeliveries must still be recognised)")
      .default(30),
    /** How long a remedy under way holds its lease without renewing it: after that its run is
     * taken for dead (a crash) and the worker's catch-up pass resumes it. The run renews every
     * fifth of it while it works, so a slow Shopify never looks like a crash. */
    REMEDIATION_LEASE_SECONDS: z.coerce
      .number({ error: "must be a number of seconds" })
      .int("must be a whole number of seconds")
      .min(2, "must be at least 2 seconds")
      .default(300),
    /** GET /healthz answers 503 once a delivery has waited this long to be acted on (the worker
     * is down, stuck, or cannot keep up). Longer than a flash sale's backlog takes to clear. */
    HEALTH_BACKLOG_MAX_AGE_SECONDS: z.coerce
      .number({ error: "must be a whole number of seconds" })
      .int("must be a whole number of seconds")
      .min(30, "must be at least 30 seconds (the worker looks for work every 5 seconds)")
      .default(600),
    /** Where customer e-mails are sent from (nodemailer's URL: smtp://user:pass@host:587, or
     * smtps:// for TLS from the start). Unset: e-mail is off, and messages wait in the outbox. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/]+/, "must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587")
      .optional(),
    /** The sender of customer e-mails, e.g. "Amends <support@example.com>". */
    SMTP_FROM: z.string().min(3).optional(),
    /** PostgreSQL only (the job queue, app/jobs): jobs one worker process runs at once. Webhook
     * processing is database-bound and remediation waits on Shopify, so a few per core pay. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** PostgreSQL only: seconds between a worker's checks for work a crash left behind — a
     * delivery stored without its job, a worker killed mid-job (its jobs go to another), an
     * incident whose remedy stopped. The due sweep runs once a minute regardless. */
    WORKER_CATCH_UP_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
    /** PostgreSQL only: false keeps this worker from scheduling the minute's due sweep and outbox
     * look (any one worker with it on is enough; the library schedules each minute once). */
    WORKER_SCHEDULES: z
      .enum(["true", "false", "1", "0", ""])
      .default("true")
      .transform((value) => value !== "false" && value !== "0"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && !env.SMTP_FROM) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_FROM"],
        message: "is required with SMTP_URL: the address customer e-mails come from, e.g. Store <support@example.com>",
      });
    }
    if (env.AMENDS_DEMO && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["AMENDS_DEMO"],
        message:
          "demo mode opens the admin without a Shopify login, so it cannot run with NODE_ENV=production",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/** Parses `source` (process.env by default); throws one error listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigurationError(`Invalid configuration:\n${problems.join("\n")}`);
}

let cached: Env | undefined;

/** The app's configuration; parsed on first use, which is start-up for the server. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
