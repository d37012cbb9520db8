// An incident's status as a badge, the same on the list and on the incident's page, in the
// merchant's words.
import { Badge } from "@shopify/polaris";

const BADGES: Record<string, { label: string; tone?: "attention" | "warning" | "info" | "success" | "critical" }> = {
  open: { label: "Open", tone: "attention" },
  awaiting_approval: { label: "Awaiting your approval", tone: "warning" },
  remediating: { label: "Remedy in progress", tone: "info" },
  needs_attention: { label: "Needs your attention", tone: "critical" },
  resolved: { label: "Resolved", tone: "success" },
  dismissed: { label: "Dismissed" },
};

export function IncidentStatusBadge({ status }: { status: string }) {
  const badge = BADGES[status] ?? { label: status.replaceAll("_", " ") };
  return <Badge {...(badge.tone ? { tone: badge.tone } : {})}>{badge.label}</Badge>;
}
