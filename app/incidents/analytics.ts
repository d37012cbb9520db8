// Pure helpers for the Analytics page and the CSV export: days in the shop's time zone,
// medians, and CSV cells that a spreadsheet cannot mistake for a formula.

/** A calendar day in the shop's zone, "2026-11-30". */
export type LocalDay = string;

const partsFormat = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormat.set(timeZone, format);
  }
  return format;
}

function wallClock(at: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(at).map((part) => [part.type, part.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), min: Number(parts.minute), s: Number(parts.second) };
}

/** Minutes the zone is ahead of UTC at `at` (Madrid in winter: 60; Kathmandu: 345). */
export function offsetMinutes(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The shop's calendar day at `at`. */
export function localDay(at: Date, timeZone: string): LocalDay {
  const w = wallClock(at, timeZone);
  return `${w.y}-${String(w.m).padStart(2, "0")}-${String(w.d).padStart(2, "0")}`;
}

/** The instant the shop's day `day` begins (midnight there, or the first minute after a DST gap). */
export function startOfLocalDay(day: LocalDay, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  let guess = midnightUtc - offsetMinutes(new Date(midnightUtc), timeZone) * 60_000;
  // Once more with the offset at the guess: right across a DST change.
  guess = midnightUtc - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

export function addDays(day: LocalDay, days: number): LocalDay {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: LocalDay, to: LocalDay): LocalDay[] {
  const days: LocalDay[] = [];
  for (let day = from; day <= to && days.length < 3700; day = addDays(day, 1)) days.push(day);
  return days;
}

/** A stretch of time in which the zone's offset does not change; `until` null: to the end. */
export interface OffsetSegment {
  until: Date | null;
  offsetMinutes: number;
}

/**
 * The zone's offsets between `from` and `to`: what the database adds to a UTC time to find
 * the shop's day, exactly, across DST changes, with no time-zone support in SQLite.
 */
export function offsetSegments(from: Date, to: Date, timeZone: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = offsetMinutes(from, timeZone);
  const hour = 3_600_000;
  for (let t = from.getTime() + hour; t <= to.getTime() + hour; t += hour) {
    const next = offsetMinutes(new Date(t), timeZone);
    if (next === current) continue;
    // The change is within the last hour: find its minute.
    let low = t - hour;
    let high = t;
    while (high - low > 60_000) {
      const mid = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetMinutes(new Date(mid), timeZone) === current) low = mid;
      else high = mid;
    }
    segments.push({ until: new Date(high), offsetMinutes: current });
    current = next;
  }
  segments.push({ until: null, offsetMinutes: current });
  return segments;
}

/** Where the median sits in a sorted list of `count`: skip `offset`, take `take` (1 or 2). */
export function medianWindow(count: number): { offset: number; take: number } | null {
  if (count <= 0) return null;
  return count % 2 === 1 ? { offset: (count - 1) / 2, take: 1 } : { offset: count / 2 - 1, take: 2 };
}

export function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const window = medianWindow(sorted.length);
  if (!window) return null;
  const middle = sorted.slice(window.offset, window.offset + window.take);
  return middle.reduce((sum, value) => sum + value, 0) / middle.length;
}

/** "3 h 20 min", "2 d 4 h", "45 s": a duration a merchant reads at a glance. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A cell a
 * spreadsheet would run as a formula (= + - @, tab, carriage return first) gets a leading
 * apostrophe (OWASP's advice on CSV injection): a customer's words must never run.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** Adds day counts into a dense series per key, days with nothing at 0. */
export function denseSeries(
  days: readonly LocalDay[],
  rows: readonly { day: LocalDay; key: string; value: number }[],
): { key: string; points: { day: LocalDay; value: number }[] }[] {
  const byKey = new Map<string, Map<LocalDay, number>>();
  for (const row of rows) {
    const series = byKey.get(row.key) ?? new Map<LocalDay, number>();
    series.set(row.day, (series.get(row.day) ?? 0) + row.value);
    byKey.set(row.key, series);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, series]) => ({ key, points: days.map((day) => ({ day, value: series.get(day) ?? 0 })) }));
}

/** The key of the series that adds up the ones topSeries leaves out. */
export const OTHER_SERIES = "__other";

/**
 * The `limit` series with the most in total, largest first, and one more (OTHER_SERIES) adding
 * up the rest day by day: a chart a merchant can read, and one the browser draws in a fraction
 * of the time (13 kinds × 30 days of points kept Analytics' first click waiting).
 */
export function topSeries(
  series: readonly { key: string; points: { day: LocalDay; value: number }[] }[],
  limit: number,
): { key: string; points: { day: LocalDay; value: number }[] }[] {
  const total = (points: { value: number }[]) => points.reduce((sum, point) => sum + point.value, 0);
  const ranked = [...series].sort((a, b) => total(b.points) - total(a.points) || a.key.localeCompare(b.key));
  if (ranked.length <= limit + 1) return ranked;
  const rest = ranked.slice(limit);
  const points = (rest[0]?.points ?? []).map((point, index) => ({
    day: point.day,
    value: rest.reduce((sum, one) => sum + (one.points[index]?.value ?? 0), 0),
  }));
  return [...ranked.slice(0, limit), { key: OTHER_SERIES, points }];
}

/** "2026-11-30 15:04" in the shop's zone: a value a spreadsheet sorts and reads as a date. */
export function localDateTime(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${w.y}-${two(w.m)}-${two(w.d)} ${two(w.h)}:${two(w.min)}`;
}
