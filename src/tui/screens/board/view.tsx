/**
 * The board: columns side by side (as many as fit; the window follows the selected column),
 * each with its header (stage, probability, count, totals per currency) and its own scroll.
 */
import { Box, Text } from 'ink';
import { memo, type ReactNode } from 'react';
import type { BoardCard, BoardColumn } from '../../../domain/board.js';
import type { DealDetail, DealRecord } from '../../../domain/deals.js';
import type { TimelineEntry } from '../../../domain/timeline.js';
import { formatLocalDateTime } from '../../../output/format.js';
import { Footer, LoadingPane, PromptScreen, TextField } from '../../components.js';
import { BOARD_KEYS, PROMPT_KEYS, type BoardAction, type Keymap } from '../../keymap.js';
import type { CompanyRecord } from '../../../domain/companies.js';
import type { ContactRecord } from '../../../domain/contacts.js';
import { clampPosition, type ListPosition } from '../../list.js';
import { shortMoney } from '../../money-text.js';
import { fit, truncate } from '../../text.js';

export { shortMoney };
import type { Theme } from '../../theme.js';
import { filterTokens, positionOf, type BoardState } from './state.js';

export const CARD_LINES = 3;

/** In a deal's detail: back, win, lose. */
const DETAIL_SHORT: Partial<Record<BoardAction, string>> = { win: 'won', lose: 'lost', edit: 'edit', 'open-contact': 'contact', 'open-company': 'company', back: 'back' };
const DETAIL_KEYS = BOARD_KEYS.filter((b) => DETAIL_SHORT[b.action]).map((b) => ({ ...b, footer: true, short: DETAIL_SHORT[b.action] }));
const COMPANY_KEYS = BOARD_KEYS.filter((b) => b.action === 'back').map((b) => ({ ...b, footer: true, short: 'back to the deal' }));

/** A company opened from a deal. */
export interface CompanyDetail {
  company: CompanyRecord;
  people: ContactRecord[];
  deals: DealRecord[];
  timeline: TimelineEntry[];
}
const MIN_COLUMN_WIDTH = 18;

/** Column header: stage, count and probability; then one line per currency total (two shown). */
const HEADER_LINES = 3;

/** Cards per column: the screen minus the filter line, the column header and the footer. */
export function boardCardsHeight(height: number): number {
  return Math.max(1, Math.floor((height - 2 - HEADER_LINES) / CARD_LINES));
}

export function headerLines(column: BoardColumn, width: number): [string, string, string] {
  const name = `${column.stage.name} (${column.count})`;
  const prob = `${column.stage.probability}%`;
  const first = name.length + 1 + prob.length <= width ? name + ' '.repeat(width - name.length - prob.length) + prob : name;
  const totals = column.totals.map(shortMoney);
  const second = totals[0] ?? '—';
  const third = totals.length > 2 ? `${totals[1]} +${totals.length - 2} more` : (totals[1] ?? '');
  return [fit(first, width), fit(second, width), fit(third, width)];
}

export function columnLayout(width: number, columns: number, selected: number): { start: number; count: number; width: number } {
  if (columns === 0) return { start: 0, count: 0, width };
  const count = Math.max(1, Math.min(columns, Math.floor((width + 1) / (MIN_COLUMN_WIDTH + 1))));
  const start = Math.max(0, Math.min(selected - count + 1 > 0 ? selected - count + 1 : 0, columns - count));
  return { start, count, width: Math.floor((width - (count - 1)) / count) };
}

/** Three lines: title; company · owner with days in stage; amount with the close date ("!" when overdue). */
export function cardLines(card: BoardCard, width: number): [string, string, string] {
  const days = ` ${card.daysInStage}d`;
  const who = [card.company, card.owner].filter(Boolean).join(' · ') || '—';
  const close = card.expectedClose ? `${card.overdue ? '!' : ''}${card.expectedClose.slice(5)}` : '';
  const amount = shortMoney(card.amount);
  const gap = width - amount.length - close.length;
  return [fit(card.title, width), fit(who, width - days.length) + days, gap >= 1 ? amount + ' '.repeat(gap) + close : fit(`${amount} ${close}`, width)];
}

