/**
 * The dashboard: headline KPIs, then the open pipeline per stage beside SLA compliance (one
 * above the other when the terminal is narrow). Cells are the report models' values formatted as
 * the reports format them (formatCell); money lists fold to what fits ("504k EUR, 836k USD +6").
 */
import { Box, Text } from 'ink';
import { Money } from '../../../domain/money.js';
import { formatCell } from '../../../output/report.js';
import { formatLocalDateTime } from '../../../output/format.js';
import type { ReportModel, ReportTable, SummaryItem } from '../../../reports/model.js';
import { Footer } from '../../components.js';
import { DASHBOARD_KEYS } from '../../keymap.js';
import { moneyList } from '../../money-text.js';
import { fit, stringWidth, truncate } from '../../text.js';
import type { Theme } from '../../theme.js';
import { DASHBOARD_PERIODS, type DashboardState } from './state.js';

function isMoneyList(v: unknown): v is Money[] {
  return Array.isArray(v) && v.every((m) => m instanceof Money);
}

/** One value in at most `width` columns. */
export function cellText(value: unknown, format: SummaryItem['format'], width: number, timeZone?: string): string {
  if (isMoneyList(value)) return moneyList(value, width);
  if (value instanceof Money) return moneyList([value], width);
  return truncate(formatCell(value, format, true, timeZone), width);
}

/** A KPI: label, value, and its detail in what is left of the line. */
export function kpiLine(item: SummaryItem, width: number, timeZone?: string): { label: string; value: string; detail: string } {
  const labelW = 18;
  const valueW = Math.max(8, Math.min(34, Math.floor((width - labelW) * 0.5)));
  const value = cellText(item.value, item.format, valueW, timeZone);
  const rest = width - labelW - stringWidth(value) - 3;
  return { label: fit(item.label, labelW), value, detail: rest > 3 && item.detail ? truncate(item.detail, rest) : '' };
}

/**
 * Some columns of a report table in `width` columns: the first (the row's name) takes what the
 * others leave; numbers are right-aligned at their widest; a money column gets `moneyWidth`.
 */
export function tableLines(table: ReportTable, keys: { key: string; label?: string; money?: number }[], width: number, timeZone?: string): { header: string; rows: string[]; total: string | null } {
  const cols = keys.map((k) => ({ ...k, col: table.columns.find((c) => c.key === k.key)! })).filter((k) => k.col);
  const all = table.total ? [...table.rows, table.total] : table.rows;
  const text = (row: Record<string, unknown>, k: (typeof cols)[number]) => (k.money ? cellText(row[k.key], k.col.format, k.money, timeZone) : cellText(row[k.key], k.col.format, width, timeZone));
  const widths = cols.map((k, i) => (i === 0 ? 0 : Math.max(stringWidth(k.label ?? k.col.label), ...all.map((r) => stringWidth(text(r, k))))));
  const rest = widths.slice(1).reduce((n, w) => n + w + 1, 0);
  widths[0] = Math.max(6, width - rest);
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? fit(c, widths[0]!) : fit(c, widths[i]!, cols[i]!.money ? 'left' : 'right'))).join(' ');
  return {
    header: line(cols.map((k) => k.label ?? k.col.label)),
    rows: table.rows.map((r) => line(cols.map((k) => text(r, k)))),
    total: table.total ? line(cols.map((k) => text(table.total!, k))) : null,
  };
}

/** A title in at most two lines, broken at a space ("SLA compliance —" / "tickets created 2026-11: 39"). */
export function titleLines(title: string, width: number): string[] {
  if (stringWidth(title) <= width) return [title];
  const dash = title.indexOf(' — ');
  if (dash > 0 && dash + 2 <= width) return [title.slice(0, dash + 2), truncate(title.slice(dash + 3), width)];
  const words = title.split(' ');
  let first = '';
  while (words.length && stringWidth(first ? `${first} ${words[0]}` : words[0]!) <= width) first = first ? `${first} ${words.shift()}` : words.shift()!;
  return first ? [first, truncate(words.join(' '), width)] : [truncate(title, width)];
}

