/**
 * `crm report <name>`: each report is a file exporting register(parent, ctx). Add yours to the
 * list below (one line); builders live in src/reports and are pure (rows + now → model).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import * as winRate from './win-rate.js';
import * as cycle from './cycle.js';
import * as forecast from './forecast.js';
import * as quota from './quota.js';
import * as lostReasons from './lost-reasons.js';
import * as untouched from './untouched.js';
import * as pipeline from './pipeline.js';
import * as sla from './sla.js';
import * as tickets from './tickets.js';
import * as activity from './activity.js';
import * as kpi from './kpi.js';
import * as dataQuality from './data-quality.js';
import * as sources from './sources.js';

type ReportModule = { register(parent: Command, ctx: CliContext): void };

const reports: ReportModule[] = [pipeline, winRate, cycle, forecast, quota, lostReasons, untouched, sla, tickets, activity, kpi, dataQuality, sources];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('reports and KPIs: every report has --json, --format csv and --explain');
  for (const r of reports) r.register(noun, ctx);
}
