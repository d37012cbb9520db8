// Small shared helpers: clock, ids, money in integer minor units, deterministic RNG.

/** Injectable time source so tests can move time without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ManualClock extends Clock {
  set(ms: number | Date): void;
  advance(ms: number): void;
}

export function manualClock(start: number | Date = Date.UTC(2026, 10, 20, 12)): ManualClock {
  let t = typeof start === "number" ? start : start.getTime();
  return {
    now: () => t,
    set: (ms) => {
      t = typeof ms === "number" ? ms : ms.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Real time, moved on by `advance`: the app and the emulator waiting "seconds" without sleeping. */
export function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: number;
}

export function parseGid(value: string): ParsedGid | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)/.exec(value);
  if (!m?.[1] || !m[2]) return null;
  return { type: m[1], id: Number(m[2]) };
}

/** The numeric id of a GID, as REST payloads carry it (the emulator's ids are safe integers). */
export function legacyId(value: string): number {
  const parsed = parseGid(value);
  if (!parsed) throw new Error(`Not a Shopify GID: ${value}`);
  return parsed.id;
}

// Building an Intl.NumberFormat costs tens of microseconds, and every money field of every
// payload asks: at a flash sale's webhook rate that alone filled a core of the emulator.
const digitsByCurrency = new Map<string, number>();

/**
 * Digits of the currency's minor unit (ISO 4217, as the runtime's Intl knows it): 2 for EUR,
 * 0 for JPY, 3 for KWD. Shopify rounds and validates money to these (shopify.dev, "MoneyV2",
 * "Decimal"; amounts are stored in the currency's subunit).
 */
export function minorDigits(currencyCode: string): number {
  let digits = digitsByCurrency.get(currencyCode);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    digitsByCurrency.set(currencyCode, digits);
  }
  return digits;
}

/**
 * "12.5" → 1250 in EUR, "1200" → 1200 in JPY. "Cents" throughout the emulator are the minor
 * units of the shop's currency, so sums never drift. An amount with more (non-zero) decimals
 * than the currency has is refused, as Shopify refuses to move half a yen.
 */
export function toCents(amount: string | number, currencyCode: string): number {
  const text = typeof amount === "number" ? String(amount) : amount.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`Not a money amount: ${String(amount)}`);
  const digits = minorDigits(currencyCode);
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) {
    throw new MoneyError(
      `${text} is not a valid ${currencyCode} amount: ${currencyCode} has ${digits === 0 ? "no decimals" : `${digits} decimals`}`,
    );
  }
  const minor = Number(match[2]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return match[1] ? -minor : minor;
}

/** 1250 → "12.50" in EUR, 1200 → "1200" in JPY, 1250 → "1.250" in KWD. */
export function formatCents(cents: number, currencyCode: string): string {
  const digits = minorDigits(currencyCode);
  const abs = Math.abs(cents).toString().padStart(digits + 1, "0");
  const whole = digits ? abs.slice(0, -digits) : abs;
  return `${cents < 0 ? "-" : ""}${whole}${digits ? `.${abs.slice(-digits)}` : ""}`;
}

/** A money amount the currency cannot express. */
export class MoneyError extends Error {}

/** Deterministic PRNG (mulberry32) for seeding. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
