/** Contacts: the list (with the search field) and the detail of one contact. */
import { Box, Text } from 'ink';
import type { ContactRecord } from '../../../domain/contacts.js';
import { Footer, TextField } from '../../components.js';
import { CONTACTS_KEYS } from '../../keymap.js';
import { clampPosition } from '../../list.js';
import { fit, truncate } from '../../text.js';
import type { Theme } from '../../theme.js';
import type { ContactsState } from './state.js';

export interface ContactsViewProps {
  state: ContactsState;
  detail: ContactRecord | null;
  theme: Theme;
  width: number;
  height: number;
}

/** Rows of the list: the height minus the search line, the header and the footer. */
export function contactsListHeight(height: number): number {
  return Math.max(1, height - 3);
}

function columns(width: number) {
  const lifecycle = 9;
  const owner = 10;
  const rest = Math.max(20, width - lifecycle - owner - 4);
  const name = Math.floor(rest * 0.36);
  const company = Math.floor(rest * 0.28);
  const reach = rest - name - company;
  return { name, company, reach, lifecycle, owner };
}

export function contactLine(c: ContactRecord, width: number): string {
  const w = columns(width);
  return [fit(c.name, w.name), fit(c.company?.name ?? '', w.company), fit(c.email ?? c.phone ?? c.mobile ?? '', w.reach), fit(c.lifecycle, w.lifecycle), fit(c.owner ?? '', w.owner)].join(' ');
}

export function ContactsView({ state, detail, theme, width, height }: ContactsViewProps) {
  if (state.openId !== null) return <ContactDetail contact={detail} theme={theme} width={width} height={height} />;
  const listHeight = contactsListHeight(height);
  const { scroll } = clampPosition(state, state.rows.length, listHeight);
  const visible = state.rows.slice(scroll, scroll + listHeight);
  const w = columns(width);
  const count = !state.loaded ? 'loading…' : state.total > state.rows.length ? `${state.rows.length} of ${state.total}` : `${state.total} contact${state.total === 1 ? '' : 's'}`;
  const header = [fit('Name', w.name), fit('Company', w.company), fit('Email / phone', w.reach), fit('Lifecycle', w.lifecycle), fit('Owner', w.owner)].join(' ');
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box justifyContent="space-between">
        {state.searching || state.query ? <TextField label="Search:" value={state.query} theme={theme} width={width - count.length - 2} active={state.searching} /> : <Text {...theme.muted}>/ to search names, emails, phones, companies</Text>}
        <Text {...theme.muted}>{count}</Text>
      </Box>
      <Text {...theme.heading}>{header}</Text>
      <Box flexDirection="column" height={listHeight}>
        {visible.length === 0 && state.loaded ? <Text {...theme.muted}>{state.query ? `No contact matches "${truncate(state.query, 40)}".` : 'No contacts yet: crm contact add "Sara Rahimi" --email sara@example.com'}</Text> : null}
        {visible.map((c, i) => {
          const selected = scroll + i === state.cursor;
          return (
            <Text key={c.id} {...(selected ? theme.selected : {})} wrap="truncate">
              {contactLine(c, width)}
            </Text>
          );
        })}
      </Box>
      <Footer keymaps={[CONTACTS_KEYS]} theme={theme} width={width} global={!state.searching} />
    </Box>
  );
}

function ContactDetail({ contact, theme, width, height }: { contact: ContactRecord | null; theme: Theme; width: number; height: number }) {
  if (!contact) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text {...theme.muted}>loading…</Text>
      </Box>
    );
  }
  const fields: [string, string | null][] = [
    ['Company', contact.company ? `${contact.company.name}${contact.companyRole ? ` (${contact.companyRole})` : ''}` : null],
    ['Title', contact.title],
    ['Email', contact.email],
    ['Phone', contact.phone],
    ['Mobile', contact.mobile],
    ['Lifecycle', contact.lifecycle],
    ['Owner', contact.owner],
    ['Source', contact.source],
    ['Tags', contact.tags.length ? contact.tags.join(', ') : null],
    ['Last touched', contact.lastTouchedAt ? contact.lastTouchedAt.slice(0, 10) : null],
  ];
  const shown = fields.filter(([, v]) => v);
  const bodyHeight = Math.max(1, height - 2);
  const noteLines = contact.notes ? contact.notes.split('\n') : [];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.heading} wrap="truncate">
        {truncate(`#${contact.id} ${contact.name}`, width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight}>
        {shown.map(([k, v]) => (
          <Text key={k} wrap="truncate">
            <Text {...theme.muted}>{fit(k, 13)}</Text>
            {truncate(v!, width - 14)}
          </Text>
        ))}
        {noteLines.slice(0, Math.max(0, bodyHeight - shown.length - 1)).map((l, i) => (
          <Text key={`n${i}`} wrap="truncate">
            {i === 0 ? <Text {...theme.muted}>{fit('Notes', 13)}</Text> : ' '.repeat(13)}
            {truncate(l, width - 14)}
          </Text>
        ))}
      </Box>
      <Footer keymaps={[CONTACTS_KEYS]} theme={theme} width={width} />
    </Box>
  );
}
