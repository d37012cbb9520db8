// Keeps SECURITY.md true: it answers exactly Shopify's app security checks, each with a status,
// and every file it points at exists. Re-checks the facts it states that are cheap to check
// here: callback URLs, compliance webhooks, API version, dependency automation, no committed
// secrets, no raw HTML, no dynamic raw SQL, credentials redacted from logs. (Scopes:
// tests/access-scopes.test.ts.)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";

import { pino } from "pino";
import { describe, expect, it } from "vitest";

import { REDACTED } from "../app/logger.server";
import { API_VERSION } from "../app/shopify/version";

/**
 * The checks `shopify app security check` runs, by ID: shopify.dev, "App security checks"
 * (docs/apps/build/security/app-security-checks), one page per ID; 36 as of November 2026.
 */
const SHOPIFY_CHECK_IDS = [
  "ACTIVE_UPLOADS_AND_PRIVILEGED_PREVIEWS",
  "APP_PROXY_LIQUID_INJECTION",
  "APP_PROXY_UNVERIFIED_SIGNATURE",
  "COMMITTED_SECRET",
  "CREDENTIAL_BROWSER_LEAKAGE",
  "CREDENTIAL_LOG_LEAKAGE",
  "CROSS_SITE_SCRIPTING",
  "CSRF_MISSING_PROTECTION",
  "DEPENDENCY_REACHABILITY",
  "DEPRECATED_SCRIPT_TAG_SCOPE",
  "EOL_API_VERSION",
  "EXPIRING_OFFLINE_TOKEN",
  "INSECURE_WEBHOOK_URL",
  "LIQUID_UNSAFE_RENDER",
  "METAFIELD_OFFLINE_TOKEN",
  "MISSING_AUTHORIZATION_CHECK",
  "MISSING_COMPLIANCE_WEBHOOKS",
  "MISSING_DEPENDENCY_SECURITY_AUTOMATION",
  "MISSING_EMBEDDED_CSP",
  "MISSING_TENANT_ISOLATION",
  "OPEN_REDIRECT",
  "OVERBROAD_DATA_ACCESS",
  "REQUEST_CONTROLLED_ADMIN_CONTEXT",
  "REQUEST_DERIVED_SHOP_SCOPE",
  "SCOPE_OVER_REQUEST",
  "SCRIPT_TAG_URL_INJECTION",
  "SESSION_LIFECYCLE_AND_REPLAY",
  "SQL_INJECTION",
  "SSRF_REQUEST_FORGERY",
  "STATIC_FRAME_ANCESTORS",
  "TEXT_SETTING_HTML_SMUGGLING",
  "THEME_EXTENSION_XSS",
  "UNAUTHENTICATED_ENDPOINT",
  "UNSAFE_INNERHTML",
  "UNSCOPED_SHOP_CONFIG_WRITE",
  "WEAK_SHOP_VALIDATION",
];

const STATUS = /^\*\*(Met|Partly met|Not met yet|Not applicable)\b/;

const read = (file: string) => readFileSync(file, "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules" || name === "build") return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(tsx?|mjs)$/.test(name) ? [full] : [];
  });
}

