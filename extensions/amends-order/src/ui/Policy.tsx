// The store's resolution policy, in the merchant's words: shown with the form, after reporting
// and under the list of problems, so the customer knows what to expect before and after.
import type { Translate } from "../text";

export function Policy({ t, text }: { t: Translate; text: string | null }) {
  if (!text) return null;
  return (
    <s-stack gap="small-200">
      <s-heading>{t("policy.heading")}</s-heading>
      {text.split(/\n{2,}/).map((paragraph, index) => (
        <s-paragraph key={index}>{paragraph}</s-paragraph>
      ))}
    </s-stack>
  );
}
