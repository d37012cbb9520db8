// Dates for the merchant: in the shop's time zone and written in its locale, the same on the
// server and in the browser (never the host's zone or language).
export interface ShopClock {
  /** The shop's primary locale, e.g. "es". */
  locale: string;
  /** IANA zone, e.g. "Europe/Madrid". */
  timeZone: string;
}

/** "28 oct 2026, 10:00" for a Madrid shop writing Spanish. */
export function formatShopTime(at: string | Date, clock: ShopClock): string {
  return new Intl.DateTimeFormat(clock.locale, { dateStyle: "medium", timeStyle: "short", timeZone: clock.timeZone }).format(
    new Date(at),
  );
}
