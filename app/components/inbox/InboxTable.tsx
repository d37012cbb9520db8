// The inbox's table, as Shopify admin's own lists are: tabs with counts, search, filters and
// sorting above (IndexFilters), the incidents with bulk actions, and pages below. The page's
// address holds the tab, filters, order and page; the server answers each change.
import { useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { Card, EmptySearchResult, IndexFilters, IndexTable, useBreakpoints, useIndexResourceState, useSetIndexFiltersMode } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";

import type { InboxFilters, InboxSort, InboxState, InboxTab, PartyChoice } from "../../incidents/inbox";
import { DEFAULT_SORT, INBOX_TABS, TAB_LABELS, writeInboxParams } from "../../incidents/inbox";
import type { ShopClock } from "../shop-time";
import type { BulkIntent } from "./BulkActionModal";
import { BulkActionModal } from "./BulkActionModal";
import { appliedInboxFilters, inboxFilters } from "./inbox-filters";
import type { InboxRowView } from "./InboxRow";
import { INBOX_HEADINGS, InboxRow, PHONE_HEADINGS } from "./InboxRow";
import { useSelectedTabInView } from "./use-selected-tab-in-view";

interface Props {
  state: InboxState;
  page: { rows: InboxRowView[]; next: string | null; previous: string | null };
  counts: Record<InboxTab, number>;
  /** Owners on incidents, for the owner filter (with the staff). */
  owners: string[];
  /** The shop's staff members' names: whom an incident can be assigned to. */
  staff: string[];
  /** The shop's responsible parties, for their names and the filter. */
  parties: PartyChoice[];
  clock: ShopClock;
  now: Date;
}

const SORT_OPTIONS: { label: string; value: InboxSort; directionLabel: string }[] = [
  { label: "Created", value: "created desc", directionLabel: "Newest first" },
  { label: "Created", value: "created asc", directionLabel: "Oldest first" },
  { label: "Respond by", value: "deadline asc", directionLabel: "Soonest first" },
  { label: "Respond by", value: "deadline desc", directionLabel: "Latest first" },
];

const EMPTY: Record<InboxTab, string> = {
  needs_approval: "Nothing is waiting for your approval.",
  open: "No open incidents.",
  overdue: "Nothing has missed its response time.",
  escalated: "No escalated incidents.",
  resolved: "No resolved incidents yet.",
  all: "No incidents yet. Amends watches orders, fulfilments and inventory and opens an incident when an order goes wrong.",
};

export function InboxTable({ state, page, counts, owners, staff, parties, clock, now }: Props) {
  const navigate = useNavigate();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { smDown } = useBreakpoints();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(state.filters.search);
  const [intent, setIntent] = useState<BulkIntent | null>(null);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(page.rows.map((row) => ({ id: row.id })));

  const go = (next: InboxState) => {
    const search = writeInboxParams(next).toString();
    navigate(search ? `?${search}` : ".", { preventScrollReset: true });
  };
  // Any change of filters starts again from the first page.
  const change = (filters: Partial<InboxFilters>) => go({ ...state, filters: { ...state.filters, ...filters }, after: null, before: null });

  // Search as the merchant types, once they pause. The timer calls the newest `change`, so a
  // search never brings back filters cleared meanwhile; clearing cancels a pending one.
  const latestChange = useRef(change);
  latestChange.current = change;
  const typing = useRef<ReturnType<typeof setTimeout>>();
  const stopTyping = () => clearTimeout(typing.current);
  const onQueryChange = (value: string) => {
    setQuery(value);
    stopTyping();
    typing.current = setTimeout(() => latestChange.current({ search: value.trim() }), 300);
  };
  useEffect(() => stopTyping, []);
  // Back and forward change the address: the field follows it.
  useEffect(() => setQuery(state.filters.search), [state.filters.search]);

  // A new page or tab shows other incidents: a selection made on the last one no longer applies.
  const rowsKey = page.rows.map((row) => row.id).join();
  useEffect(() => clearSelection(), [rowsKey]);

  const submitting = navigation.state === "submitting";
  const box = useRef<HTMLDivElement>(null);
  useSelectedTabInView(box, state.tab);

  const count = new Intl.NumberFormat(clock.locale);
  // The badge alone reads "New 6" to a screen reader (Polaris marks unselected tabs' badges new).
  const tabs = INBOX_TABS.map((tab) => ({
    id: tab,
    content: TAB_LABELS[tab],
    badge: count.format(counts[tab]),
    accessibilityLabel: `${TAB_LABELS[tab]}: ${count.format(counts[tab])} ${counts[tab] === 1 ? "incident" : "incidents"}`,
  }));
  const selected = allResourcesSelected ? page.rows.map((row) => row.id) : selectedResources;

  // On a phone two fit beside the count; the others go under "More actions" (Polaris 13 drops
  // promoted actions that do not fit without offering them there).
  const bulkActions = [
    { content: "Approve", onAction: () => setIntent("approve") },
    { content: "Dismiss", onAction: () => setIntent("dismiss") },
    { content: "Assign owner", onAction: () => setIntent("assign_owner") },
    { content: "Set root cause", onAction: () => setIntent("set_root_cause") },
  ];

  const confirm = (fields: Record<string, string>) => {
    if (!intent) return;
    const form = new FormData();
    form.set("intent", intent);
    for (const id of selected) form.append("ids", id);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    submit(form, { method: "post" });
    setIntent(null);
    // The result names each incident; a selection left behind would join the next action.
    clearSelection();
  };

  return (
    <div ref={box}>
      <Card padding="0">
        <IndexFilters
          tabs={tabs}
          selected={INBOX_TABS.indexOf(state.tab)}
          onSelect={(index) => {
            const tab = INBOX_TABS[index] ?? state.tab;
            go({ tab, sort: DEFAULT_SORT[tab], filters: state.filters, after: null, before: null });
          }}
          canCreateNewView={false}
          queryValue={query}
          queryPlaceholder="Search by order, customer name or e-mail"
          onQueryChange={onQueryChange}
          onQueryClear={() => {
            stopTyping();
            setQuery("");
            change({ search: "" });
          }}
          sortOptions={SORT_OPTIONS}
          sortSelected={[state.sort]}
          onSort={([sort]) => {
            if (sort) go({ ...state, sort: sort as InboxSort, after: null, before: null });
          }}
          filters={inboxFilters(state.filters, { parties, owners: [...new Set([...staff, ...owners])] }, change)}
          appliedFilters={appliedInboxFilters(state.filters, clock.locale, parties, change)}
          onClearAll={() => {
            stopTyping();
            setQuery("");
            go({ ...state, filters: { kinds: [], parties: [], channels: [], owners: [], createdFrom: null, createdTo: null, search: "" }, after: null, before: null });
          }}
          mode={mode}
          setMode={setMode}
          loading={navigation.state === "loading"}
          // On a phone the bulk actions' bar alone stays at the top while scrolling: both
          // sticking, a row showed through between them.
          disableStickyMode={smDown}
        />
        <IndexTable
          resourceName={{ singular: "incident", plural: "incidents" }}
          itemCount={page.rows.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          headings={smDown ? PHONE_HEADINGS : INBOX_HEADINGS}
          promotedBulkActions={smDown ? bulkActions.slice(0, 2) : bulkActions}
          bulkActions={smDown ? bulkActions.slice(2) : []}
          emptyState={<EmptySearchResult title={EMPTY[state.tab]} description="Try another tab, or clear the search and filters." withIllustration={false} />}
          pagination={{
            hasPrevious: page.previous !== null,
            hasNext: page.next !== null,
            onPrevious: () => go({ ...state, after: null, before: page.previous }),
            onNext: () => go({ ...state, after: page.next, before: null }),
          }}
        >
          {page.rows.map((incident, index) => (
            <InboxRow
              key={incident.id}
              incident={incident}
              position={index}
              selected={selected.includes(incident.id)}
              condensed={smDown}
              parties={parties}
              clock={clock}
              now={now}
            />
          ))}
        </IndexTable>
        {intent ? <BulkActionModal intent={intent} count={selected.length} staff={staff} submitting={submitting} onClose={() => setIntent(null)} onConfirm={confirm} /> : null}
      </Card>
    </div>
  );
}
