import { describe, expect, it } from "vitest";

import {
  csvCell,
  csvRow,
  daysBetween,
  denseSeries,
  OTHER_SERIES,
  formatDuration,
  localDay,
  median,
  medianWindow,
  offsetMinutes,
  topSeries,
  offsetSegments,
  startOfLocalDay,
} from "./analytics";

describe("days in the shop's time zone", () => {
  it("reads the shop's day, not UTC's", () => {
    // 23:30 UTC on 28 Oct is already the 29th in Madrid and still the 28th in Los Angeles.
    const at = new Date("2026-10-28T23:30:00Z");
    expect(localDay(at, "Europe/Madrid")).toBe("2026-10-29");
    expect(localDay(at, "America/Los_Angeles")).toBe("2026-10-28");
    expect(localDay(at, "Asia/Kathmandu")).toBe("2026-10-29");
  });

  it("knows offsets that are not whole hours", () => {
    expect(offsetMinutes(new Date("2026-06-01T00:00:00Z"), "Asia/Kathmandu")).toBe(345);
    expect(offsetMinutes(new Date("2026-06-01T00:00:00Z"), "Asia/Kolkata")).toBe(330);
    expect(offsetMinutes(new Date("2026-06-01T00:00:00Z"), "America/St_Johns")).toBe(-150);
  });

  it("finds the instant a day starts, across DST", () => {
    expect(startOfLocalDay("2026-10-25", "Europe/Madrid").toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(startOfLocalDay("2026-10-26", "Europe/Madrid").toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect(startOfLocalDay("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfLocalDay("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });

  it("splits a range where the offset changes, to the minute", () => {
    const segments = offsetSegments(new Date("2026-10-20T00:00:00Z"), new Date("2026-11-05T00:00:00Z"), "Europe/Madrid");
    // Madrid leaves summer time at 01:00 UTC on 25 October 2026.
    expect(segments).toEqual([
      { until: new Date("2026-10-25T01:00:00Z"), offsetMinutes: 120 },
      { until: null, offsetMinutes: 60 },
    ]);
    expect(offsetSegments(new Date("2026-01-01T00:00:00Z"), new Date("2026-02-01T00:00:00Z"), "UTC")).toEqual([{ until: null, offsetMinutes: 0 }]);
  });

  it("lists every day of a range and fills days with nothing", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    const series = denseSeries(["2026-03-01", "2026-03-02"], [
      { day: "2026-03-02", key: "damaged", value: 2 },
      { day: "2026-03-02", key: "damaged", value: 1 },
      { day: "2026-03-01", key: "lost", value: 4 },
    ]);
    expect(series).toEqual([
      { key: "damaged", points: [{ day: "2026-03-01", value: 0 }, { day: "2026-03-02", value: 3 }] },
      { key: "lost", points: [{ day: "2026-03-01", value: 4 }, { day: "2026-03-02", value: 0 }] },
    ]);
  });
});

describe("the chart of incidents by kind", () => {
  const days = ["2026-03-01", "2026-03-02"];
  const series = (key: string, a: number, b: number) => ({ key, points: [{ day: days[0] ?? "", value: a }, { day: days[1] ?? "", value: b }] });

  it("keeps the kinds with the most incidents and adds up the rest, day by day", () => {
    const all = [series("damaged", 1, 0), series("lost", 5, 5), series("late_delivery", 0, 3), series("wrong_item", 2, 2)];
    expect(topSeries(all, 2)).toEqual([series("lost", 5, 5), series("wrong_item", 2, 2), series(OTHER_SERIES, 1, 3)]);
  });

  it("leaves a short list as it is: an 'other' line for a single kind would hide its name", () => {
    const all = [series("damaged", 1, 0), series("lost", 5, 5), series("late_delivery", 0, 3)];
    expect(topSeries(all, 2).map((one) => one.key)).toEqual(["lost", "late_delivery", "damaged"]);
  });
});

describe("medians", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(medianWindow(5)).toEqual({ offset: 2, take: 1 });
    expect(medianWindow(4)).toEqual({ offset: 1, take: 2 });
    expect(medianWindow(0)).toBeNull();
  });

  it("writes durations for a merchant", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(200 * 60)).toBe("3 h 20 min");
    expect(formatDuration(52 * 3600)).toBe("2 d 4 h");
  });
});

describe("CSV cells", () => {
  it("quotes commas, quotes and line breaks", () => {
    expect(csvCell('He said "wrong size", twice\nreally')).toBe('"He said ""wrong size"", twice\nreally"');
    expect(csvCell(null)).toBe("");
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
  });

  it("never lets a spreadsheet run a customer's words as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\")")).toBe("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    expect(csvCell("+1 555")).toBe("'+1 555");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell(12.5)).toBe("12.5");
  });
});
