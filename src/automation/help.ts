/** `crm help automation`: rules, triggers, actions, the shipped examples and why they are as they are. */
export const AUTOMATION_HELP = `Automation: rules that act on their own, and the inbox where they talk to you

A rule = a trigger + a condition (the filter language, crm help filters) + actions.
  crm rule add big --on deal.stage_changed --stage quote --if 'amount:>=10000' \\
      --notify role:manager --message '{{deal.title}}: {{deal.amount}}' --enable
  crm rule list | show NAME | edit NAME … | enable NAME | disable NAME | remove NAME
  crm rule history NAME           every firing: record, actions, outcome (also crm history rule NAME)
  crm rule test NAME [--record ID]  would it fire now, and why (writes nothing)
  crm rule export > rules.yaml ; crm rule apply rules.yaml   rules in git; applying twice changes nothing
  crm automate run [--dry-run]    run from cron every minute:  * * * * * crm automate run
  crm inbox [--all] | inbox show ID | inbox read ID|--all

Event triggers (written to an outbox in the same transaction as the change: a change that is
rolled back fires nothing, a committed one is never missed):
  deal.created  deal.stage_changed (stage: NAME narrows it)  deal.won  deal.lost  deal.amount_changed
  ticket.created  ticket.status_changed  ticket.assigned  ticket.customer_replied
  activity.logged  task.created  contact.created  import.finished
Time triggers (crm automate run, from indexed queries):
  ticket.unassigned for: 30m      business time by the ticket's SLA calendar (else wall-clock)
  sla.due within: 15m target: first_reply | next_reply | resolution;  sla.breached target: …
  deal.stale for: 30d   contact.untouched for: 330d   task.overdue [for: 1d]
  schedule cron: "0 8 * * mon-fri" timezone: Europe/Berlin
Durations: 30m, 4h, 330d. Each rule fires at most once per record per occurrence (one event;
one unassigned stretch; one SLA deadline; one stay in a stage; one untouched stretch; one cron
slot) — however often cron runs, crashes, or runs on two hosts at once.

Actions (the domain's own functions, audited as "rule NAME"):
  notify: owner | manager | assignee | user:H | role:R | team:T   (+ title:, message: with merge fields)
          manager = the managers of the owner's team (every manager when the owner has no team)
  task: TITLE  for: owner|assignee|HANDLE  due: 3d
  assign: HANDLE | least-loaded role:agent [team:T] | round-robin team:T   (open tickets counted)
  set: { priority: high, category: billing, FIELD: value }   tag: "+escalated -waiting"
  email: TEMPLATE   render it and log it as an email activity to the record's contact
  run: NAME        run a command an admin configured, the event as JSON on stdin (below)
Merge fields: those of crm template fields, plus {{record}} {{rule}} {{ticket.subject}}
{{ticket.priority}} {{ticket.status}} {{ticket.id}} {{deal.id}} {{contact.id}}.
Loops: a change made by a rule emits events one level deeper; events more than 3 levels deep
are not written, so rules that trigger each other stop.
A failing action (the assignee left, a template lost its field) rolls back that rule's firing
and records it as "failed: …" in crm rule history; other rules and events go on.

Run a command (the bridge to mail, chat or an ERP) — admin-only, off unless configured:
  crm automate command set erp --timeout 30s -- /opt/erp/bin/new-order --site 2
  crm rule add won-to-erp --on deal.won --run erp --enable
  The rule names the command; the program and its arguments are configured by an admin (db.admin)
  and run without a shell. stdin: one line of JSON (rule, trigger, occurrence, key, firedAt,
  record, event, fields); environment: PATH, HOME, locale, TZ, USER, TMPDIR, CRM_RULE only.
  After the timeout (default 10s) its process group is killed. Exit code and 64 KB of stdout and
  stderr are kept: crm rule history NAME [--json]. Exit ≠ 0, timeout or a missing program: the
  firing is "failed: …". Why at most once: the firing commits first (outcome "started"), then the
  command runs outside any transaction, then its outcome is recorded — a crash in between leaves
  "started" and never runs it twice. A receiver that wants retries dedupes by "key". A result
  that cannot be written (database locked, disk error) is tried 3 times, then the outcome alone
  is kept ("ok; result not recorded: …"); the other firings go on and automate run exits 1.

Shipped examples (installed disabled; enable each with one command):
  crm rule enable big-deal-quote     a deal of at least 10,000 reaching Quote notifies the managers
      and stock-control. Why: a big quote is when production and pricing must get ready, not
      when it is won. Change the amount: crm rule edit big-deal-quote --if 'amount:>=50000'
  crm rule enable unassigned-ticket  a ticket unassigned for 30 business minutes goes to the
      least-loaded agent. Why business minutes: a ticket opened at night is not late at 08:31.
      Tickets carry no team: limit it to one (rule edit … --assign 'least-loaded role:agent
      team:Support'), or add one rule per team with if: category:…
  crm rule enable first-reply-due    a first reply due within 15 minutes notifies the assignee and
      their manager — early enough to act, once per deadline.
  crm rule enable yearly-touch       a contact untouched for 330 days gets a "touch" task for the
      owner, due in a week: everyone is touched within the year, with a month to spare.
  crm rule enable lost-deal-review   a deal lost with no open task on it or its company
      (next-step:none) gets a review task for its owner in 90 days: a lost deal is often a
      postponed one.
`;
