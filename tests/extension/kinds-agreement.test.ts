// The customer-account extension cannot import the app, so its contract (api-contract.ts)
// restates the incident kinds. This test can import both and fails when they disagree: a kind
// the app opens that the customer's page could not name, a kind the extension names that the
// app does not have, or a kind without words in one of the extension's languages.
import { readFileSync, readdirSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { INCIDENT_KIND_FOR_REPORT } from "../../app/incidents/customer-reports";
import { INCIDENT_KINDS, REPORTED_KINDS } from "../../app/incidents/model";
import { DETECTED_KINDS, REPORT_KINDS } from "../../extensions/amends-order/src/api-contract";

const LOCALES = new URL("../../extensions/amends-order/locales/", import.meta.url);
const appKinds: readonly string[] = INCIDENT_KINDS;

describe("the extension's incident kinds and the app's", () => {
  it("names only kinds the app has", () => {
    expect(DETECTED_KINDS.filter((kind) => !appKinds.includes(kind))).toEqual([]);
    expect(REPORT_KINDS.map((kind) => INCIDENT_KIND_FOR_REPORT[kind]).filter((kind) => !appKinds.includes(kind))).toEqual([]);
  });

  it("can name every kind of incident the app opens, to the customer", () => {
    const reportable = new Set<string>(REPORT_KINDS.map((kind) => INCIDENT_KIND_FOR_REPORT[kind]));
    const detected = new Set<string>(DETECTED_KINDS);
    expect(INCIDENT_KINDS.filter((kind) => !reportable.has(kind) && !detected.has(kind))).toEqual([]);
    // What the app calls detected (not reported) is what the extension calls detected.
    expect(INCIDENT_KINDS.filter((kind) => !(REPORTED_KINDS as readonly string[]).includes(kind) && !detected.has(kind))).toEqual([]);
  });

  it("lets the customer report every kind the app takes reports of", () => {
    const reportable = new Set<string>(REPORT_KINDS.map((kind) => INCIDENT_KIND_FOR_REPORT[kind]));
    expect(REPORTED_KINDS.filter((kind) => !reportable.has(kind))).toEqual([]);
  });

  it("has words for every kind in each of the extension's languages", () => {
    const files = readdirSync(LOCALES).filter((name) => name.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const words = (JSON.parse(readFileSync(new URL(file, LOCALES), "utf8")) as { kind?: Record<string, string> }).kind ?? {};
      expect([file, [...REPORT_KINDS, ...DETECTED_KINDS].filter((kind) => !words[kind])]).toEqual([file, []]);
    }
  });
});
