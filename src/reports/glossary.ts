/** `crm help kpi`: every report, its flags, and every formula in plain words (also in the README). */
export const KPI_HELP = `Reports and KPIs: what each number means

Every report: crm report NAME
  --period last-week | this-week | last-month | this-month | this-quarter | last-quarter |
           this-year | last-year | today | yesterday | last-30d (any last-Nd) |
           2026-W48 | 2026-11 | 2026-Q4 | 2026 | 2026-11-20
  (or --week 2026-W47, or --from 2026-10-01 --to 2026-12-31, both days included).
  Periods are cut at midnight in your time zone (TZ); weeks are ISO weeks (Monday first).
  --owner HANDLE|me (repeatable)  --team NAME   only those owners' records
  --as-of 2026-10-31 | yesterday (end of that day) | 2026-10-31T18:00:00Z |
          "2026-10-31 18:00" (in TZ)   recompute as of then:
      only records that existed, each deal in the stage it had (deal_stage_history),
      won/lost only if won_at/lost_at is at or before it. Without --period, the period
      is the one containing that moment (--as-of 2026-12-31: 2026-Q4, 2026-12…);
      relative periods (last-week) count from it.
  --json | --format csv|tsv|ndjson   --explain (the formulas, with the exact bounds used)
  --no-chart   charts are drawn on a terminal only; piped, the layout stays readable
  A flag a report cannot honour is a usage error (exit 2) saying why: untouched and
  data-quality take no period; untouched takes no --as-of.
  --json prints every report in one envelope (schema crm.report/1): schema, report,
  title, period {label,start,end}, asOf, timeZone, owners, team, the report's fields, notes.

Money is summed per currency in integer minor units; currencies are never mixed or
converted. A ratio with nothing to divide by is shown as — (not 0%).

win-rate      Win rate = won ÷ (won + lost), in deals, for deals whose won_at or lost_at
              lies in the period; --by owner|source|campaign|month. Groups with fewer
              than 10 closed deals are named as small samples.
cycle         Cycle = days from created_at (or, --start first-stage, the first stage
              history entry) to won_at, for deals won in the period: mean and median.
              Time in stage = from entering a stage to the next move, averaged over the
              won deals that passed through it.
forecast      Deals open at the as-of moment whose expected close date is in the period,
              by month: Raw = Σ amount; Weighted = Σ amount × probability ÷ 100 (the
              deal's probability, else its stage's), rounded once. Per owner next to
              Won so far and Quota: (won + weighted) ÷ quota.
quota         Attainment = won value in the period ÷ quota. The quota of a period is the
              one set for it (crm quota set OWNER 2026-Q4 AMOUNT), else the sum of its
              months (a quarter) or quarters/months (a year). Remaining = quota − won.
lost-reasons  Deals lost in the period per lost reason: count, share of all lost, value.
activity      Per rep in the period (default: this ISO week): calls, meetings, emails,
              notes, touches (occurred_at in the period); new contacts; deals created /
              advanced (moved to a later open stage) / won / lost; next steps = tasks
              created. Every active rep and manager is listed; zero is flagged.
sources       Per source: Leads = contacts created in the period with that source;
              Conversion = those now customers ÷ leads; Deals won / Won value by the
              deal's source. --by campaign: leads = contacts whose source names the
              campaign; deals won = deals linked to it; Cost per lead = cost ÷ leads;
              ROI = (won value − cost) ÷ cost, in the campaign currency; % of goal =
              leads, customers, deals or won value ÷ the goal.
leads         Leads = contacts created in the period that are leads now or were converted
              (crm lead convert); Converted = those converted by the period's end;
              Conversion = converted ÷ leads; Lead→won = days from the contact's creation
              to the win of its deal, averaged. --by source | campaign | owner.
data-quality  Counts (with example ids and the command to fix them): contacts with no
              email and no phone, with no owner, with an invalid email; likely
              duplicates by email, phone digits, or name + company; deals with no owner;
              open deals with no amount, no close date, past their close date, or with
              no next step (no open task on the deal); contacts untouched for 365 days.
              --fail-on-issues exits 3 when anything is found.
kpi           One screen for a cron mail: open pipeline (raw, weighted), won this period
              vs the previous one of the same length, win rate (vs previous), SLA
              compliance = targets met ÷ (met + missed) for tickets created in the
              period (crm help sla), tickets breaching now, overdue tasks (open, due
              before now). A six-month won-value sparkline on a terminal.
Also: crm report pipeline, sla, tickets, untouched (see their --help and --explain).

Example cron line (Monday 7:00, last week's numbers):
  0 7 * * 1  crm report kpi --period last-week | mail -s KPIs team@example.com
`;
