import { inlineOrBodyFile } from '../body-file.js';
import type { Command } from 'commander';
import type { CompanyInput } from '../../domain/companies.js';
import { parseSetFlags } from '../../domain/custom-fields.js';
import { setOption } from '../custom-fields.js';

export function companyFieldOptions(cmd: Command): Command {
  return setOption(cmd)
    .option('--domain <domain>', 'web domain, e.g. acme.example')
    .option('--industry <industry>', 'industry or sector')
    .option('--phone <phone>', 'main phone number')
    .option('--website <url>', 'website')
    .option('--address <address>', 'street address')
    .option('--city <city>', 'city')
    .option('--region <region>', 'state or province')
    .option('--state <state>', 'alias of --region')
    .option('--country <country>', 'country')
    .option('--postal-code <code>', 'postal code')
    .option('--tier <tier>', 'tier or rank, e.g. A, B, C')
    .option('--source <source>', 'where the account came from')
    .option('--warranty-until <date>', "warranty end date of what they bought (YYYY-MM-DD, none to clear): their tickets show it")
    .option('--owner <user>', 'owning user (handle or name; default: you)')
    .option('--notes <text>', 'free-form notes')
    .option('--body-file <file>', 'read the notes from FILE (- for stdin), for multi-line text')
    .option('--external-id <id>', 'id in another system');
}

export type CompanyFlagValues = Omit<CompanyInput, 'tags' | 'addTags' | 'removeTags' | 'customFields' | 'setFields'> & { state?: string; set?: string[]; bodyFile?: string };

export function companyInputFrom(o: CompanyFlagValues): CompanyInput {
  const { state, set, bodyFile, ...rest } = o;
  return { ...rest, notes: inlineOrBodyFile(o.notes, bodyFile, '--notes'), region: o.region ?? state, name: o.name, setFields: parseSetFlags(set) };
}
