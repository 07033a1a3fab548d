/** `crm help sla`: the definitions, in one place (no imports: the help noun loads it cheaply). */
export const SLA_HELP = `SLAs: what is measured, and how

Every ticket gets an SLA policy when it is opened: the first policy (crm sla policy list)
whose conditions match — priority, category, the company's tier, channel — else the built-in
"default" policy, always last. A policy has targets per priority for three metrics:

  first reply   from creation to the first public agent reply (crm ticket reply).
                Internal notes (crm ticket note) never count as a reply.
  next reply    from the oldest requester message not yet answered (crm ticket message),
                after the first reply, to the next public agent reply. A ticket can have
                many next-reply cycles; it counts as breached if any cycle was.
  resolution    from creation to solved, not counting time spent pending or on hold.
                Reopening a solved ticket (crm ticket reopen, or a requester message)
                resumes it with the time already accrued.

Pauses. Pending (waiting on the requester) and on hold (waiting on a third party) pause
the resolution clock only. Reply clocks keep running: the requester is still waiting for
an answer — the established helpdesks measure "requester wait" the same way. Solving a
ticket stops every clock; a reply clock still open then is judged at that moment.

States. active (running, within target), paused (resolution while pending / on hold),
achieved (stopped within target), breached (past its target, running or stopped). Each
metric also shows its deadline, elapsed and remaining time and, when breached, the moment
of the breach. Nothing is stored: states are recomputed from the ticket's event log, so
crm report sla --as-of T shows exactly what was true at T.

Business time. Targets run on the policy's business calendar (crm calendar add): an IANA
time zone with daylight saving, several intervals per weekday (a lunch break is simply a
gap), and holidays (whole days in the calendar's zone). 30m and 8h are minutes and hours
of business time; 2d is two business days — twice the calendar's usual business day
(Mon–Fri 09:00–12:30,13:30–18:00 → 8h, so 2d = 16 business hours). With --calendar-time,
or with no calendar (like the default policy), targets run on the wall clock and 1d = 24h.
Example: opened Friday 17:55 on a Mon–Fri 09:00–18:00 calendar with a 1h first-reply
target → due Monday 09:55.

Changes. Raising a ticket's priority, or a change of category or channel that selects
another policy (a "policy" event), applies from that moment: time already accrued is kept,
the new target applies to it, and a breach that already happened stays a breach. Editing a
policy's targets changes how all tickets under it are measured from then on (policies are
not versioned).

  crm calendar add office --tz Europe/Berlin --hours "mon-fri 09:00-12:30,13:30-18:00"
  crm calendar holiday add office 2026-12-25
  crm sla policy add standard --calendar office --first-reply "normal=1h,high=30m" --resolution "normal=2d,high=8h"
  crm ticket list --breaching          crm ticket list --due-within 2h         crm queue
  crm report sla --by assignee --explain
`;
