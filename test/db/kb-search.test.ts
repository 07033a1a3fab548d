/** How a knowledge-base query is cut into terms (the same on both engines; src/db/kb-search.ts). */
import { describe, expect, it } from 'vitest';
import { searchTerms } from '../../src/db/kb-search.js';

describe('searchTerms', () => {
  it('folds case and splits words on what is not a letter, digit or mark', () => {
    expect(searchTerms('  Reset PASSWORD, Wi-Fi!  ')).toEqual({ words: ['reset', 'password', 'wi', 'fi'], cjk: [] });
  });

  it('keeps Persian words whole and unifies Arabic letter variants', () => {
    expect(searchTerms('راهنماي نصب چاپگر')).toEqual({ words: ['راهنمای', 'نصب', 'چاپگر'], cjk: [] });
  });

  it('takes runs of Chinese, Japanese and Korean text as substring terms, next to words', () => {
    expect(searchTerms('プリンターの設定 printer 打印机 프린터')).toEqual({ words: ['printer'], cjk: ['プリンターの設定', '打印机', '프린터'] });
  });

  it('has no terms for punctuation only', () => {
    expect(searchTerms(' -- ?! ')).toEqual({ words: [], cjk: [] });
  });
});
