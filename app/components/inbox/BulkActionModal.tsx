// Confirms a bulk action and asks for what it needs (a reason, an owner, a root cause) before
// anything is sent: approving moves money, so it is never one click away.
import { Modal, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

import { ROOT_CAUSE_LABELS } from "../../incidents/inbox";
import { ROOT_CAUSES } from "../../incidents/model";

export type BulkIntent = "approve" | "dismiss" | "assign_owner" | "set_root_cause";

const TITLES: Record<BulkIntent, (count: string) => string> = {
  approve: (count) => `Approve the remedy for ${count}?`,
  dismiss: (count) => `Dismiss ${count}?`,
  assign_owner: (count) => `Assign ${count}`,
  set_root_cause: (count) => `Set the root cause of ${count}`,
};

const CONFIRM: Record<BulkIntent, string> = {
  approve: "Approve",
  dismiss: "Dismiss",
  assign_owner: "Assign",
  set_root_cause: "Save",
};

interface Props {
  intent: BulkIntent;
  count: number;
  /** The shop's staff members' names: the owners to choose from. */
  staff: readonly string[];
  submitting: boolean;
  onClose: () => void;
  onConfirm: (fields: Record<string, string>) => void;
}

export function BulkActionModal({ intent, count, staff, submitting, onClose, onConfirm }: Props) {
  const [reason, setReason] = useState("");
  const [owner, setOwner] = useState("");
  const [rootCause, setRootCause] = useState("");
  const incidents = count === 1 ? "1 incident" : `${count} incidents`;
  const tooShort = intent === "dismiss" && reason.trim().length < 3;
  const fields: Record<BulkIntent, Record<string, string>> = {
    approve: {},
    dismiss: { reason },
    assign_owner: { owner },
    set_root_cause: { rootCause },
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={TITLES[intent](incidents)}
      primaryAction={{
        content: CONFIRM[intent],
        destructive: intent === "dismiss",
        disabled: tooShort,
        loading: submitting,
        onAction: () => onConfirm(fields[intent]),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        {intent === "approve" ? (
          <Text as="p">
            Amends carries out each incident&apos;s proposed remedy on Shopify (refunds, replacements, discount codes and the customer&apos;s
            message), as its page shows it. Each one is done once, however often it is approved.
          </Text>
        ) : null}
        {intent === "dismiss" ? (
          <TextField
            label="Reason to dismiss"
            helpText="Kept on each incident and its timeline. Incidents with a remedy under way are not dismissed."
            value={reason}
            onChange={setReason}
            autoComplete="off"
            multiline={2}
            maxLength={500}
          />
        ) : null}
        {intent === "assign_owner" ? (
          <Select
            label="Owner"
            helpText="Your staff members who have opened Amends. Nobody: unassigns them."
            options={[{ label: "Nobody", value: "" }, ...staff.map((name) => ({ label: name, value: name }))]}
            value={owner}
            onChange={setOwner}
          />
        ) : null}
        {intent === "set_root_cause" ? (
          <Select
            label="Root cause"
            options={[{ label: "Not known yet", value: "" }, ...ROOT_CAUSES.map((cause) => ({ label: ROOT_CAUSE_LABELS[cause], value: cause }))]}
            value={rootCause}
            onChange={setRootCause}
          />
        ) : null}
      </Modal.Section>
    </Modal>
  );
}
