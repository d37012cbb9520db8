import { BlockStack, Text } from "@shopify/polaris";
import { useState } from "react";

import type { previewEmail } from "../../remediation/policy/emails";

/** An e-mail as the customer gets it, with sample values, as the merchant types. Rendered only
 * once opened: frames loading with the page would slow it for nothing. */
export function EmailPreview({ render }: { render: () => ReturnType<typeof previewEmail> }) {
  const [open, setOpen] = useState(false);
  const preview = open ? render() : null;
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Preview the e-mail</summary>
      {preview && "problem" in preview ? (
        <Text as="p" tone="critical">
          {preview.problem}
        </Text>
      ) : preview ? (
        <BlockStack gap="100">
          <Text as="p" variant="bodySm" tone="subdued">
            Subject: {preview.subject}
          </Text>
          <iframe
            title="E-mail preview"
            sandbox=""
            srcDoc={preview.html}
            style={{ width: "100%", height: "20rem", border: "1px solid #e1e3e5", borderRadius: 4 }}
          />
        </BlockStack>
      ) : null}
    </details>
  );
}
