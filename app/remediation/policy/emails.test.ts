import { describe, expect, it } from "vitest";

import { INCIDENT_KINDS } from "../../incidents/model";
import {
  CUSTOMER_MESSAGE_KINDS,
  DEFAULT_MESSAGE_TEMPLATES_ES,
  EMAIL_LANGUAGES,
  emailBodyTemplate,
  emailLanguage,
  escapeHtml,
  maskEmail,
  previewEmail,
  renderEmail,
} from "./emails";
import { describeRemedies, validateTemplate } from "./messages";

describe("the language of an e-mail", () => {
  it("is the customer's when we write in it, else the shop's, else English", () => {
    expect(emailLanguage("es-MX", "en")).toBe("es");
    expect(emailLanguage("fr-FR", "es")).toBe("es");
    expect(emailLanguage(null, "es-ES")).toBe("es");
    expect(emailLanguage("fr", "de")).toBe("en");
    expect(emailLanguage(undefined, null)).toBe("en");
    expect(emailLanguage("EN_gb")).toBe("en");
  });
});

describe("templates", () => {
  it("every kind in every language is a valid template that renders", () => {
    for (const language of EMAIL_LANGUAGES) {
      for (const incidentKind of INCIDENT_KINDS) {
        for (const kind of CUSTOMER_MESSAGE_KINDS) {
          const template = emailBodyTemplate({ kind, incidentKind, language, custom: null });
          expect(validateTemplate(template)).toBeNull();
          const email = renderEmail({ kind, language, template, values: { order_name: "#1001", remedy: "" }, shopName: "Casa Azul" });
          expect(email.subject).toContain("#1001");
          expect(email.subject).toContain("Casa Azul");
          expect(email.text).toContain("Casa Azul");
        }
      }
    }
    expect(Object.keys(DEFAULT_MESSAGE_TEMPLATES_ES).sort()).toEqual([...INCIDENT_KINDS].sort());
  });

  it("uses the merchant's text whatever the language, else the default in the customer's", () => {
    const custom = "Sorry about {{order_name}}.";
    expect(emailBodyTemplate({ kind: "apology", incidentKind: "damaged", language: "es", custom })).toBe(custom);
    expect(emailBodyTemplate({ kind: "late_notice", incidentKind: "late_delivery", language: "en", custom })).toBe(custom);
    expect(emailBodyTemplate({ kind: "approved", incidentKind: "damaged", language: "es", custom: null })).toContain("hemos aprobado");
  });

  it("escapes typed text in the HTML, and shows the code", () => {
    const email = renderEmail({
      kind: "apology",
      language: "en",
      template: "Hi {{customer_first_name}},\n\nUse {{code}}.",
      values: { customer_first_name: "<script>x</script>", order_name: "#1", remedy: "", code: "A&B" },
      shopName: "Tom & Jerry's",
    });
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("Hi &lt;script&gt;x&lt;/script&gt;,");
    expect(email.html).toContain("<strong style=\"font-family:monospace;font-size:1.1em\">A&amp;B</strong>");
    expect(email.html).toContain("Tom &amp; Jerry&#39;s");
    expect(email.text).toContain("Use A&B.");
    expect(escapeHtml(`"'<>&`)).toBe("&quot;&#39;&lt;&gt;&amp;");
  });
});

describe("Spanish remedies", () => {
  it("describes what the customer gets in Spanish", () => {
    expect(
      describeRemedies(
        [
          { type: "refund", lines: [{ lineItemId: "1", title: "Taza", quantity: 2, unitPrice: { amount: "6.00", currencyCode: "EUR" } }], includeShipping: true, amount: { amount: "17.00", currencyCode: "EUR" } },
          { type: "discount_code", value: { percentage: 10 }, expiresAt: "2026-12-31T00:00:00Z", estimatedCost: { amount: "0.00", currencyCode: "EUR" } },
        ],
        "es-ES",
      ),
    ).toBe("un reembolso de 17,00\u00a0€ por 2 × Taza y el envío y un código de descuento del 10\u00a0%");
  });
});

describe("the settings preview", () => {
  it("renders the default or the merchant's template, and reports a broken one", () => {
    const preview = previewEmail({ kind: "apology", incidentKind: "late_delivery", template: "", language: "es", shopName: "Casa Azul" });
    expect("problem" in preview).toBe(false);
    if (!("problem" in preview)) {
      expect(preview.subject).toBe("Sobre tu pedido #1001: lo sentimos · Casa Azul");
      expect(preview.text).toContain("SORRY-7Q2K");
    }
    expect(previewEmail({ kind: "apology", incidentKind: "damaged", template: "Hi {{name}}", language: "en", shopName: "x" })).toMatchObject({
      problem: expect.stringContaining("Unknown placeholder {{name}}"),
    });
  });
});

describe("masking", () => {
  it("keeps the first letter and the domain", () => {
    expect(maskEmail("ada@example.com")).toBe("a•••@example.com");
    expect(maskEmail("nonsense")).toBe("•••");
  });
});
