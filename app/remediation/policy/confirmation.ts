// What the merchant is about to approve, one sentence per remedy, with exact amounts, items, the
// code and its last day: the confirmation shows these before anything happens.
import { formatMoney } from "./money";
import { formatExpiry } from "./messages";
import type { PlannedRemedy, PricedLine } from "./types";

function items(lines: PricedLine[], locale: string): string {
  const count = new Intl.NumberFormat(locale);
  return new Intl.ListFormat("en", { type: "conjunction" }).format(lines.map((line) => `${count.format(line.quantity)} × ${line.title}`));
}

export function confirmationLines(
  remedies: PlannedRemedy[],
  args: { locale: string; timeZone: string; code: string | null },
): string[] {
  return remedies.map((remedy) => {
    switch (remedy.type) {
      case "refund":
        return `Refund ${formatMoney(remedy.amount, args.locale)} to the customer's original payment method for ${items(remedy.lines, args.locale)}${remedy.includeShipping ? " and shipping" : ""}.`;
      case "replacement":
        return `Create a replacement order for ${items(remedy.lines, args.locale)}, at no charge and with free shipping.`;
      case "return":
        return `Open a Shopify return for ${items(remedy.lines, args.locale)} that have shipped (reason: ${remedy.reason === "DEFECTIVE" ? "damaged or defective" : "wrong item received"}), so the customer sends them back.`;
      case "cancel":
        return `Cancel ${items(remedy.lines, args.locale)} and put them back in stock.`;
      case "discount_code": {
        const worth =
          "percentage" in remedy.value
            ? new Intl.NumberFormat(args.locale, { style: "percent", maximumFractionDigits: 2 }).format(remedy.value.percentage / 100)
            : formatMoney(remedy.value.fixedAmount, args.locale);
        const code = args.code ? `discount code ${args.code}` : "a discount code";
        return `Create ${code}: ${worth} off, one use, for this customer only, valid until ${formatExpiry(remedy.expiresAt, args.locale, args.timeZone)}.`;
      }
      case "message":
        return "E-mail the customer the message below.";
    }
  });
}
