// The order status page block: the customer's reports on this order and the incidents Amends
// opened itself, each with where it stands and what the store did.
import "@shopify/ui-extensions/preact";
import { useSignal } from "@preact/signals";
import { render } from "preact";
import { useEffect } from "preact/hooks";

import { customerApi, orderNumericId, type LoadResult } from "./client";
import { retryText, translator } from "./text";
import { CaseCard } from "./ui/CaseCard";
import { Policy } from "./ui/Policy";

export default async () => {
  render(<StatusBlock />, document.body);
};

function StatusBlock() {
  const t = translator(shopify.i18n);
  const loaded = useSignal<LoadResult | null>(null);
  const orderGid = shopify.order.value?.id;

  useEffect(() => {
    const id = orderGid ? orderNumericId(orderGid) : null;
    if (!id) {
      loaded.value = { ok: false, reason: "not_found" };
      return;
    }
    void customerApi(process.env.APP_URL, shopify.sessionToken)
      .load(id)
      .then((result) => (loaded.value = result));
  }, [orderGid]);

  const result = loaded.value;
  // A block for an order Amends cannot show (not this customer's, or not known) stays out of the way.
  if (result && !result.ok && result.reason === "not_found") return null;

  return (
    <s-section heading={t("status.heading")}>
      {!result ? (
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-spinner accessibilityLabel={t("loading")} />
          <s-text>{t("loading")}</s-text>
        </s-stack>
      ) : !result.ok ? (
        <s-banner tone="warning">
          {result.reason === "rate_limited" ? retryText(t, result.retryAfterSeconds) : t("errors.unavailable")}
        </s-banner>
      ) : (
        <s-stack gap="base">
          {result.data.reports.length + result.data.incidents.length === 0 ? (
            <s-paragraph>{t("status.empty")}</s-paragraph>
          ) : null}
          {result.data.reports.length > 0 ? (
            <s-stack gap="small-300">
              <s-heading>{t("status.your_reports")}</s-heading>
              {result.data.reports.map((item) => (
                <CaseCard key={item.id} t={t} i18n={shopify.i18n} item={item} opener="customer" onCopied={copied} />
              ))}
            </s-stack>
          ) : null}
          {result.data.incidents.length > 0 ? (
            <s-stack gap="small-300">
              <s-heading>{t("status.store_noticed")}</s-heading>
              {result.data.incidents.map((item) => (
                <CaseCard key={item.id} t={t} i18n={shopify.i18n} item={item} opener="store" onCopied={copied} />
              ))}
            </s-stack>
          ) : null}
          <Policy t={t} text={result.data.policyText} />
        </s-stack>
      )}
    </s-section>
  );

  function copied() {
    void shopify.toast.show(t("remedy.copied"));
  }
}
