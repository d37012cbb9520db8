// The e-mails a customer receives, per kind and language: subject, plain text and HTML, with the
// shop's name. Pure: the outbox (app/models/outbox.server.ts) renders them when it stores a
// message, and the settings page renders the same thing as a preview.
//
// Bodies are message templates (messages.ts syntax). The apology and the late-parcel notice
// use the merchant's template for the incident kind when there is one (written in the store's
// own words, it is used whatever the customer's language), else the default in the customer's
// language.
import type { IncidentKind } from "../../incidents/model";
import { DEFAULT_MESSAGE_TEMPLATES, PLACEHOLDERS, renderMessage, validateTemplate } from "./messages";
import type { MessageValues } from "./messages";

/** The help under every e-mail text the merchant may write (settings: messages, each kind). */
export const PLACEHOLDER_HELP = [
  "Leave empty to send the default message shown.",
  `Placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}.`,
  "Text between {{#code}} and {{/code}} is sent only when there is a code; the same works for every placeholder.",
].join(" ");

export const CUSTOMER_MESSAGE_KINDS = [
  "report_received",
  "apology",
  "approved",
  "resolved",
  "late_notice",
] as const;
export type CustomerMessageKind = (typeof CUSTOMER_MESSAGE_KINDS)[number];

export const EMAIL_LANGUAGES = ["en", "es"] as const;
export type EmailLanguage = (typeof EMAIL_LANGUAGES)[number];

/** The first of the candidates (the customer's locale, then the shop's) whose language we
 * write in, else English. */
export function emailLanguage(...locales: (string | null | undefined)[]): EmailLanguage {
  for (const locale of locales) {
    const language = locale?.trim().toLowerCase().split(/[-_]/)[0];
    const known = EMAIL_LANGUAGES.find((l) => l === language);
    if (known) return known;
  }
  return "en";
}

const OFFER_ES = "{{#remedy}} Para compensarlo, hemos preparado {{remedy}}.{{/remedy}}";
const CODE_ES =
  "{{#code}} Tu código es {{code}}{{#expiry}}, válido hasta el {{expiry}}{{/expiry}}.{{/code}}";
const SIGN_OFF_ES = "\n\nGracias por tu paciencia,\nEl equipo";
const HI_ES = "Hola, {{customer_first_name}}:\n\n";