/**
 * One column as a single Text of styled lines: far fewer layout nodes than a Box per card, which
 * keeps a key press on a full board well under a frame.
 */
const Column = memo(function Column({ column, position, theme, width, cardsHeight, selected }: { column: BoardColumn; position: ListPosition; theme: Theme; width: number; cardsHeight: number; selected: boolean }) {
  const pos = clampPosition(position, column.cards.length, cardsHeight);
  const cards = column.cards.slice(pos.scroll, pos.scroll + cardsHeight);
  const inner = width - 1;
  const [h1, h2, h3] = headerLines(column, inner);
  const lines: ReactNode[] = [
    <Text key="h1" {...(selected ? theme.tabActive : theme.heading)}>
      {h1}
    </Text>,
    <Text key="h2" {...theme.muted}>
      {h2}
    </Text>,
    <Text key="h3" {...theme.muted}>
      {h3}
    </Text>,
  ];
  cards.forEach((card, i) => {
    const isCursor = selected && pos.scroll + i === pos.cursor;
    const [l1, l2, l3] = cardLines(card, inner);
    const sel = isCursor ? theme.selected : {};
    lines.push(
      <Text key={`${card.id}a`} {...sel} bold>
        {l1}
      </Text>,
      <Text key={`${card.id}b`} {...sel} {...(isCursor ? {} : theme.muted)}>
        {l2}
      </Text>,
      <Text key={`${card.id}c`} {...sel} {...(card.overdue && !isCursor ? theme.danger : {})}>
        {l3}
      </Text>,
    );
  });
  if (column.count === 0) lines.push(<Text key="none" {...theme.muted}>{fit('no deals', inner)}</Text>);
  const joined: ReactNode[] = [];
  lines.forEach((l, i) => {
    if (i) joined.push('\n');
    joined.push(l);
  });
  return (
    <Box width={width} paddingLeft={1}>
      <Text wrap="wrap">{joined}</Text>
    </Box>
  );
});

export interface BoardViewProps {
  state: BoardState;
  detail: { deal: DealDetail; timeline: TimelineEntry[] } | null;
  company?: CompanyDetail | null;
  theme: Theme;
  width: number;
  height: number;
  timeZone?: string;
}

export function BoardView(props: BoardViewProps) {
  const { state, theme, width, height } = props;
  if (state.prompt) return <PromptScreen prompt={state.prompt} theme={theme} width={width} height={height} />;
  if (state.company !== null) return <CompanyDetailView {...props} />;
  if (state.open !== null) return <DealDetailView {...props} />;
  const board = state.board;
  const cardsHeight = boardCardsHeight(height);
  const layout = columnLayout(width, board?.columns.length ?? 0, state.col);
  const shown = board ? board.columns.slice(layout.start, layout.start + layout.count) : [];
  const tokens = filterTokens(state);
  const hidden = board ? board.columns.length - layout.count : 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box justifyContent="space-between" height={1}>
        {state.editing !== null ? (
          <TextField label="Filter:" value={state.editing} theme={theme} width={width - 2} />
        ) : (
          <Text wrap="truncate" {...(tokens.length ? theme.warning : theme.muted)}>
            {truncate(tokens.length ? `Filter: ${tokens.join(' ')}  (esc clears)` : `${board?.pipeline.name ?? ''} pipeline · / filter · m my deals · ? keys`, width - 12)}
          </Text>
        )}
        {state.editing === null && hidden > 0 ? <Text {...theme.muted}>{`${layout.start > 0 ? '◀ ' : ''}${layout.start + 1}-${layout.start + layout.count}/${board!.columns.length}${layout.start + layout.count < board!.columns.length ? ' ▶' : ''}`}</Text> : null}
      </Box>
      <Box flexDirection="row" height={height - 2}>
        {!board ? <Text {...theme.muted}>loading…</Text> : null}
        {board && board.columns.length === 0 ? <Text {...theme.muted}>No open stages: crm stage add Prospecting --probability 10</Text> : null}
        {shown.map((column, i) => (
          <Column key={column.stage.id} column={column} position={positionOf(state, column.stage.id)} theme={theme} width={layout.width + (i === 0 ? 0 : 1)} cardsHeight={cardsHeight} selected={layout.start + i === state.col} />
        ))}
      </Box>
      <Footer keymaps={[state.editing !== null ? PROMPT_KEYS : BOARD_KEYS]} theme={theme} width={width} global={state.editing === null} />
    </Box>
  );
}

