// An incident's status as a badge, the same on the list and on the incident's page, in the
// merchant's words ("Needs approval", not "awaiting_approval").
import { Badge } from "@shopify/polaris";

import { statusLabel } from "../incidents/inbox";

const TONES: Record<string, "attention" | "warning" | "info" | "success" | "critical" | undefined> = {
  open: "attention",
  awaiting_approval: "warning",
  remediating: "info",
  needs_attention: "critical",
  resolved: "success",
};

export function IncidentStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status]}>{statusLabel(status)}</Badge>;
}
