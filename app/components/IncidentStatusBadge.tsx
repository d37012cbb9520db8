// An incident's status as a badge, the same on the list and on the incident's page.
import { Badge } from "@shopify/polaris";

const TONES: Record<string, "attention" | "warning" | "info" | "success" | undefined> = {
  open: "attention",
  awaiting_approval: "warning",
  remediating: "info",
  resolved: "success",
};

export function IncidentStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status]}>{status.replaceAll("_", " ")}</Badge>;
}
