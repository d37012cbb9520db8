// The outcome of an action as a toast: App Bridge's own toast inside Shopify admin; in demo mode
// (no App Bridge) a toast of the same shape, announced to screen readers.
import { Box, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";

interface AppBridgeToast {
  toast?: { show: (message: string, options?: { isError?: boolean; duration?: number }) => void };
}

export function ResultToast({ message, error, stamp }: { message: string | null; error: boolean; stamp: unknown }) {
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (!message) return;
    const bridge = (window as unknown as { shopify?: AppBridgeToast }).shopify;
    if (bridge?.toast) {
      bridge.toast.show(message, { isError: error, duration: 5000 });
      return;
    }
    setShown(message);
    const timer = setTimeout(() => setShown(null), 6000);
    return () => clearTimeout(timer);
  }, [message, error, stamp]);
  if (!shown) return null;
  return (
    <div role="status" aria-live="polite" data-testid="toast" style={{ position: "fixed", insetBlockEnd: 24, insetInline: 0, display: "flex", justifyContent: "center", zIndex: 600, pointerEvents: "none" }}>
      <Box background={error ? "bg-fill-critical" : "bg-fill-inverse"} padding="300" borderRadius="200" shadow="400">
        <Text as="p" tone="text-inverse">
          {shown}
        </Text>
      </Box>
    </div>
  );
}
