// The "Report a problem" form (customer-account.order.action.render, a single-step modal): what
// happened, which items and how many (only what was bought), the customer's words; then a
// confirmation of what happens next and by when. The store's policy is shown before and after.
//
// Photos: customer-account extensions have `s-drop-zone` (2025-10+), but a dropped file would
// have to be uploaded to the app and stored for the merchant, and the app has no file storage
// yet. The contract reserves `photos`; the form leaves them out rather than pretend to attach them.
import "@shopify/ui-extensions/preact";
import { useSignal } from "@preact/signals";
import { render } from "preact";
import { useEffect } from "preact/hooks";

import { MESSAGE_MAX_LENGTH, REPORT_KINDS, type ReportCreatedResponse, type ReportRequest } from "./api-contract";
import { customerApi, orderNumericId, type LoadResult } from "./client";
import { errorText, formatDate, kindTitle, retryText, translator } from "./text";
import { Policy } from "./ui/Policy";
import { checkDraft, formErrorsFromServer } from "./validate";

export default async () => {
  render(<ReportAction />, document.body);
};

function ReportAction() {
  const t = translator(shopify.i18n);
  const orderId = orderNumericId(shopify.orderId);
  const api = customerApi(process.env.APP_URL, shopify.sessionToken);

  const loaded = useSignal<LoadResult | null>(null);
  const kind = useSignal("");
  const quantities = useSignal<Record<string, number>>({});
  const message = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  const notice = useSignal<string | null>(null);
  const sending = useSignal(false);
  const sent = useSignal<ReportCreatedResponse | null>(null);

  useEffect(() => {
    if (!orderId) {
      loaded.value = { ok: false, reason: "not_found" };
      return;
    }
    void api.load(orderId).then((result) => (loaded.value = result));
  }, [orderId]);

  const result = loaded.value;
  const heading = t("action.heading");

  if (!result) {
    return (
      <s-customer-account-action heading={heading}>
        <s-spinner accessibilityLabel={t("loading")} />
      </s-customer-account-action>
    );
  }
  if (!result.ok) {
    return (
      <s-customer-account-action heading={heading}>
        <s-banner tone="critical">
          {result.reason === "not_found"
            ? t("errors.not_found")
            : result.reason === "rate_limited"
              ? retryText(t, result.retryAfterSeconds)
              : t("errors.unavailable")}
        </s-banner>
        <s-button slot="primary-action" onClick={() => shopify.close()}>
          {t("action.close")}
        </s-button>
      </s-customer-account-action>
    );
  }

  const { order, policyText } = result.data;
  const done = sent.value;
  if (done) {
    return (
      <s-customer-account-action heading={t("done.heading")}>
        <s-stack gap="base">
          <s-paragraph>{t("done.received", { kind: kindTitle(t, done.report.kind), order: order.name })}</s-paragraph>
          <s-paragraph>
            {done.respondBy
              ? t("done.next_by", { date: formatDate(shopify.i18n, done.respondBy, true) })
              : t("done.next")}
          </s-paragraph>
          <s-paragraph>{t("done.follow")}</s-paragraph>
          <Policy t={t} text={policyText} />
        </s-stack>
        <s-button slot="primary-action" onClick={() => shopify.close()}>
          {t("action.close")}
        </s-button>
      </s-customer-account-action>
    );
  }

  async function submit() {
    notice.value = null;
    const checked = checkDraft({ kind: kind.value, quantities: quantities.value, message: message.value }, order.lines);
    errors.value = checked.errors;
    if (!checked.request || !orderId) return;
    const request: ReportRequest = checked.request;
    sending.value = true;
    const answer = await api.report(orderId, request);
    sending.value = false;
    if (answer.ok) sent.value = answer.data;
    else if (answer.reason === "invalid") errors.value = formErrorsFromServer(answer.errors, request);
    else if (answer.reason === "rate_limited") notice.value = retryText(t, answer.retryAfterSeconds);
    else notice.value = t(answer.reason === "not_found" ? "errors.not_found" : "errors.unavailable");
  }

  const fieldError = (field: string, max?: number) => {
    const code = errors.value[field];
    return code ? errorText(t, code, max) : undefined;
  };

  return (
    <s-customer-account-action heading={heading}>
      <s-stack gap="base">
        <s-paragraph>{t("action.intro", { order: order.name })}</s-paragraph>
        {notice.value ? <s-banner tone="critical">{notice.value}</s-banner> : null}
        <s-select
          label={t("form.kind")}
          placeholder={t("form.kind_placeholder")}
          value={kind.value}
          error={fieldError("kind")}
          onChange={(event) => (kind.value = fieldValue(event))}
        >
          {REPORT_KINDS.map((value) => (
            <s-option key={value} value={value}>
              {kindTitle(t, value)}
            </s-option>
          ))}
        </s-select>
        <s-stack gap="small-200">
          <s-text type="strong">{t("form.items")}</s-text>
          <s-text color="subdued">{t("form.items_help")}</s-text>
          {fieldError("lines") ? <s-text tone="critical">{fieldError("lines")}</s-text> : null}
          {order.lines.map((line) => (
            <s-number-field
              key={line.lineItemId}
              label={t("form.line", {
                item: line.variantTitle ? `${line.title} (${line.variantTitle})` : line.title,
                count: line.quantity,
              })}
              min={0}
              max={line.quantity}
              step={1}
              value={String(quantities.value[line.lineItemId] ?? 0)}
              error={fieldError(`line:${line.lineItemId}`, line.quantity)}
              onChange={(event) => {
                const typed = fieldValue(event);
                quantities.value = { ...quantities.value, [line.lineItemId]: typed === "" ? 0 : Number(typed) };
              }}
            />
          ))}
        </s-stack>
        <s-text-area
          label={t("form.message")}
          rows={4}
          maxLength={MESSAGE_MAX_LENGTH}
          value={message.value}
          error={fieldError("message")}
          onInput={(event) => (message.value = fieldValue(event))}
        />
        <Policy t={t} text={policyText} />
      </s-stack>
      <s-button slot="primary-action" loading={sending.value} onClick={() => void submit()}>
        {t("form.send")}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        {t("action.cancel")}
      </s-button>
    </s-customer-account-action>
  );
}

/** A field's value from its change or input event (the element carries it, as an input does). */
function fieldValue(event: Event): string {
  return (event.currentTarget as { value?: string } | null)?.value ?? "";
}
