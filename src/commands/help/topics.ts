/** `crm help <topic>` texts. Add a topic here when a concept needs more than --help. */
import { AUTOMATION_HELP } from '../../automation/help.js';
import { LIFECYCLE_HELP } from '../../domain/contacts.js';
import { SLA_HELP } from '../../domain/sla/help.js';
import { KPI_HELP } from '../../reports/glossary.js';
import { rolesHelp } from '../../domain/permissions.js';

export const FILTERS_HELP = `The filter language (every list, report and the TUI)

  crm contact list owner:me +vip lifecycle:lead,prospect created:>2026-01-01 acme

  field:value         match a field; text fields match case-insensitively anywhere
                      in the value, in any script (city:köln, name:رحیمی)
  field:a,b           either value (stage:quote,negotiation)
  field:>n  field:<n  field:>=n  field:<=n   compare numbers and dates
  field:a..b          a range, both ends included (amount:1000..5000)
  field:none          the field is empty;  field:any  it is not
  owner:me            the acting user (your login's crm user, or --as for admins)
  +tag  -tag          has / has not this tag
  not:TERM            negate any term (not:city:berlin, not:+vip)
  anything else       free text: names, emails, phones, company names

Dates: 2026-12-31 (that day, in your time zone), 2026-12 (a month), 2026 (a year),
2026-Q4, 2026-W48, today, yesterday, tomorrow, this-week, last-week, next-week,
this-month, last-month, next-month, this-quarter, last-quarter, this-year, last-year,
last-30d (the 30 days ending today — the same words as a report's --period),
30d (the day 30 days ago: created:>30d is "since then").

Terms are combined with AND. Quote terms with spaces for the shell: company:"acme ltd".
A term the tool cannot read is a usage error (exit 2) naming the term and the fields
that exist, e.g.:  crm contact list colour:red  →  Unknown field "colour" for contact.

Fields per list:
  contact   name email phone company lifecycle source lead-status title role owner
            touched created updated id
  company   name domain industry city region country tier source owner created
            updated id
  deal      stage status owner team amount currency close closing stale created updated
            won lost reason company contact source campaign pipeline probability
            title id, +tag
  ticket    status (new open pending on_hold solved closed, unsolved, any; default
            unsolved) priority assignee category channel subject company contact
            policy csat product warranty (expired active none any) created updated
            solved id, +tag
  activity  kind status owner contact company deal ticket at due done created by id
            (crm activity list, crm task list; contact:12 or contact:bob@example.com)

Deals:
  stage:quote,neg     stage names, case-insensitive; a unique prefix is enough
  status:open         open | won | lost
  amount:>5000        in major units, compared per currency: 5000 means 5,000.00 EUR,
                      ¥5,000 or 5.000 KWD (amounts never pass through floats);
                      add currency:eur to stay in one currency
  close:<2026-12-31   expected close date (calendar days in your time zone)
  closing:this-month  open deals expected to close in that period
  stale:>30d          open deals more than 30 days in their current stage
  next-step:none      no open task on the deal or its company (next-step:any: there is one)
                      (stale:>=14, stale:<7d, stale:7d..30d)
  won:this-quarter    won (or lost:) in a period;  reason:price  the lost reason
  contact:sara@example.com   primary contact or any contact on the deal

Custom fields (crm help fields) filter by their name and type: national_id:0012,
birth_date:<1990, gender:f, shoe_size:>40, langs:fa,en, rma:yes, code:none.
segment:NAME        the records a saved filter selects (crm segment list)
company.FIELD:v     contacts whose company matches (company.city:Tehran, company.industry:retail)
bought:SKU          companies / contacts with an order (not cancelled) of that product;
                    not-bought:SKU the opposite: crm company list bought:LJ-4 not-bought:TONER-9
`;

