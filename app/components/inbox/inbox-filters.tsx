// The inbox's filters as Polaris IndexFilters wants them: each filter's control, and the
// applied ones as removable tags. Every change goes through `change`, which puts it in the
// page's address (the server filters, not the browser).
import { ChoiceList, FormLayout, TextField } from "@shopify/polaris";
import type { AppliedFilterInterface, FilterInterface } from "@shopify/polaris";

import type { InboxFilters, PartyChoice } from "../../incidents/inbox";
import { CHANNELS, channelLabel, partyLabel } from "../../incidents/inbox";
import { INCIDENT_KINDS } from "../../incidents/model";
import { kindTitle } from "../../remediation/policy";

type Change = (filters: Partial<InboxFilters>) => void;

function choices(title: string, options: { label: string; value: string }[], selected: string[], onChange: (values: string[]) => void) {
  return <ChoiceList title={title} titleHidden allowMultiple choices={options} selected={selected} onChange={onChange} />;
}

const ownerLabel = (owner: string) => owner || "Nobody yet";

/** What the filters offer: the shop's own responsible parties and its staff (as owners), with
 * the owners already on incidents. */
export interface FilterChoices {
  parties: readonly PartyChoice[];
  owners: readonly string[];
}

export function inboxFilters(filters: InboxFilters, { parties, owners }: FilterChoices, change: Change): FilterInterface[] {
  // The shop's list, "not known yet", and a chosen party since removed (so it can be unchosen).
  const partyKeys = [...new Set([...parties.map((party) => party.key), "unknown", ...filters.parties])];
  const ownerChoices = ["", ...new Set([...owners, ...filters.owners.filter(Boolean)])];
  return [
    {
      key: "kind",
      label: "Incident",
      pinned: true,
      filter: choices("Incident", INCIDENT_KINDS.map((kind) => ({ label: kindTitle(kind), value: kind })), filters.kinds, (kinds) => change({ kinds })),
    },
    {
      key: "party",
      label: "Responsible",
      pinned: true,
      filter: choices("Responsible", partyKeys.map((key) => ({ label: partyLabel(parties, key), value: key })), filters.parties, (chosen) => change({ parties: chosen })),
    },
    {
      key: "channel",
      label: "Channel",
      pinned: true,
      filter: choices("Channel", CHANNELS.map((channel) => ({ label: channelLabel(channel), value: channel })), filters.channels, (channels) => change({ channels })),
    },
    {
      key: "owner",
      label: "Owner",
      pinned: true,
      filter: choices("Owner", ownerChoices.map((owner) => ({ label: ownerLabel(owner), value: owner })), filters.owners, (owners) => change({ owners })),
    },
    {
      key: "created",
      label: "Created",
      filter: (
        <FormLayout>
          <TextField
            label="From"
            type="date"
            autoComplete="off"
            value={filters.createdFrom ?? ""}
            onChange={(value) => change({ createdFrom: value || null })}
          />
          <TextField label="To" type="date" autoComplete="off" value={filters.createdTo ?? ""} onChange={(value) => change({ createdTo: value || null })} />
        </FormLayout>
      ),
    },
  ];
}

/** A local day (YYYY-MM-DD) written in the shop's language; the day itself has no zone. */
function day(value: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
}

export function appliedInboxFilters(filters: InboxFilters, locale: string, parties: readonly PartyChoice[], change: Change): AppliedFilterInterface[] {
  const applied: AppliedFilterInterface[] = [];
  const add = (key: string, label: string, values: string[], word: (value: string) => string, clear: Partial<InboxFilters>) => {
    if (values.length > 0) applied.push({ key, label: `${label}: ${values.map(word).join(", ")}`, onRemove: () => change(clear) });
  };
  add("kind", "Incident", filters.kinds, kindTitle, { kinds: [] });
  add("party", "Responsible", filters.parties, (key) => partyLabel(parties, key), { parties: [] });
  add("channel", "Channel", filters.channels, channelLabel, { channels: [] });
  add("owner", "Owner", filters.owners, ownerLabel, { owners: [] });
  if (filters.createdFrom || filters.createdTo) {
    const range = [filters.createdFrom ? `from ${day(filters.createdFrom, locale)}` : null, filters.createdTo ? `to ${day(filters.createdTo, locale)}` : null].filter(Boolean).join(" ");
    applied.push({ key: "created", label: `Created ${range}`, onRemove: () => change({ createdFrom: null, createdTo: null }) });
  }
  return applied;
}