/** A record's fields (empty ones left out) over as much of its latest timeline as fits, and its keys. */
function RecordDetail({ title, fields, timeline, keys, theme, width, height, timeZone }: { title: string; fields: [string, string | null][]; timeline: TimelineEntry[]; keys: Keymap; theme: Theme; width: number; height: number; timeZone?: string }) {
  const shown = fields.filter(([, v]) => v);
  const bodyHeight = Math.max(1, height - 2);
  const room = Math.max(0, bodyHeight - shown.length - 1);
  const entries = timeline.slice(Math.max(0, timeline.length - room));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.heading} wrap="truncate">
        {truncate(title, width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight}>
        {shown.map(([k, v]) => (
          <Text key={k} wrap="truncate">
            <Text {...theme.muted}>{fit(k, 10)}</Text>
            {truncate(v!, width - 11)}
          </Text>
        ))}
        {room > 0 ? <Text {...theme.muted}>{timeline.length ? `Timeline (latest ${entries.length})` : 'Timeline: nothing yet'}</Text> : null}
        {entries.map((e, i) => (
          <Text key={i} wrap="truncate">
            {`${formatLocalDateTime(e.at, timeZone)} ${fit(e.kind, 8)} ${truncate(e.summary, Math.max(4, width - 27))}`}
          </Text>
        ))}
      </Box>
      <Footer keymaps={[keys]} theme={theme} width={width} />
    </Box>
  );
}

function DealDetailView({ detail, theme, width, height, timeZone }: BoardViewProps) {
  if (!detail) return <LoadingPane theme={theme} width={width} height={height} />;
  const { deal, timeline } = detail;
  const fields: [string, string | null][] = [
    ['Stage', `${deal.stage.name} (${deal.status}) · ${deal.daysInStage} days in stage`],
    ['Amount', `${deal.amount.format()} · weighted ${deal.weighted.format()} at ${deal.probability}%`],
    ['Company', deal.company?.name ?? null],
    ['Contacts', deal.contacts.length ? deal.contacts.map((c) => `${c.name}${c.role ? ` (${c.role})` : ''}`).join(', ') : null],
    ['Owner', deal.owner],
    ['Close', deal.expectedClose],
    ['Lost', deal.lostReason ? `${deal.lostReason}${deal.lostNote ? ` — ${deal.lostNote}` : ''}` : null],
  ];
  return <RecordDetail title={`Deal #${deal.id} ${deal.title}`} fields={fields} timeline={timeline} keys={DETAIL_KEYS} theme={theme} width={width} height={height} timeZone={timeZone} />;
}

function CompanyDetailView({ company: detail, theme, width, height, timeZone }: BoardViewProps) {
  if (!detail) return <LoadingPane theme={theme} width={width} height={height} />;
  const { company: c, people, deals, timeline } = detail;
  const place = [c.city, c.region, c.country].filter(Boolean).join(', ');
  const fields: [string, string | null][] = [
    ['Domain', [c.domain, c.website].filter(Boolean).join(' · ') || null],
    ['Industry', [c.industry, c.tier ? `tier ${c.tier}` : null].filter(Boolean).join(' · ') || null],
    ['Phone', c.phone],
    ['Place', place || null],
    ['Owner', c.owner],
    ['People', people.length ? people.map((p) => p.name).join(', ') : null],
    ['Deals', deals.length ? deals.map((d) => `${d.title} (${d.status === 'open' ? d.stage.name : d.status}, ${d.amount.format()})`).join(' · ') : null],
  ];
  return <RecordDetail title={`Company #${c.id} ${c.name}`} fields={fields} timeline={timeline} keys={COMPANY_KEYS} theme={theme} width={width} height={height} timeZone={timeZone} />;
}
