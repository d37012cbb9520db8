// The store's resolution policy: what customers can expect when something goes wrong with an
// order (who answers, how fast, which remedies), in the merchant's words, shown on the order
// page before and after a customer reports a problem. Until the merchant writes one, customers
// read a default in the shop's language.
import { z } from "zod";

export const RESOLUTION_POLICY_MAX_LENGTH = 2000;

/** The settings page's field (the page and the model both name it). */
export const RESOLUTION_POLICY_FIELD = "customers.resolutionPolicy";

/** Defaults per language (the shop's primary locale, "es-MX" → "es"); English otherwise. They
 * promise nothing a store might not do: an answer within the store's response time. */
export const DEFAULT_RESOLUTION_POLICY: Readonly<Record<"en" | "es", string>> = {
  en:
    "If something is wrong with your order, tell us here. Our team reads every report and answers within one business day.\n\n" +
    "Depending on what happened, we send a replacement, refund the affected items or offer a discount on your next order. You'll see our answer on this page.",
  es:
    "Si algo no está bien con tu pedido, cuéntanoslo aquí. Nuestro equipo lee cada reporte y responde en un día hábil.\n\n" +
    "Según lo ocurrido, enviamos un reemplazo, reembolsamos los artículos afectados u ofrecemos un descuento en tu próximo pedido. Verás nuestra respuesta en esta página.",
};

/** The settings field: trimmed; empty means "use the default". */
export const resolutionPolicySchema = z
  .string()
  .trim()
  .max(RESOLUTION_POLICY_MAX_LENGTH, `Keep it under ${RESOLUTION_POLICY_MAX_LENGTH} characters`)
  .transform((text) => text || null);

export function defaultResolutionPolicy(locale: string | null | undefined): string {
  const language = (locale ?? "").toLowerCase().split(/[-_]/)[0];
  return language === "es" ? DEFAULT_RESOLUTION_POLICY.es : DEFAULT_RESOLUTION_POLICY.en;
}

/** What customers read: the merchant's text, or the default in the shop's language. */
export function resolutionPolicyText(stored: string | null | undefined, locale: string | null | undefined): string {
  return stored?.trim() ? stored.trim() : defaultResolutionPolicy(locale);
}
