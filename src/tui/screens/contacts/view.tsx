/** Contacts: the list (with the search field) and the detail of one contact. */
import { Box, Text } from 'ink';
import type { ContactRecord } from '../../../domain/contacts.js';
import type { TimelineEntry } from '../../../domain/timeline.js';
import type { PsychNoteRecord } from '../../../domain/psych-notes.js';
import { formatLocalDateTime } from '../../../output/format.js';
import { Footer, LoadingPane, PromptScreen, TextField } from '../../components.js';
import { CONTACTS_KEYS } from '../../keymap.js';
import { clampPosition } from '../../list.js';
import { fit, truncate } from '../../text.js';
import type { Theme } from '../../theme.js';
import type { ContactsState } from './state.js';

export interface ContactsViewProps {
  state: ContactsState;
  detail: { contact: ContactRecord; timeline: TimelineEntry[]; psychNotes?: PsychNoteRecord[] } | null;
  theme: Theme;
  width: number;
  height: number;
  timeZone?: string;
  now?: Date;
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

export function ContactsView(props: ContactsViewProps) {
  const { state, theme, width, height } = props;
  if (state.prompt) return <PromptScreen prompt={state.prompt} theme={theme} width={width} height={height} />;
  if (state.open !== null) return <ContactDetail detail={props.detail} theme={theme} width={width} height={height} timeZone={props.timeZone} now={props.now ?? new Date()} />;
  return <ContactList {...props} />;
}

function ContactList({ state, theme, width, height }: ContactsViewProps) {
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

const KIND_MARK: Record<string, string> = { call: '☎', meeting: '◷', email: '✉', note: '✎', task: '☐', stage: '→', created: '+', reply: '↩', message: '✉' };

function timelineLine(e: TimelineEntry, width: number, timeZone?: string): string {
  const when = formatLocalDateTime(e.at, timeZone);
  const mark = e.kind === 'task' && e.status === 'done' ? '☑' : (KIND_MARK[e.kind] ?? '·');
  return `${when} ${mark} ${fit(e.kind, 7)} ${truncate(e.summary, Math.max(4, width - when.length - 12))}`;
}

function ContactDetail({ detail, theme, width, height, timeZone, now }: { detail: ContactsViewProps['detail']; theme: Theme; width: number; height: number; timeZone?: string; now: Date }) {
  if (!detail) return <LoadingPane theme={theme} width={width} height={height} />;
  const { contact, timeline } = detail;
  // Psychological notes first, as on `crm contact show`: how to deal with this person, newest first.
  const psych = (detail.psychNotes ?? []).slice(0, 3);
  const fields: [string, string | null][] = [
    ...psych.map((n, i): [string, string | null] => [i === 0 ? 'Psych' : '', `${formatLocalDateTime(n.createdAt, timeZone)} ${n.author}: ${n.body.replace(/\s+/g, ' ')}`]),
    ...((detail.psychNotes?.length ?? 0) > psych.length ? [['', `… ${detail.psychNotes!.length - psych.length} older (crm contact show ${contact.id})`] as [string, string | null]] : []),
    ['Company', contact.company ? `${contact.company.name}${contact.companyRole ? ` (${contact.companyRole})` : ''}` : null],
    ['Title', contact.title],
    ['Email', contact.email],
    ['Phone', [contact.phone, contact.mobile].filter(Boolean).join(' · ') || null],
    ['Lifecycle', `${contact.lifecycle}${contact.owner ? ` · owner ${contact.owner}` : ''}${contact.source ? ` · source ${contact.source}` : ''}`],
    ['Tags', contact.tags.length ? contact.tags.join(', ') : null],
    ['Notes', contact.notes ? contact.notes.replace(/\s+/g, ' ') : null],
  ];
  const shown = fields.filter(([, v]) => v);
  const bodyHeight = Math.max(1, height - 2);
  const timelineRoom = Math.max(0, bodyHeight - shown.length - 1);
  // The newest entries matter most: show the last ones that fit, oldest first.
  const entries = timeline.slice(Math.max(0, timeline.length - timelineRoom));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.heading} wrap="truncate">
        {truncate(`#${contact.id} ${contact.name}`, width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight}>
        {shown.map(([k, v], i) => (
          <Text key={`${k}${i}`} wrap="truncate">
            <Text {...theme.muted}>{fit(k, 10)}</Text>
            {truncate(v!, width - 11)}
          </Text>
        ))}
        {timelineRoom > 0 ? (
          <Text {...theme.muted} wrap="truncate">
            {timeline.length ? `Timeline (latest ${entries.length} of ${timeline.length}${timeline.length >= 50 ? '+' : ''})` : 'Timeline: nothing yet — c logs a call, n a note, t a follow-up task'}
          </Text>
        ) : null}
        {entries.map((e, i) => (
          <Text key={i} wrap="truncate" {...(e.kind === 'task' && e.status === 'open' && e.at < now.toISOString() ? theme.warning : {})}>
            {timelineLine(e, width, timeZone)}
          </Text>
        ))}
      </Box>
      <Footer keymaps={[CONTACTS_KEYS]} theme={theme} width={width} />
    </Box>
  );
}
