/** Agenda: one list in three sections; overdue in the danger colour (and marked "!"). */
import { Box, Text } from 'ink';
import { formatLocalDateTime, relativeTime } from '../../../output/format.js';
import { Footer, PromptScreen } from '../../components.js';
import { AGENDA_KEYS } from '../../keymap.js';
import { clampPosition } from '../../list.js';
import { fit } from '../../text.js';
import type { Theme } from '../../theme.js';
import type { AgendaRow, AgendaSection, AgendaState } from './state.js';

const SECTION_TITLE: Record<AgendaSection, string> = { overdue: 'Overdue', today: 'Today', upcoming: 'Next 7 days' };

export function agendaListHeight(height: number): number {
  return Math.max(1, height - 2);
}

type Line = { kind: 'heading'; section: AgendaSection; count: number } | { kind: 'row'; row: AgendaRow; index: number };

/** Rows with a heading before each section; the window keeps the cursor's row in view. */
function lines(rows: AgendaRow[]): Line[] {
  const out: Line[] = [];
  let last: AgendaSection | null = null;
  rows.forEach((row, index) => {
    if (row.section !== last) {
      out.push({ kind: 'heading', section: row.section, count: rows.filter((r) => r.section === row.section).length });
      last = row.section;
    }
    out.push({ kind: 'row', row, index });
  });
  return out;
}

export function agendaLine(row: AgendaRow, width: number, now: Date, timeZone?: string): string {
  const i = row.item;
  const when = i.at ? (row.section === 'overdue' ? relativeTime(i.at, now) : formatLocalDateTime(i.at, timeZone).slice(row.section === 'today' ? 11 : 5)) : '';
  const mark = row.section === 'overdue' ? '!' : i.type === 'meeting' ? '◷' : '☐';
  const owner = 10;
  const whenW = 14;
  const rest = Math.max(10, width - owner - whenW - 5);
  const title = Math.ceil(rest * 0.55);
  return `${mark} ${fit(when, whenW)} ${fit(i.title, title)} ${fit(i.about ?? '', rest - title)} ${fit(i.owner ?? '', owner)}`;
}

export function AgendaView({ state, theme, width, height, now, timeZone }: { state: AgendaState; theme: Theme; width: number; height: number; now: Date; timeZone?: string }) {
  if (state.prompt) return <PromptScreen prompt={state.prompt} theme={theme} width={width} height={height} />;
  const listHeight = agendaListHeight(height);
  const all = lines(state.rows);
  const cursorLine = all.findIndex((l) => l.kind === 'row' && l.index === state.cursor);
  const { scroll } = clampPosition({ cursor: Math.max(0, cursorLine), scroll: state.scroll }, all.length, listHeight);
  // Show the heading above the first row when the cursor is at the top of a section.
  const start = cursorLine > 0 && all[cursorLine - 1]?.kind === 'heading' && scroll === cursorLine ? scroll - 1 : scroll;
  const visible = all.slice(start, start + listHeight);
  const whose = state.everyone ? 'everyone' : (state.owner ?? 'everyone (you are not a user: crm user add)');
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.muted} wrap="truncate">
        {`Agenda of ${whose} · ${state.rows.filter((r) => r.section === 'overdue').length} overdue · ${state.rows.filter((r) => r.section === 'today').length} today`}
      </Text>
      <Box flexDirection="column" height={listHeight}>
        {state.loaded && state.rows.length === 0 ? <Text {...theme.muted} wrap="truncate">Nothing due. Add a task: t on a contact, or crm task add "Call back" --due tomorrow</Text> : null}
        {visible.map((l) =>
          l.kind === 'heading' ? (
            <Text key={`h-${l.section}`} {...(l.section === 'overdue' ? theme.danger : theme.heading)}>
              {`${SECTION_TITLE[l.section]} (${l.count})`}
            </Text>
          ) : (
            <Text key={`${l.row.item.type}-${l.row.item.id}`} wrap="truncate" {...(l.index === state.cursor ? theme.selected : l.row.section === 'overdue' ? theme.danger : {})}>
              {agendaLine(l.row, width, now, timeZone)}
            </Text>
          ),
        )}
      </Box>
      <Footer keymaps={[AGENDA_KEYS]} theme={theme} width={width} />
    </Box>
  );
}
