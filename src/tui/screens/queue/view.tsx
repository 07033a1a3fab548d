/**
 * The support queue: tickets by next SLA deadline with a live countdown, coloured (and marked,
 * for NO_COLOR) by state: !! breached, ! due within the hour, ‖ paused.
 */
import { Box, Text } from 'ink';
import type { TicketDetail, TicketRecord } from '../../../domain/tickets.js';
import type { MetricClock } from '../../../domain/sla/clock.js';
import { formatDuration, formatLocalDateTime } from '../../../output/format.js';
import { Footer, LoadingPane, PromptScreen, TextField } from '../../components.js';
import { PROMPT_KEYS, QUEUE_KEYS } from '../../keymap.js';
import { clampPosition } from '../../list.js';
import { fit, truncate } from '../../text.js';
import type { Theme } from '../../theme.js';
import { countdown, queueFilterTokens, slaMood, type QueueState, type SlaMood } from './state.js';

const MARK: Record<SlaMood, string> = { breached: '!!', soon: '! ', paused: '‖ ', ok: '  ', none: '  ' };

export function queueListHeight(height: number): number {
  return Math.max(1, height - 3);
}

function moodStyle(theme: Theme, mood: SlaMood) {
  return mood === 'breached' ? theme.danger : mood === 'soon' ? theme.warning : mood === 'paused' ? theme.paused : {};
}

export function ticketLine(t: TicketRecord, width: number, now: Date): string {
  const mood = slaMood(t, now);
  const due = mood === 'paused' ? 'paused' : t.nextDeadline ? countdown(t.nextDeadline, now) : '—';
  const who = t.requester?.name ?? t.company?.name ?? '';
  const fixed = 2 + 1 + 6 + 1 + 9 + 1 + 6 + 1 + 8 + 1 + 1 + 1 + 10;
  const rest = Math.max(10, width - fixed);
  const subject = Math.ceil(rest * 0.62);
  return `${MARK[mood]} ${fit(`#${t.id}`, 6)} ${fit(due, 9, 'right')} ${fit(t.priority, 6)} ${fit(t.status.replace('_', ' '), 8)} ${fit(t.subject, subject)} ${fit(who, rest - subject)} ${fit(t.assignee ?? '—', 10)}`;
}

export interface QueueViewProps {
  state: QueueState;
  detail: TicketDetail | null;
  theme: Theme;
  width: number;
  height: number;
  now: Date;
  timeZone?: string;
}

export function QueueView(props: QueueViewProps) {
  const { state, theme, width, height, now } = props;
  if (state.prompt) return <PromptScreen prompt={state.prompt} theme={theme} width={width} height={height} />;
  if (state.open !== null) return <TicketDetailView {...props} />;
  const listHeight = queueListHeight(height);
  const { scroll } = clampPosition(state, state.rows.length, listHeight);
  const visible = state.rows.slice(scroll, scroll + listHeight);
  const tokens = queueFilterTokens(state);
  const breached = state.rows.filter((t) => slaMood(t, now) === 'breached').length;
  const soon = state.rows.filter((t) => slaMood(t, now) === 'soon').length;
  const summary = `${state.rows.length} unsolved · ${breached} breached · ${soon} due within the hour`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {state.editing !== null ? (
        <TextField label="Filter:" value={state.editing} theme={theme} width={width - 2} />
      ) : (
        <Text wrap="truncate" {...(tokens.length ? theme.warning : theme.muted)}>
          {truncate(tokens.length ? `Filter: ${tokens.join(' ')} (esc clears) · ${summary}` : `${summary} · / filter · m mine`, width)}
        </Text>
      )}
      <Text {...theme.heading} wrap="truncate">
        {ticketHeader(width)}
      </Text>
      <Box flexDirection="column" height={listHeight}>
        {state.loaded && state.rows.length === 0 ? <Text {...theme.muted}>{tokens.length ? 'No ticket matches the filter.' : 'No unsolved tickets. New ones: crm ticket open "Printer on fire" --contact bob@example.com'}</Text> : null}
        {visible.map((t, i) => {
          const selected = scroll + i === state.cursor;
          return (
            <Text key={t.id} wrap="truncate" {...(selected ? theme.selected : moodStyle(theme, slaMood(t, now)))}>
              {ticketLine(t, width, now)}
            </Text>
          );
        })}
      </Box>
      <Footer keymaps={[state.editing !== null ? PROMPT_KEYS : QUEUE_KEYS]} theme={theme} width={width} global={state.editing === null} />
    </Box>
  );
}

