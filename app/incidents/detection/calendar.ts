// Calendar arithmetic in the shop's own time zone. A shop's "Friday" and "holiday" are local
// dates, and an instant's local date depends on the zone, so everything here converts through
// Intl (the only zone database a plain runtime has) and never through the host's zone.

export interface CalendarOptions {
  /** IANA time zone, e.g. "America/New_York". */
  timeZone: string;
  /** Local dates (YYYY-MM-DD) that are not business days. */
  holidays?: readonly string[];
}

const DAY_MS = 86_400_000;

/** A wall-clock time in some zone; `day` is days since 1970-01-01 (a civil day number), which
 * makes stepping over dates plain integer arithmetic. */
interface LocalTime {
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // Throws RangeError for an unknown zone: better loud than silently UTC.
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function assertValid(instant: Date, what: string): void {
  if (Number.isNaN(instant.getTime())) throw new RangeError(`${what} is not a valid date`);
}

/** The wall-clock time in the zone at an instant. */
function toLocal(epochMs: number, timeZone: string): LocalTime {
  const offset = quarterHourOffset(epochMs, timeZone);
  return Number.isNaN(offset) ? intlLocal(epochMs, timeZone) : utcFields(epochMs + offset);
}

/** Asks Intl: exact, and slow (a few microseconds), which the webhook processor felt. */
function intlLocal(epochMs: number, timeZone: string): LocalTime {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const day = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1) / DAY_MS;
  return {
    day,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

/** A wall-clock time counted in ms from 1970-01-01T00:00 (wallMs), taken apart. */
function utcFields(wall: number): LocalTime {
  const date = new Date(wall);
  return {
    day: Math.floor(wall / DAY_MS),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset through the UTC quarter hour holding the instant, remembered; NaN when it
 * changes within it (a transition: then Intl is asked for each instant). The offset is the same
 * at both ends of the quarter hour only if it is the same throughout, as no zone changes its
 * offset twice within fifteen minutes.
 */
function quarterHourOffset(epochMs: number, timeZone: string): number {
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  let zone = offsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  let offset = zone.get(quarter);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const first = wallMs(intlLocal(start, timeZone)) - start;
    const last = wallMs(intlLocal(start + QUARTER_HOUR_MS - 1, timeZone)) - (start + QUARTER_HOUR_MS - 1);
    offset = first === last ? first : Number.NaN;
    if (zone.size >= 100_000) zone.clear(); // a bound on memory: ~3 years of quarter hours
    zone.set(quarter, offset);
  }
  return offset;
}

function wallMs(local: LocalTime): number {
  return (
    local.day * DAY_MS +
    ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 +
    local.millisecond
  );
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
function offsetAt(epochMs: number, timeZone: string): number {
  return wallMs(toLocal(epochMs, timeZone)) - epochMs;
}

/**
 * The instant a wall-clock time happens in the zone. Like Temporal's "compatible" choice: a
 * time repeated when clocks go back is the first one, a time skipped when clocks go forward is
 * moved on by the size of the gap (02:30 on a spring-forward night becomes 03:30).
 */
function fromLocal(local: LocalTime, timeZone: string): number {
  const wall = wallMs(local);
  // Zones change offset at most once in a couple of days, so the offsets a day either side
  // are the only candidates.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((candidate) => wall - offsetAt(candidate, timeZone) === candidate)
    .sort((a, b) => a - b);
  return valid[0] ?? wall - before;
}

function weekday(day: number): number {
  return new Date(day * DAY_MS).getUTCDay();
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIsoDay(date: string): number | null {
  const match = ISO_DATE.exec(date);
  if (!match) return null;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  // Rejects 2024-02-30 and the like, which Date.UTC would roll into March.
  return isoDay(day) === date ? day : null;
}

function isBusinessDayNumber(day: number, holidays: ReadonlySet<string>): boolean {
  const dow = weekday(day);
  return dow !== 0 && dow !== 6 && !holidays.has(isoDay(day));
}

function nextBusinessDay(day: number, holidays: ReadonlySet<string>): number {
  let next = day + 1;
  while (!isBusinessDayNumber(next, holidays)) next += 1;
  return next;
}

/** The local time business-day counting starts from: the instant itself on a business day,
 * otherwise midnight of the next business day (an order paid on Saturday waits for Monday). */
function businessStart(start: Date, timeZone: string, holidays: ReadonlySet<string>): LocalTime {
  const local = toLocal(start.getTime(), timeZone);
  if (isBusinessDayNumber(local.day, holidays)) return local;
  let day = local.day;
  while (!isBusinessDayNumber(day, holidays)) day += 1;
  return { day, hour: 0, minute: 0, second: 0, millisecond: 0 };
}

/** The local date (YYYY-MM-DD) of an instant in the zone. */
export function localDate(instant: Date, timeZone: string): string {
  assertValid(instant, "instant");
  return isoDay(toLocal(instant.getTime(), timeZone).day);
}

/** Whether the instant falls on a business day (not Saturday, Sunday or a holiday) locally. */
export function isBusinessDay(
  instant: Date,
  { timeZone, holidays = [] }: CalendarOptions,
): boolean {
  assertValid(instant, "instant");
  return isBusinessDayNumber(toLocal(instant.getTime(), timeZone).day, new Set(holidays));
}

/**
 * The instant `days` business days after `start`, at the same local wall-clock time (so across
 * a DST change the result is 23 or 25 hours per day away, not 24). A start outside business days
 * counts from midnight of the next business day, so `days = 0` means "the first business moment".
 */
export function addBusinessDays(
  start: Date,
  days: number,
  { timeZone, holidays = [] }: CalendarOptions,
): Date {
  assertValid(start, "start");
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`days must be a whole number ≥ 0, got ${days}`);
  const off = new Set(holidays);
  const local = businessStart(start, timeZone, off);
  let day = local.day;
  for (let i = 0; i < days; i += 1) day = nextBusinessDay(day, off);
  return new Date(fromLocal({ ...local, day }, timeZone));
}

/**
 * Whole business days from `start` to `end`: the largest n with addBusinessDays(start, n) ≤ end,
 * so the two functions agree at every boundary. Negative (mirrored) when `end` precedes `start`.
 */
export function businessDaysBetween(start: Date, end: Date, options: CalendarOptions): number {
  assertValid(start, "start");
  assertValid(end, "end");
  if (end.getTime() < start.getTime()) return -businessDaysBetween(end, start, options);
  const off = new Set(options.holidays ?? []);
  const local = businessStart(start, options.timeZone, off);
  const limit = end.getTime();
  if (fromLocal(local, options.timeZone) > limit) return 0;
  let count = 0;
  let day = local.day;
  for (;;) {
    day = nextBusinessDay(day, off);
    if (fromLocal({ ...local, day }, options.timeZone) > limit) return count;
    count += 1;
  }
}

/** The instant `days` calendar days after `start` at the same local wall-clock time. */
export function addDaysInZone(start: Date, days: number, timeZone: string): Date {
  assertValid(start, "start");
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  const local = toLocal(start.getTime(), timeZone);
  return new Date(fromLocal({ ...local, day: local.day + days }, timeZone));
}

/** Whole local days from `start` to `end` (largest n with addDaysInZone(start, n) ≤ end). */
export function daysBetweenInZone(start: Date, end: Date, timeZone: string): number {
  assertValid(start, "start");
  assertValid(end, "end");
  if (end.getTime() < start.getTime()) return -daysBetweenInZone(end, start, timeZone);
  const estimate = toLocal(end.getTime(), timeZone).day - toLocal(start.getTime(), timeZone).day;
  return addDaysInZone(start, estimate, timeZone).getTime() > end.getTime()
    ? estimate - 1
    : estimate;
}

/** Midnight, in the zone, of the local date `date` (YYYY-MM-DD) plus `days` days. */
export function startOfLocalDay(date: string, timeZone: string, days = 0): Date {
  const day = parseIsoDay(date);
  if (day === null) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return new Date(
    fromLocal({ day: day + days, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone),
  );
}

/** Calendar days from local date `from` to local date `to` (both YYYY-MM-DD). */
export function calendarDaysBetween(from: string, to: string): number {
  const a = parseIsoDay(from);
  const b = parseIsoDay(to);
  if (a === null || b === null) throw new RangeError(`not YYYY-MM-DD dates: ${from}, ${to}`);
  return b - a;
}

/** Whether `date` is a real YYYY-MM-DD calendar date. */
export function isIsoDate(date: string): boolean {
  return parseIsoDay(date) !== null;
}