function Pane({ title, lines, theme, width, height }: { title: string; lines: { text: string; style?: 'heading' | 'muted' | 'bold' }[]; theme: Theme; width: number; height: number }) {
  const head = titleLines(title, width);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {head.map((h, i) => (
        <Text key={`t${i}`} {...theme.heading} wrap="truncate">
          {h}
        </Text>
      ))}
      {lines.slice(0, Math.max(0, height - head.length)).map((l, i) => (
        <Text key={i} wrap="truncate" {...(l.style === 'heading' ? theme.heading : l.style === 'muted' ? theme.muted : l.style === 'bold' ? { bold: true } : {})}>
          {truncate(l.text, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}

export function pipelinePane(model: ReportModel, width: number) {
  const table = model.tables[0]!;
  const t = tableLines(table, [{ key: 'stage' }, { key: 'count' }, { key: 'total', money: Math.max(10, width - 20) }], width, model.scope.timeZone);
  return { title: model.title, lines: [{ text: t.header, style: 'muted' as const }, ...t.rows.map((text) => ({ text })), ...(t.total ? [{ text: t.total, style: 'bold' as const }] : [])] };
}

export function slaPane(model: ReportModel, width: number) {
  const tz = model.scope.timeZone;
  const metrics = model.tables.find((t) => t.name === 'metrics');
  const times = model.tables.find((t) => t.name === 'times');
  const lines: { text: string; style?: 'muted' | 'bold' }[] = [];
  if (metrics) {
    const t = tableLines(metrics, [{ key: 'metric' }, { key: 'achieved' }, { key: 'breached' }, { key: 'compliance', label: 'Compl.' }], width, tz);
    lines.push({ text: t.header, style: 'muted' }, ...t.rows.map((text) => ({ text })));
  }
  if (times) {
    const t = tableLines(times, [{ key: 'metric', label: 'Time to' }, { key: 'medianBusinessSeconds', label: 'Med. bus.' }, { key: 'medianCalendarSeconds', label: 'Med. cal.' }], width, tz);
    lines.push({ text: t.header, style: 'muted' }, ...t.rows.map((text) => ({ text })));
  }
  for (const n of model.notes) lines.push({ text: n, style: 'muted' });
  return { title: model.title, lines };
}

export function DashboardView({ state, theme, width, height }: { state: DashboardState; theme: Theme; width: number; height: number }) {
  const m = state.models;
  const asked = DASHBOARD_PERIODS[state.period]!.replace('-', ' ');
  const kpi = m?.kpi;
  const period = kpi?.scope.period;
  const head = kpi
    ? `${asked}: ${period?.label ?? ''} · ${state.mine ? `owner ${kpi.scope.owners?.join(', ') ?? 'me'}` : 'everyone'} · as of ${formatLocalDateTime(kpi.scope.asOf, kpi.scope.timeZone)} ${kpi.scope.timeZone}`
    : `${asked} · loading…`;
  const body = height - 2;
  const kpiRows = kpi ? kpi.summary.length : 0;
  const paneHeight = Math.max(0, body - kpiRows - 1);
  const side = width >= 70;
  const leftW = side ? Math.floor((width - 2) / 2) : width;
  const rightW = side ? width - leftW - 2 : width;
  const pipe = m ? pipelinePane(m.pipeline, leftW) : null;
  const sla = m ? slaPane(m.sla, rightW) : null;
  const pipeH = side ? paneHeight : Math.min(paneHeight, (pipe?.lines.length ?? 0) + (pipe ? titleLines(pipe.title, leftW).length : 1));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text {...theme.muted} wrap="truncate">
        {truncate(head, width)}
      </Text>
      <Box flexDirection="column" height={body}>
        {state.error ? <Text {...theme.danger} wrap="truncate">{truncate(state.error, width)}</Text> : null}
        {kpi?.summary.map((item) => {
          const l = kpiLine(item, width, kpi.scope.timeZone);
          return (
            <Text key={item.key} wrap="truncate">
              <Text {...theme.accent}>{l.label}</Text> <Text bold>{l.value}</Text>
              {l.detail ? <Text {...theme.muted}>{`  ${l.detail}`}</Text> : null}
            </Text>
          );
        })}
        {m ? <Text> </Text> : null}
        {m && pipe && sla ? (
          <Box flexDirection={side ? 'row' : 'column'} height={paneHeight}>
            <Pane title={pipe.title} lines={pipe.lines} theme={theme} width={leftW} height={pipeH} />
            {side ? <Box width={2} /> : null}
            <Pane title={sla.title} lines={sla.lines} theme={theme} width={rightW} height={side ? paneHeight : Math.max(0, paneHeight - pipeH)} />
          </Box>
        ) : null}
      </Box>
      <Footer keymaps={[DASHBOARD_KEYS]} theme={theme} width={width} />
    </Box>
  );
}
