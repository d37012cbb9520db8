// One incident in the inbox: a row of columns on a wide screen, a stacked summary on a phone.
import { Link } from "@remix-run/react";
import { Badge, BlockStack, IndexTable, InlineStack, Text } from "@shopify/polaris";

import { awaitsResponse, channelLabel, partyLabel } from "../../incidents/inbox";
import { kindTitle } from "../../remediation/policy";
import { IncidentStatusBadge } from "../IncidentStatusBadge";
import type { ShopClock } from "../shop-time";
import { formatShopTime } from "../shop-time";

/** An inbox row as the page receives it (Remix's single fetch keeps dates as dates). */
export interface InboxRowView {
  id: string;
  kind: string;
  status: string;
  orderName: string;
  customerName: string | null;
  customerEmail: string | null;
  responsibleParty: string;
  owner: string | null;
  responseDeadline: Date;
  source: string;
  escalatedAt: Date | null;
  createdAt: Date;
}

interface RowProps {
  incident: InboxRowView;
  position: number;
  selected: boolean;
  condensed: boolean;
  clock: ShopClock;
  /** The server's "now", so the page and its first render agree on what is overdue. */
  now: Date;
}

export const INBOX_HEADINGS = [
  { title: "Order" },
  { title: "Customer" },
  { title: "Incident" },
  { title: "Status" },
  { title: "Responsible" },
  { title: "Owner" },
  { title: "Respond by" },
  { title: "Created" },
] as [{ title: string }, ...{ title: string }[]];

export function InboxRow({ incident, position, selected, condensed, clock, now }: RowProps) {
  // "Respond by" means something only while the customer still waits for an answer.
  const waiting = awaitsResponse(incident.status);
  const overdue = waiting && incident.responseDeadline.getTime() < now.getTime();
  const order = (
    <Link to={`/app/incidents/${incident.id}`} onClick={(event) => event.stopPropagation()}>
      <Text as="span" fontWeight="semibold">
        {incident.orderName}
      </Text>
    </Link>
  );
  const escalated = incident.escalatedAt ? <Badge tone="critical">Escalated</Badge> : null;
  const respondBy = waiting ? (
    <InlineStack gap="100" blockAlign="center" wrap>
      {overdue ? <Badge tone="critical">Overdue</Badge> : null}
      <Text as="span" tone={overdue ? "critical" : undefined}>
        {formatShopTime(incident.responseDeadline, clock)}
      </Text>
    </InlineStack>
  ) : (
    <Text as="span" tone="subdued">
      —
    </Text>
  );
  const owner = incident.owner ? (
    <Text as="span">{incident.owner}</Text>
  ) : (
    <Text as="span" tone="subdued">
      Nobody yet
    </Text>
  );

  if (condensed) {
    return (
      <IndexTable.Row id={incident.id} position={position} selected={selected}>
        <div style={{ padding: "var(--p-space-300) var(--p-space-400)", minWidth: 0 }}>
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center" wrap>
              {order}
              <IncidentStatusBadge status={incident.status} />
              {escalated}
            </InlineStack>
            <Text as="p" breakWord>
              {kindTitle(incident.kind)} · {incident.customerName ?? incident.customerEmail ?? "Customer not known"}
            </Text>
            <Text as="p" tone="subdued" breakWord>
              {channelLabel(incident.source)} · {partyLabel(incident.responsibleParty)} · Owner: {incident.owner ?? "nobody yet"}
            </Text>
            {waiting ? (
              <InlineStack gap="100" blockAlign="center" wrap>
                <Text as="span" tone="subdued">
                  Respond by
                </Text>
                {respondBy}
              </InlineStack>
            ) : null}
          </BlockStack>
        </div>
      </IndexTable.Row>
    );
  }

  return (
    <IndexTable.Row id={incident.id} position={position} selected={selected}>
      <IndexTable.Cell>
        <BlockStack gap="100" inlineAlign="start">
          {order}
          {escalated}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack>
          <Text as="span">{incident.customerName ?? "—"}</Text>
          {incident.customerEmail ? (
            <Text as="span" tone="subdued" variant="bodySm">
              {incident.customerEmail}
            </Text>
          ) : null}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack>
          <Text as="span">{kindTitle(incident.kind)}</Text>
          <Text as="span" tone="subdued" variant="bodySm">
            {channelLabel(incident.source)}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <IncidentStatusBadge status={incident.status} />
      </IndexTable.Cell>
      <IndexTable.Cell>{partyLabel(incident.responsibleParty)}</IndexTable.Cell>
      <IndexTable.Cell>{owner}</IndexTable.Cell>
      <IndexTable.Cell>{respondBy}</IndexTable.Cell>
      <IndexTable.Cell>{formatShopTime(incident.createdAt, clock)}</IndexTable.Cell>
    </IndexTable.Row>
  );
}
