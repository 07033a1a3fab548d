/** Flags shared by `contact add` and `contact edit`. */
import { inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { ContactInput } from '../../domain/contacts.js';
import { collect } from '../common.js';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { setOption } from '../custom-fields.js';

export function contactFieldOptions(cmd: Command): Command {
  return setOption(cmd)
    .option('--email <email>', 'email address (unique, case-insensitive)')
    .option('--phone <phone>', 'phone number')
    .option('--mobile <phone>', 'mobile number')
    .option('--first <name>', 'first (given) name')
    .option('--last <name>', 'last (family) name')
    .option('--prefix <prefix>', 'Dr., Ms., …')
    .option('--title <title>', 'job title')
    .option('--company <company>', 'company id or name (created if new)')
    .option('--role <role>', 'role at the company')
    .option('--lifecycle <stage>', 'lead | prospect | customer | inactive (crm help lifecycle)')
    .option('--source <source>', 'how they heard about us: referral, web, event, …')
    .option('--referred-by <who>', 'who referred them: a contact (id, email or name) or a company (company:ID or company:NAME); none clears it')
    .option('--owner <user>', 'owning user (handle or name; default: you)')
    .option('--notes <text>', 'free-form notes')
    .option('--body-file <file>', 'read the notes from FILE (- for stdin), for multi-line text')
    .option('--external-id <id>', 'id in another system (for re-runnable imports)');
}

export interface ContactFlagValues {
  email?: string;
  phone?: string;
  mobile?: string;
  first?: string;
  last?: string;
  prefix?: string;
  title?: string;
  company?: string;
  role?: string;
  lifecycle?: string;
  source?: string;
  referredBy?: string;
  owner?: string;
  notes?: string;
  bodyFile?: string;
  externalId?: string;
  tag?: string[];
  set?: string[];
}

export function contactInputFrom(o: ContactFlagValues): ContactInput {
  return {
    email: o.email,
    phone: o.phone,
    mobile: o.mobile,
    firstName: o.first,
    lastName: o.last,
    prefix: o.prefix,
    title: o.title,
    company: o.company,
    companyRole: o.role,
    lifecycle: o.lifecycle,
    source: o.source,
    referredBy: o.referredBy,
    owner: o.owner,
    notes: inlineOrBodyFile(o.notes, o.bodyFile, '--notes'),
    externalId: o.externalId,
    setFields: parseSetFlags(o.set),
  };
}

export { collect };