function ticketHeader(width: number): string {
  const fixed = 2 + 1 + 6 + 1 + 9 + 1 + 6 + 1 + 8 + 1 + 1 + 1 + 10;
  const rest = Math.max(10, width - fixed);
  const subject = Math.ceil(rest * 0.62);
  return `   ${fit('Ticket', 6)} ${fit('Due in', 9, 'right')} ${fit('Prio', 6)} ${fit('Status', 8)} ${fit('Subject', subject)} ${fit('Requester', rest - subject)} ${fit('Assignee', 10)}`;
}

function metricLine(name: string, m: MetricClock | null, now: Date, timeZone?: string): { text: string; mood: SlaMood } {
  if (!m) return { text: `${fit(name, 12)} no target`, mood: 'none' };
  const target = `${formatDuration(m.targetSeconds)} ${m.basis === 'business' ? 'business' : 'calendar'}`;
  switch (m.state) {
    case 'achieved':
      return { text: `${fit(name, 12)} met        target ${target}, took ${formatDuration(m.elapsedSeconds)}`, mood: 'ok' };
    case 'breached':
      return { text: `${fit(name, 12)} BREACHED   target ${target}${m.breachedAt ? `, since ${formatLocalDateTime(m.breachedAt, timeZone)}` : ''}`, mood: 'breached' };
    case 'paused':
      return { text: `${fit(name, 12)} paused     target ${target}, ${formatDuration(Math.max(0, m.remainingSeconds))} left`, mood: 'paused' };
    case 'active': {
      const left = m.deadline ? countdown(m.deadline, now) : formatDuration(m.remainingSeconds);
      const mood: SlaMood = m.deadline && Date.parse(m.deadline) - now.getTime() <= 3600_000 ? 'soon' : 'ok';
      return { text: `${fit(name, 12)} running    due ${m.deadline ? formatLocalDateTime(m.deadline, timeZone) : '—'} (in ${left}), target ${target}`, mood };
    }
  }
}

export function eventLine(e: TicketDetail['events'][number], width: number, timeZone?: string): string {
  const what =
    e.kind === 'status' || e.kind === 'assign' || e.kind === 'priority' || e.kind === 'policy'
      ? `${e.from ?? '—'} → ${e.to ?? '—'}`
      : e.kind === 'edit'
        ? `${e.body ?? ''}: ${e.from ?? '—'} → ${e.to ?? '—'}`.replace(/\s+/g, ' ')
        : (e.body ?? '').replace(/\s+/g, ' ');
  return `${formatLocalDateTime(e.at, timeZone)} ${fit(e.kind, 8)} ${fit(e.actor, 12)} ${truncate(what, Math.max(4, width - 40))}`;
}

function TicketDetailView({ detail, theme, width, height, now, timeZone }: QueueViewProps) {
  if (!detail) return <LoadingPane theme={theme} width={width} height={height} />;
  const t = detail;
  const info = `${t.status.replace('_', ' ')} · ${t.priority} · ${t.assignee ? `assigned to ${t.assignee}` : 'unassigned'}${t.policy ? ` · policy ${t.policy}` : ''}`;
  const who = [t.requester ? `${t.requester.name}${t.requester.email ? ` <${t.requester.email}>` : ''}` : null, t.company?.name].filter(Boolean).join(' · ');
  const metrics = [metricLine('First reply', t.sla.firstReply, now, timeZone), metricLine('Next reply', t.sla.nextReply, now, timeZone), metricLine('Resolution', t.sla.resolution, now, timeZone)];
  const bodyHeight = Math.max(1, height - 2);
  const room = Math.max(0, bodyHeight - 3 - metrics.length - 1);
  const events = t.events.slice(Math.max(0, t.events.length - room));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.heading} wrap="truncate">
        {truncate(`Ticket #${t.id} ${t.subject}`, width)}
      </Text>
      <Box flexDirection="column" height={bodyHeight}>
        <Text wrap="truncate">{truncate(info, width)}</Text>
        <Text wrap="truncate" {...theme.muted}>
          {truncate(who || 'no requester', width)}
        </Text>
        <Text {...theme.muted}>SLA</Text>
        {metrics.map((m, i) => (
          <Text key={i} wrap="truncate" {...moodStyle(theme, m.mood)}>
            {truncate(`  ${MARK[m.mood]}${m.text}`, width)}
          </Text>
        ))}
        {room > 0 ? <Text {...theme.muted}>{`Events (latest ${events.length} of ${t.events.length})`}</Text> : null}
        {events.map((e) => (
          <Text key={e.id} wrap="truncate" {...(e.kind === 'note' ? theme.muted : {})}>
            {eventLine(e, width, timeZone)}
          </Text>
        ))}
      </Box>
      <Footer keymaps={[QUEUE_KEYS]} theme={theme} width={width} />
    </Box>
  );
}
