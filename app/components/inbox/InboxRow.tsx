// One incident in the inbox: a row of columns on a wide screen, a stacked summary on a phone.
import { Link } from "@remix-run/react";
import { Badge, BlockStack, IndexTable, InlineStack, Text } from "@shopify/polaris";

import type { PartyChoice } from "../../incidents/inbox";
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
  /** The shop's responsible parties: the row names the incident's by its name on that list. */
  parties: readonly PartyChoice[];
  clock: ShopClock;
  /** The server's "now", so the page and its first render agree on what is overdue. */
  now: Date;
}

/** At phone width: one column, the incident's summary stacked in it. */
export const PHONE_HEADINGS = [{ title: "Incident" }] as [{ title: string }];

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

export function InboxRow({ incident, position, selected, condensed, parties, clock, now }: RowProps) {
  const party = partyLabel(parties, incident.responsibleParty);
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
    // One cell, wrapping: Polaris's condensed list has no checkboxes, and bulk actions must
    // work on a phone too, so the phone keeps the table (with its checkboxes) in one column.
    return (
      <IndexTable.Row id={incident.id} position={position} selected={selected}>
        <IndexTable.Cell>
          <div style={{ whiteSpace: "normal", minWidth: 0, paddingBlock: "var(--p-space-100)" }}>
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
                {channelLabel(incident.source)} · {party} · Owner: {incident.owner ?? "nobody yet"}
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
        </IndexTable.Cell>
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
      <IndexTable.Cell>{party}</IndexTable.Cell>
      <IndexTable.Cell>{owner}</IndexTable.Cell>
      <IndexTable.Cell>{respondBy}</IndexTable.Cell>
      <IndexTable.Cell>{formatShopTime(incident.createdAt, clock)}</IndexTable.Cell>
    </IndexTable.Row>
  );
}
