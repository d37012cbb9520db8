import { describe, expect, it } from "vitest";

import {
  addBusinessDays,
  addDaysInZone,
  businessDaysBetween,
  calendarDaysBetween,
  daysBetweenInZone,
  isBusinessDay,
  isIsoDate,
  localDate,
  startOfLocalDay,
} from "./calendar";

const NY = { timeZone: "America/New_York" };
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe("addBusinessDays", () => {
  it("skips the weekend from a Friday order and keeps the local time across spring-forward", () => {
    // Friday 2024-03-08 15:00 EST; clocks go forward on Sunday the 10th.
    const friday = at("2024-03-08T20:00:00Z");
    expect(iso(addBusinessDays(friday, 1, NY))).toBe("2024-03-11T19:00:00.000Z"); // Monday 15:00 EDT
    expect(iso(addBusinessDays(friday, 3, NY))).toBe("2024-03-13T19:00:00.000Z"); // Wednesday
    expect(iso(addBusinessDays(friday, 5, NY))).toBe("2024-03-15T19:00:00.000Z"); // next Friday
    expect(iso(addBusinessDays(friday, 6, NY))).toBe("2024-03-18T19:00:00.000Z"); // next Monday
  });

  it("keeps the local time across fall-back", () => {
    // Friday 2024-11-01 09:00 EDT; clocks go back on Sunday 3 November.
    expect(iso(addBusinessDays(at("2024-11-01T13:00:00Z"), 1, NY))).toBe(
      "2024-11-04T14:00:00.000Z",
    ); // 09:00 EST
  });

  it("reads the weekday in the shop's zone, not in UTC", () => {
    // 04:30Z on Saturday is still Friday 23:30 in New York: a business day.
    const lateFriday = at("2024-03-09T04:30:00Z");
    expect(iso(addBusinessDays(lateFriday, 0, NY))).toBe("2024-03-09T04:30:00.000Z");
    expect(iso(addBusinessDays(lateFriday, 1, NY))).toBe("2024-03-12T03:30:00.000Z"); // Monday 23:30 EDT
    // In UTC the same instant is Saturday, so counting starts Monday 00:00 UTC.
    expect(iso(addBusinessDays(lateFriday, 1, { timeZone: "UTC" }))).toBe(
      "2024-03-12T00:00:00.000Z",
    );
  });

  it("starts a weekend order's clock at midnight of the next business day", () => {
    const saturday = at("2024-03-09T15:00:00Z"); // Saturday 10:00 EST
    expect(iso(addBusinessDays(saturday, 0, NY))).toBe("2024-03-11T04:00:00.000Z"); // Monday 00:00 EDT
    expect(iso(addBusinessDays(saturday, 1, NY))).toBe("2024-03-12T04:00:00.000Z"); // Tuesday 00:00 EDT
  });

  it("skips holidays given as local dates", () => {
    const wednesday = at("2024-07-03T14:00:00Z"); // 10:00 EDT, the day before Independence Day
    expect(iso(addBusinessDays(wednesday, 1, NY))).toBe("2024-07-04T14:00:00.000Z");
    expect(iso(addBusinessDays(wednesday, 1, { ...NY, holidays: ["2024-07-04"] }))).toBe(
      "2024-07-05T14:00:00.000Z",
    );
    // A holiday Friday pushes Thursday + 1 to Monday.
    expect(
      iso(addBusinessDays(at("2024-07-04T14:00:00Z"), 1, { ...NY, holidays: ["2024-07-05"] })),
    ).toBe("2024-07-08T14:00:00.000Z");
    // An order placed on a holiday waits for the next business day's midnight.
    expect(
      iso(addBusinessDays(at("2024-07-04T14:00:00Z"), 0, { ...NY, holidays: ["2024-07-04"] })),
    ).toBe("2024-07-05T04:00:00.000Z");
  });

  it("works in zones east of UTC", () => {
    // 05:00 Saturday in Tokyo is still Friday in UTC.
    const tokyo = { timeZone: "Asia/Tokyo" };
    expect(iso(addBusinessDays(at("2024-03-08T20:00:00Z"), 1, tokyo))).toBe(
      "2024-03-11T15:00:00.000Z",
    ); // Tue 00:00 JST
  });

  it("rejects negative or fractional days, invalid dates and unknown zones", () => {
    const friday = at("2024-03-08T20:00:00Z");
    expect(() => addBusinessDays(friday, -1, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(friday, 1.5, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(at("not a date"), 1, NY)).toThrow(RangeError);
    expect(() => addBusinessDays(friday, 1, { timeZone: "Mars/Olympus_Mons" })).toThrow(RangeError);
  });
});

describe("businessDaysBetween", () => {
  const friday = at("2024-03-08T20:00:00Z");

  it("counts whole business days, agreeing with addBusinessDays at the boundary", () => {
    expect(businessDaysBetween(friday, at("2024-03-11T18:59:59.999Z"), NY)).toBe(0);
    expect(businessDaysBetween(friday, at("2024-03-11T19:00:00Z"), NY)).toBe(1);
    expect(businessDaysBetween(friday, at("2024-03-10T12:00:00Z"), NY)).toBe(0); // Sunday
    expect(businessDaysBetween(friday, friday, NY)).toBe(0);
    expect(businessDaysBetween(at("2024-03-11T19:00:00Z"), friday, NY)).toBe(-1);
  });

  it("inverts addBusinessDays", () => {
    const options = { ...NY, holidays: ["2024-03-13", "2024-03-25"] };
    for (let n = 0; n <= 15; n += 1) {
      const due = addBusinessDays(friday, n, options);
      expect(businessDaysBetween(friday, due, options)).toBe(n);
      if (n > 0)
        expect(businessDaysBetween(friday, new Date(due.getTime() - 1), options)).toBe(n - 1);
    }
  });
});

describe("zone helpers", () => {
  it("isBusinessDay reads the local date", () => {
    expect(isBusinessDay(at("2024-03-09T04:30:00Z"), NY)).toBe(true); // Friday evening in New York
    expect(isBusinessDay(at("2024-03-09T04:30:00Z"), { timeZone: "UTC" })).toBe(false);
    expect(isBusinessDay(at("2024-07-04T16:00:00Z"), { ...NY, holidays: ["2024-07-04"] })).toBe(
      false,
    );
  });

  it("localDate and startOfLocalDay convert between instants and local dates", () => {
    expect(localDate(at("2024-03-06T00:00:00Z"), "America/New_York")).toBe("2024-03-05");
    expect(iso(startOfLocalDay("2024-03-10", "America/New_York"))).toBe("2024-03-10T05:00:00.000Z");
    expect(iso(startOfLocalDay("2024-03-10", "America/New_York", 1))).toBe(
      "2024-03-11T04:00:00.000Z",
    );
    // Santiago skips midnight on 2024-09-08: the day starts at 01:00 (-03).
    expect(iso(startOfLocalDay("2024-09-08", "America/Santiago"))).toBe("2024-09-08T04:00:00.000Z");
    expect(() => startOfLocalDay("2024-02-30", "UTC")).toThrow(RangeError);
  });

  it("addDaysInZone keeps wall-clock time and resolves DST gaps and overlaps", () => {
    // Saturday 02:30 EST + 1 day: 02:30 does not exist on Sunday, so 03:30 EDT.
    expect(iso(addDaysInZone(at("2024-03-09T07:30:00Z"), 1, "America/New_York"))).toBe(
      "2024-03-10T07:30:00.000Z",
    );
    // Saturday 01:30 EDT + 1 day: 01:30 happens twice on Sunday; the first (EDT) one.
    expect(iso(addDaysInZone(at("2024-11-02T05:30:00Z"), 1, "America/New_York"))).toBe(
      "2024-11-03T05:30:00.000Z",
    );
    // A week across spring-forward is 167 hours.
    expect(
      addDaysInZone(at("2024-03-08T20:00:00Z"), 7, "America/New_York").getTime() -
        at("2024-03-08T20:00:00Z").getTime(),
    ).toBe(167 * 3_600_000);
  });

  it("daysBetweenInZone and calendarDaysBetween count local days", () => {
    const start = at("2024-03-08T20:00:00Z");
    expect(daysBetweenInZone(start, at("2024-03-15T19:00:00Z"), "America/New_York")).toBe(7);
    expect(daysBetweenInZone(start, at("2024-03-15T18:59:59Z"), "America/New_York")).toBe(6);
    expect(calendarDaysBetween("2024-02-27", "2024-03-01")).toBe(3);
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
  });
});

describe("local dates across offset changes (offsets remembered by quarter hour)", () => {
  // Every 7 minutes over a day around a change, the date and the day count agree with Intl's own
  // answer: Lord Howe moves by 30 minutes, Kathmandu sits at +05:45, New York moves at 02:00.
  const cases: [string, string][] = [
    ["Australia/Lord_Howe", "2026-04-04T12:00:00Z"],
    ["Australia/Lord_Howe", "2026-10-03T12:00:00Z"],
    ["Asia/Kathmandu", "2026-06-01T00:00:00Z"],
    ["America/New_York", "2026-03-08T00:00:00Z"],
    ["America/New_York", "2026-11-01T00:00:00Z"],
  ];
  for (const [timeZone, from] of cases) {
    it(`${timeZone} from ${from}`, () => {
      const intl = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
      for (let at = Date.parse(from); at < Date.parse(from) + 86_400_000; at += 7 * 60_000 + 13) {
        expect(localDate(new Date(at), timeZone)).toBe(intl.format(new Date(at)));
      }
    });
  }
});
