/** "1 deal", "2 deals", "0 deals": a count with its noun (irregular plurals given: plural(n, 'company', 'companies')). No imports: usable from any layer. */
export function plural(n: number | bigint, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 || n === 1n ? singular : pluralForm}`;
}