/** SECURITY.md's entries: `### CHECK_ID` and the text up to the next heading. */
function entries(): Map<string, string> {
  const found = new Map<string, string>();
  const parts = read("SECURITY.md").split(/^### /m).slice(1);
  for (const part of parts) {
    const [heading = "", ...body] = part.split("\n");
    found.set(heading.trim(), body.join("\n").split(/^## /m)[0]?.trim() ?? "");
  }
  return found;
}

describe("SECURITY.md", () => {
  const listed = entries();

  it("answers exactly Shopify's app security checks, once each", () => {
    expect([...listed.keys()].sort()).toEqual([...SHOPIFY_CHECK_IDS].sort());
    expect(SHOPIFY_CHECK_IDS).toHaveLength(36);
  });

  it.each(SHOPIFY_CHECK_IDS)("%s has a status and an explanation", (id) => {
    const text = listed.get(id) ?? "";
    expect(text, id).toMatch(STATUS);
    expect(text.length, id).toBeGreaterThan(40);
  });

  it("points only at files that exist", () => {
    // Paths in backticks (so webhook topics such as app/uninstalled are written without them).
    const named = [...read("SECURITY.md").matchAll(/`((?:app|tests|scripts|prisma|extensions|\.github|\.ci)\/[^`\s]*|[\w.-]+\.(?:toml|md|example))`/g)].map((m) => m[1] ?? "");
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((file) => !existsSync(file))).toEqual([]);
  });

  it("is linked from the README", () => {
    expect(read("README.md")).toContain("(SECURITY.md)");
  });
});

describe("what SECURITY.md says of the configuration", () => {
  const toml = read("shopify.app.toml");

  it("INSECURE_WEBHOOK_URL: callbacks are relative paths or HTTPS", () => {
    const uris = [...toml.matchAll(/^\s*uri\s*=\s*"([^"]*)"/gm)].map((m) => m[1] ?? "");
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri, uri).toMatch(/^(\/|https:\/\/)/);
    const urls = [...toml.matchAll(/"(\w+:\/\/[^"]*)"/g)].map((m) => m[1] ?? "");
    for (const url of urls) expect(url, url).toMatch(/^https:\/\//);
  });

  it("MISSING_COMPLIANCE_WEBHOOKS: the three compliance topics are subscribed", () => {
    const compliance = /^\s*compliance_topics\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
    for (const topic of ["customers/data_request", "customers/redact", "shop/redact"]) expect(compliance).toContain(`"${topic}"`);
  });

  it("EOL_API_VERSION and DEPRECATED_SCRIPT_TAG_SCOPE: one supported API version, no script tags", () => {
    expect(/^\s*api_version\s*=\s*"([^"]*)"/m.exec(toml)?.[1]).toBe(API_VERSION);
    expect(toml).not.toContain("script_tags");
  });

  it("MISSING_DEPENDENCY_SECURITY_AUTOMATION: Dependabot covers every package.json", () => {
    const dependabot = read(".github/dependabot.yml");
    expect(dependabot).toMatch(/^version: 2$/m);
    expect(dependabot).toMatch(/package-ecosystem: "npm"\n\s+directory: "\/"/);
    // The root entry covers the workspaces: each is locked by the root package-lock.json, none
    // by a lock file of its own.
    const root = JSON.parse(read("package.json")) as { workspaces?: string[] };
    expect(root.workspaces).toEqual(["extensions/*"]);
    const workspaces = readdirSync("extensions").filter((name) => existsSync(path.join("extensions", name, "package.json")));
    expect(workspaces).toContain("amends-order");
    const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, unknown> };
    for (const name of workspaces) {
      expect(lock.packages[`extensions/${name}`], name).toBeDefined();
      expect(existsSync(path.join("extensions", name, "package-lock.json")), name).toBe(false);
    }
  });
});

describe("what SECURITY.md says of the code", () => {
  const code = [...sourceFiles("app"), ...sourceFiles("scripts"), ...sourceFiles(path.join("extensions", "amends-order", "src"))];

  it("COMMITTED_SECRET: no environment file and no real-shaped Shopify token is tracked", () => {
    const tracked = execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(tracked.filter((file) => /(^|\/)\.env(\.|$)/.test(path.basename(file)) && !file.endsWith(".env.example"))).toEqual([]);
    expect(read(".gitignore")).toMatch(/^\.env$/m);
    const shaped = /\bshp(at|ss|ca|pa)_[a-fA-F0-9]{32}\b/;
    const leaking = tracked.filter((file) => existsSync(file) && statSync(file).size < 2_000_000 && shaped.test(read(file)));
    expect(leaking).toEqual([]);
  });

  it("UNSAFE_INNERHTML and CROSS_SITE_SCRIPTING: no raw HTML reaches a page", () => {
    const raw = code.filter((file) => /dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML/.test(read(file)));
    expect(raw).toEqual([]);
  });

  it("SQL_INJECTION: every raw statement is a string literal", () => {
    const calls = code.flatMap((file) =>
      [...read(file).matchAll(/\$(?:queryRaw|executeRaw)(?:Unsafe)?\s*(\(|`)\s*(.)/g)].map((m) => ({ file, opening: m[1], first: m[2] })),
    );
    expect(calls.length).toBeGreaterThan(0);
    // Unsafe variants take a plain literal; tagged templates bind their values. The plain-SQL
    // module (app/models/sql.server.ts) forwards an `sql` tagged template's own parts.
    for (const call of calls) {
      const forwarded = call.file.endsWith(path.join("app", "models", "sql.server.ts")) && call.opening === "(" && call.first === "q";
      expect(call.opening === "`" || call.first === '"' || forwarded, call.file).toBe(true);
    }
    // That module prepares the tag's literal parts joined by placeholders: `sql` is only ever a
    // tag, never called with a string built at run time.
    const called = code.filter((file) => /(?<!function )\bsql\s*\(/.test(read(file)));
    expect(called).toEqual([]);
    expect(read("app/models/sql.server.ts")).toContain('connection.prepare(strings.join("?"))');
  });

  it("CREDENTIAL_LOG_LEAKAGE: tokens and signed headers never reach a log line", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ redact: REDACTED }, sink);
    const secrets = ["shpat_access", "shprt_refresh", "Bearer eyJ.token", "hmac==", "shpat_header"];
    log.info({ accessToken: secrets[0], refreshToken: secrets[1] }, "top level");
    log.info({ session: { accessToken: secrets[0], refreshToken: secrets[1] } }, "a session");
    log.info({ headers: { authorization: secrets[2], "x-shopify-hmac-sha256": secrets[3], "x-shopify-access-token": secrets[4] } }, "headers");
    log.info({ req: { headers: { authorization: secrets[2], "x-shopify-hmac-sha256": secrets[3], "x-shopify-access-token": secrets[4] } } }, "a request");
    expect(lines).toHaveLength(4);
    for (const secret of secrets) expect(lines.join("\n")).not.toContain(secret);
  });
});