export const FIELDS_HELP = `Custom fields and segments

  crm field add ENTITY NAME --type TYPE [--choices a,b] [--required] [--label TEXT]
  crm field enable contact gender birth_date national_id     (built-in definitions)
  crm field list [ENTITY] [--available] | edit ENTITY NAME … | remove ENTITY NAME [--purge]
  crm contact edit 12 --set national_id=0012345679 --set birth_date=   (empty clears)

ENTITY is contact, company, deal, ticket or activity. Types and what they accept:
  text             any text
  number           42, -3.5, 1,250
  money            an amount with its currency: "1250.00 EUR", "IRR 5000000"
  date             YYYY-MM-DD
  bool             true/false, yes/no, 1/0
  choice, multi    one (or, for multi, several comma-separated) of --choices
  url              https://example.com (https:// is added when missing)
  email, phone     as the email and phone of a contact
  ir-national-id   the Iranian national ID: ten digits, the last a check digit (the sum of
                   the first nine weighted 10…2, modulo 11 = r; check = r if r < 2, else 11 − r);
                   Persian digits and dropped leading zeros are accepted

The same validator checks --set, crm import (a column named like the field, e.g. national_id
or "National ID") and field edit --type (refused while stored values would fail it).
--required: add refuses a record without it; crm report data-quality lists those that lack it.
crm export writes each field as its own column; import reads it back.

Built-in fields: contact code gender fax website province city address birth_certificate_no
national_id birth_date wedding_date field_of_study degree org_unit; company code fax email po_box
founding_date.

Segments: crm segment add NAME 'FILTER…' [--for ENTITY] saves a filter (checked now);
segment:NAME then works in every list and export of that entity and in other segments.
crm segment list | show NAME | remove NAME.
`;

export const DATES_HELP = `Dates and references in crm log, crm task and crm agenda

Dates (--due, --at, crm task snooze) are natural language, read relative to now
(CRM_NOW when set) as wall-clock time in your zone (TZ):

  tomorrow 9am   in 3 days   next friday   friday 14:00   yesterday 15:00
  2026-12-01     2026-12-01 14:30     2026-12-01T13:30:00Z (an exact instant)

A date without a time means 09:00 for due dates and 12:00 for --at. Due dates prefer
the future ("friday" is the coming one). What was understood is echoed on stderr:
  Due: Fri 2026-11-27 09:00 (Europe/Berlin)
Text that is not entirely a date is an error, never a guess. Times are stored in UTC
and shown in your zone on a terminal (UTC ISO-8601 when piped or with --json).

References (crm log KIND <ref>, --contact/--company/--deal/--ticket):
  12, #12            a contact id (a bare number is always a contact)
  bob@example.com    a contact by email
  "Bob Smith"        a contact by full name (any script, case-insensitive)
  company:Acme       a company by id or name;  deal:12 (or a unique title);  ticket:7
A name that matches several records lists them, and nothing is written.
`;

export const SHARING_HELP = `Sharing one database file (people and cron jobs on ONE host)

  crm --db /srv/crm/team.db db init --shared-group sales   file 0660, group sales
  crm db backup ~/backups/crm-$(date +%F).db              online, verified, atomic
  crm db check                                            exit 3 if anything is damaged
  crm db restore BACKUP --yes                             checked first; current copy kept
  crm contact edit 12 --phone "…" --if-version 7          refuse if changed meanwhile
  crm ticket solve 7 --if-version 3                       (every ticket verb too)
  crm deal win 4 --if-version 5                           (every deal verb too)

Writers take turns: each write waits for the lock (CRM_BUSY_TIMEOUT, 5 s by default,
then up to 3 retries, about 20 s in all) and otherwise fails with "locked by another
process" and changes nothing. Readers never wait (WAL mode). A process killed mid-write
leaves nothing half-done. A change reads the record inside its write transaction, so
changes by several people at once all apply, one after the other, none lost. With
--if-version N (and in the TUI) a change is refused (exit 1) if a colleague saved the
record since you read version N, instead of overwriting theirs.

Network file systems (NFS, SMB/CIFS, 9p, sshfs, ...): crm refuses WAL there because its
shared-memory index only works between processes of one host; two machines would corrupt
the file. Keep the file on one host's local disk and run crm there (ssh). To use a share
anyway, from one machine at a time: --journal delete (or CRM_JOURNAL=delete).
`;


export const topics: Record<string, { summary: string; text: string }> = {
  kpi: { summary: 'every report and KPI formula in plain words; periods, --as-of, --explain', text: KPI_HELP },
  dates: { summary: 'natural-language dates and record references (crm log, crm task)', text: DATES_HELP },
  filters: { summary: 'the filter language used by every list and report', text: FILTERS_HELP },
  fields: { summary: 'typed custom fields (crm field), built-in person/company fields, segments', text: FIELDS_HELP },
  lifecycle: { summary: 'lead → prospect → customer, or inactive; a lead’s grade, status and conversion', text: LIFECYCLE_HELP },
  sla: { summary: 'SLA metrics (first reply, next reply, resolution), pauses, business time', text: SLA_HELP },
  sharing: { summary: 'one database for a team: locking, backups, network drives, permissions', text: SHARING_HELP },
  automation: { summary: 'rules (triggers, conditions, actions), crm automate run, the inbox, shipped examples', text: AUTOMATION_HELP },
  roles: { summary: 'who may do what: the roles (admin, manager, rep, …) and their permissions', text: rolesHelp() },
};