/** The apology defaults in Spanish, kind by kind, as DEFAULT_MESSAGE_TEMPLATES in English. */
export const DEFAULT_MESSAGE_TEMPLATES_ES: Readonly<Record<IncidentKind, string>> = {
  stock_out_cancellation: `${HI_ES}Lo sentimos: parte de tu pedido {{order_name}} se agotó antes de que pudiéramos enviarlo.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  oversell_risk: `${HI_ES}Un aviso sobre tu pedido {{order_name}}: uno de los artículos puede tardar más de lo previsto. Te mantendremos informado.${OFFER_ES}${SIGN_OFF_ES}`,
  late_fulfilment: `${HI_ES}Sentimos que tu pedido {{order_name}} aún no se haya enviado. Es nuestra prioridad y te mandaremos el seguimiento en cuanto salga.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  late_delivery: `${HI_ES}Sentimos que tu pedido {{order_name}} esté tardando más de lo previsto en llegar.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  possibly_lost: `${HI_ES}El seguimiento de tu pedido {{order_name}} lleva un tiempo sin actualizarse. Lo estamos consultando con el transportista y te contaremos lo que sepamos.${OFFER_ES}${SIGN_OFF_ES}`,
  carrier_exception: `${HI_ES}El transportista informó de un problema al entregar tu pedido {{order_name}}. Ya nos estamos ocupando y te mantendremos informado.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  wrong_item: `${HI_ES}Sentimos haberte enviado un artículo equivocado en tu pedido {{order_name}}.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  wrong_quantity: `${HI_ES}Sentimos que tu pedido {{order_name}} llegara con una cantidad equivocada.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  missing_item: `${HI_ES}Sentimos que faltara un artículo en tu pedido {{order_name}}.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  damaged: `${HI_ES}Sentimos que parte de tu pedido {{order_name}} llegara dañada.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  lost: `${HI_ES}Sentimos que tu pedido {{order_name}} se perdiera de camino.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
  wrong_address: `${HI_ES}No pudimos entregar tu pedido {{order_name}} en la dirección que tenemos. Responde con la dirección correcta y lo solucionamos.${OFFER_ES}${SIGN_OFF_ES}`,
  other: `${HI_ES}Gracias por contarnos el problema con tu pedido {{order_name}}.${OFFER_ES}${CODE_ES}${SIGN_OFF_ES}`,
};

const DEFAULT_APOLOGIES: Record<EmailLanguage, Readonly<Record<IncidentKind, string>>> = {
  en: DEFAULT_MESSAGE_TEMPLATES,
  es: DEFAULT_MESSAGE_TEMPLATES_ES,
};

/** The messages whose text is the same for every kind of incident (settings: policy.messages). */
export const SHOP_WIDE_MESSAGE_KINDS = ["report_received", "approved", "resolved"] as const;
type OtherKind = (typeof SHOP_WIDE_MESSAGE_KINDS)[number];

/** The messages that do not depend on the incident kind. */
const DEFAULT_BODIES: Record<EmailLanguage, Record<OtherKind, string>> = {
  en: {
    report_received:
      "Hi {{customer_first_name}},\n\nWe've received your report about your order {{order_name}} and we're looking into it. We'll write to you again as soon as it's sorted.\n\nThank you,\nThe team",
    approved:
      "Hi {{customer_first_name}},\n\nGood news about your order {{order_name}}: we've approved your request.{{#remedy}} We're arranging {{remedy}}.{{/remedy}} We'll let you know when it's done.\n\nThank you for your patience,\nThe team",
    resolved:
      "Hi {{customer_first_name}},\n\nThe problem with your order {{order_name}} is resolved.{{#remedy}} We've arranged {{remedy}}.{{/remedy}}{{#code}} Your code is {{code}}{{#expiry}}, valid until {{expiry}}{{/expiry}}.{{/code}}\n\nThank you for your patience,\nThe team",
  },
  es: {
    report_received: `${HI_ES}Hemos recibido tu aviso sobre tu pedido {{order_name}} y ya lo estamos revisando. Te escribiremos de nuevo en cuanto esté resuelto.\n\nGracias,\nEl equipo`,
    approved: `${HI_ES}Buenas noticias sobre tu pedido {{order_name}}: hemos aprobado tu solicitud.{{#remedy}} Estamos preparando {{remedy}}.{{/remedy}} Te avisaremos cuando esté hecho.${SIGN_OFF_ES}`,
    resolved: `${HI_ES}El problema con tu pedido {{order_name}} está resuelto.{{#remedy}} Hemos preparado {{remedy}}.{{/remedy}}${CODE_ES}${SIGN_OFF_ES}`,
  },
};

const SUBJECTS: Record<EmailLanguage, Record<CustomerMessageKind, string>> = {
  en: {
    report_received: "We received your report about order {order}",
    apology: "About your order {order}: we're sorry",
    approved: "Your request about order {order} is approved",
    resolved: "Your order {order}: resolved",
    late_notice: "An update on your order {order}",
  },
  es: {
    report_received: "Hemos recibido tu aviso sobre el pedido {order}",
    apology: "Sobre tu pedido {order}: lo sentimos",
    approved: "Tu solicitud sobre el pedido {order} está aprobada",
    resolved: "Tu pedido {order}: resuelto",
    late_notice: "Novedades sobre tu pedido {order}",
  },
};

const FOOTER: Record<EmailLanguage, string> = {
  en: "You are receiving this e-mail about your order {order} at {shop}.",
  es: "Recibes este correo por tu pedido {order} en {shop}.",
};

/** The template a message of this kind uses, before values are filled in. */
export function emailBodyTemplate(args: {
  kind: CustomerMessageKind;
  incidentKind: IncidentKind;
  language: EmailLanguage;
  /** The merchant's template (settings): the incident kind's apology for an apology or late
   * notice, the shop-wide text for the others. */
  custom: string | null | undefined;
}): string {
  if (args.custom) return args.custom;
  if (args.kind === "apology" || args.kind === "late_notice") {
    return DEFAULT_APOLOGIES[args.language][args.incidentKind];
  }
  return DEFAULT_BODIES[args.language][args.kind];
}

/** The default text of a shop-wide message, for the settings field's placeholder. */
export function defaultShopWideTemplate(kind: OtherKind, language: EmailLanguage): string {
  return DEFAULT_BODIES[language][kind];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Subject, text and HTML. Throws TemplateError when the template is unusable (see
 * renderMessage): the caller falls back to the default. */
export function renderEmail(args: {
  kind: CustomerMessageKind;
  language: EmailLanguage;
  template: string;
  values: MessageValues;
  shopName: string;
}): RenderedEmail {
  const fill = (line: string) =>
    line.replaceAll("{order}", args.values.order_name).replaceAll("{shop}", args.shopName);
  const body = renderMessage(args.template, args.values).trim();
  const subject = `${fill(SUBJECTS[args.language][args.kind])} · ${args.shopName}`;
  const footer = fill(FOOTER[args.language]);
  const text = `${body}\n\n--\n${args.shopName}\n${footer}\n`;
  return { subject, text, html: emailHtml(body, args.shopName, footer, args.values.code ?? null, args.language) };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Customer and merchant text goes into the HTML escaped: a name like "<b>" stays text. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function emailHtml(body: string, shopName: string, footer: string, code: string | null, language: EmailLanguage): string {
  const codeHtml = code ? escapeHtml(code) : null;
  const paragraphs = body
    .split(/\n{2,}/)
    .map((paragraph) => {
      let html = escapeHtml(paragraph).replaceAll("\n", "<br>");
      // The code stands out, so the customer finds it at a glance.
      if (codeHtml) html = html.replaceAll(codeHtml, `<strong style="font-family:monospace;font-size:1.1em">${codeHtml}</strong>`);
      return `<p style="margin:0 0 16px">${html}</p>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><title>${escapeHtml(shopName)}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#202223">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 24px">${escapeHtml(shopName)}</h1>
${paragraphs}
<p style="margin:24px 0 0;font-size:12px;color:#6d7175">${escapeHtml(footer)}</p>
</div>
</body>
</html>
`;
}

/** "c•••@example.com": enough for the merchant to recognise the address, not to copy it. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${address[0]}•••${address.slice(at)}`;
}

export const MESSAGE_KIND_LABELS: Readonly<Record<CustomerMessageKind, string>> = {
  report_received: "the confirmation that we received the report",
  apology: "the apology",
  approved: "the approval",
  resolved: "the resolution",
  late_notice: "the update about the late parcel",
};

const SAMPLE: Record<EmailLanguage, MessageValues> = {
  en: { customer_first_name: "Ada", order_name: "#1001", remedy: "a 10% discount code", code: "SORRY-7Q2K", expiry: "December 31, 2026" },
  es: { customer_first_name: "Ada", order_name: "#1001", remedy: "un código de descuento del 10 %", code: "SORRY-7Q2K", expiry: "31 de diciembre de 2026" },
};

/** An e-mail as a customer would get it, with sample values, for the settings page. */
export function previewEmail(args: {
  kind: CustomerMessageKind;
  incidentKind: IncidentKind;
  /** The template being edited; empty for the default. */
  template: string;
  language: EmailLanguage;
  shopName: string;
}): RenderedEmail | { problem: string } {
  const custom = args.template.replace(/\r\n?/g, "\n").trim() || null;
  const problem = custom === null ? null : validateTemplate(custom);
  if (problem) return { problem };
  return renderEmail({
    kind: args.kind,
    language: args.language,
    template: emailBodyTemplate({ kind: args.kind, incidentKind: args.incidentKind, language: args.language, custom }),
    values: SAMPLE[args.language],
    shopName: args.shopName,
  });
}
