// Shopify's REST-shaped payloads carry numeric ids beyond 2^53 (820982911946154508 would parse
// as ...500). This parser keeps every integer too large to be exact as its decimal string, so
// `order_id` in a fulfilment event still names the right order.

const SAFE_DIGITS = 15; // every integer of up to 15 digits is exact in a double

/** JSON.parse, except that integers longer than 15 digits become strings. */
export function parseShopifyJson(text: string): unknown {
  // Most bodies have no run of 16 digits anywhere: nothing to quote, and no need to scan them
  // character by character, which cost the webhook processor more than JSON.parse itself
  // (bench/processing.ts).
  return JSON.parse(LONG_DIGIT_RUN.test(text) ? quoteLongIntegers(text) : text);
}

const LONG_DIGIT_RUN = new RegExp(`\\d{${SAFE_DIGITS + 1}}`);

const QUOTE = 34;
const BACKSLASH = 92;

function quoteLongIntegers(text: string): string {
  let out = "";
  let i = 0;
  let copiedTo = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      // Skip a string literal, honouring escapes.
      i++;
      while (i < text.length && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      i++;
      continue;
    }
    const ch = text[i];
    if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) {
      let end = i + (ch === "-" ? 1 : 0);
      while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
      const isInteger = !/[.eE]/.test(text[end] ?? "");
      const digits = end - i - (ch === "-" ? 1 : 0);
      if (isInteger && digits > SAFE_DIGITS) {
        out += `${text.slice(copiedTo, i)}"${text.slice(i, end)}"`;
        copiedTo = end;
      }
      i = Math.max(end, i + 1);
      continue;
    }
    i++;
  }
  return out + text.slice(copiedTo);
}
