/** Flags shared by `deal add` and `deal edit`; --if-version, shared by every verb that changes a deal. */
import type { Command } from 'commander';
import type { DealInput } from '../../domain/deals.js';
import { positiveInt } from '../common.js';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { setOption } from '../custom-fields.js';

/** --if-version on every verb that changes the deal: checked again inside the write transaction. */
export function ifVersionOption(cmd: Command, what = 'the deal'): Command {
  return cmd.option('--if-version <n>', `refuse if ${what} is no longer at this version (the version field of --json)`, positiveInt('--if-version'));
}

export type IfVersion = { ifVersion?: number };

export function dealFieldOptions(cmd: Command): Command {
  return setOption(cmd)
    .option('--company <company>', 'company id or name (created if new; default: the contact\'s company)')
    .option('--contact <contact>', 'primary contact: id, email or unique name')
    .option('--amount <amount>', 'amount with currency: "12500.50 EUR", "EUR 12,500.50", "$1,250", "¥1200"')
    .option('--currency <code>', 'currency for an --amount written without one (ISO code: EUR, USD, JPY…)')
    .option('--locale <locale>', 'read --amount separators as in this locale: de reads "12.500,50" as 12500.50')
    .option('--probability <percent>', 'override the stage probability for this deal (none: use the stage\'s)')
    .option('--close <date>', 'expected close date YYYY-MM-DD (none to clear)')
    .option('--owner <user>', 'owning rep (handle; default: you)')
    .option('--source <source>', 'where the deal came from: referral, web, trade show, …')
    .option('--campaign <campaign>', 'campaign id or name')
    .option('--external-id <id>', 'id in another system');
}

/** The flags shared by `deal add` and `deal edit`: the matching fields of DealInput. */
export type DealFlagValues = Pick<DealInput, 'company' | 'contact' | 'amount' | 'currency' | 'locale' | 'probability' | 'close' | 'owner' | 'source' | 'campaign' | 'externalId'> & { set?: string[] };

export function dealInputFrom(o: DealFlagValues): DealInput {
  return {
    company: o.company,
    contact: o.contact,
    amount: o.amount,
    currency: o.currency,
    locale: o.locale,
    probability: o.probability,
    close: o.close,
    owner: o.owner,
    source: o.source,
    campaign: o.campaign,
    externalId: o.externalId,
    setFields: parseSetFlags(o.set),
  };
}
