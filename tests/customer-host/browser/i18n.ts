// shopify.i18n and the extension language, as Shopify documents them for UI extensions
// (shopify.dev "Localization API" and "I18n API", customer-account-ui-extensions):
// - the extension language is the buyer's language if the extension has a locale file for it,
//   else its base language ("es-MX" → "es"), else the default locale (the `.default.json` file);
// - translate(key, replacements) reads the extension language's file (falling back to the default
//   locale's), interpolates {{name}}, and with `count` picks the plural form of the buyer's
//   language (Intl.PluralRules categories: zero, one, two, few, many, other);
// - formatNumber / formatCurrency / formatDate behave like Intl.NumberFormat (decimal or currency
//   style) and Intl.DateTimeFormat in the buyer's locale, or the extension's with inExtensionLocale.
export type Translations = { [key: string]: string | Translations };

export interface LocaleFiles {
  /** The locale of the `.default.json` file, e.g. "en". */
  defaultLocale: string;
  files: Record<string, Translations>;
}

export function extensionLanguage(buyerLocale: string, locales: LocaleFiles): string {
  const available = Object.keys(locales.files);
  const exact = available.find((l) => l.toLowerCase() === buyerLocale.toLowerCase());
  if (exact) return exact;
  const base = buyerLocale.split("-")[0]?.toLowerCase();
  return available.find((l) => l.toLowerCase() === base) ?? locales.defaultLocale;
}

export function createI18n(
  buyerLocale: string,
  currency: string,
  locales: LocaleFiles,
  onError: (message: string) => void,
) {
  const language = extensionLanguage(buyerLocale, locales);
  const plural = new Intl.PluralRules(buyerLocale);

  function lookup(file: Translations | undefined, key: string): string | Translations | undefined {
    let node: string | Translations | undefined = file;
    for (const part of key.split(".")) {
      if (!node || typeof node === "string") return undefined;
      node = node[part];
    }
    return node;
  }

  function translate(key: string, options: Record<string, string | number> = {}): string {
    let entry = lookup(locales.files[language], key) ?? lookup(locales.files[locales.defaultLocale], key);
    if (entry !== undefined && typeof entry !== "string" && typeof options.count === "number") {
      entry = entry[plural.select(options.count)] ?? entry.other;
    }
    if (typeof entry !== "string") {
      onError(`Missing translation "${key}" in ${language}`);
      return key;
    }
    return entry.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, name: string) => {
      if (name in options) return String(options[name]);
      onError(`No value for {{${name}}} in "${key}"`);
      return placeholder;
    });
  }

  const locale = (options?: { inExtensionLocale?: boolean }) => (options?.inExtensionLocale ? language : buyerLocale);
  const strip = <T extends { inExtensionLocale?: boolean }>({ inExtensionLocale: _, ...rest }: T) => rest;

  return {
    language,
    i18n: {
      translate,
      formatNumber: (value: number | bigint, options: { inExtensionLocale?: boolean } & Intl.NumberFormatOptions = {}) =>
        new Intl.NumberFormat(locale(options), { ...strip(options), style: "decimal" }).format(value),
      formatCurrency: (value: number | bigint, options: { inExtensionLocale?: boolean } & Intl.NumberFormatOptions = {}) =>
        // The buyer's currency unless the extension names one.
        new Intl.NumberFormat(locale(options), { currency, ...strip(options), style: "currency" }).format(value),
      formatDate: (date: Date, options: { inExtensionLocale?: boolean } & Intl.DateTimeFormatOptions = {}) =>
        new Intl.DateTimeFormat(locale(options), strip(options)).format(date),
    },
  };
}
