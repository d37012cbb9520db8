// Small shared helpers: clock, ids, money in integer cents, deterministic RNG.

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

/** "12.5" | 12.5 → 1250. Money is kept in integer cents so sums never drift. */
export function toCents(amount: string | number): number {
  const n = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(n)) throw new Error(`Not a money amount: ${String(amount)}`);
  return Math.round(n * 100);
}

export function formatCents(cents: number): string {
  return (cents / 100).toFixed(2);
}

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
