// One report or incident as the customer sees it: what, when, where it stands, what the store
// did (refund, replacement, discount code to copy) and the store's message.
import type { I18n } from "@shopify/ui-extensions/customer-account";

import type { CustomerCase } from "../api-contract";
import { formatDate, formatMoney, kindTitle, type Translate } from "../text";

const BADGE_TONE = { received: "neutral", reviewing: "neutral", resolved: "auto" } as const;

interface Props {
  t: Translate;
  i18n: I18n;
  item: CustomerCase;
  opener: "customer" | "store";
  onCopied: () => void;
}

export function CaseCard({ t, i18n, item, opener, onCopied }: Props) {
  const remedy = item.remedy;
  const codeId = `amends-code-${item.id}`;
  return (
    <s-stack gap="small-200">
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-text type="strong">{kindTitle(t, item.kind)}</s-text>
        <s-badge tone={BADGE_TONE[item.status]}>{t(`status.${item.status}`)}</s-badge>
      </s-stack>
      <s-text color="subdued">
        {t(opener === "customer" ? "case.reported_on" : "case.noticed_on", { date: formatDate(i18n, item.createdAt) })}
      </s-text>
      {item.status !== "resolved" && item.respondBy ? (
        <s-text>{t("case.respond_by", { date: formatDate(i18n, item.respondBy, true) })}</s-text>
      ) : null}
      {remedy?.refund ? <s-text>{t("remedy.refund", { amount: formatMoney(i18n, remedy.refund) })}</s-text> : null}
      {remedy?.replacementOrderName ? (
        <s-text>{t("remedy.replacement", { name: remedy.replacementOrderName })}</s-text>
      ) : null}
      {remedy?.discount ? (
        <s-stack gap="small-100">
          <s-text>{t("remedy.discount", { code: remedy.discount.code })}</s-text>
          <s-text color="subdued">
            {remedy.discount.endsAt
              ? t("remedy.discount_ends", { date: formatDate(i18n, remedy.discount.endsAt, true) })
              : t("remedy.discount_no_end")}
          </s-text>
          {/* Shopify's copy pattern: a clipboard item, and a button whose command copies it. */}
          <s-clipboard-item id={codeId} text={remedy.discount.code} onCopy={onCopied} />
          <s-button variant="secondary" command="--copy" commandFor={codeId}>
            {t("remedy.copy")}
          </s-button>
        </s-stack>
      ) : null}
      {item.message ? (
        <s-stack gap="small-100">
          <s-text type="strong">{t("case.message")}</s-text>
          <s-paragraph>{item.message}</s-paragraph>
        </s-stack>
      ) : null}
    </s-stack>
  );
}
