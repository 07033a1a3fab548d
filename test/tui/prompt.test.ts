import { describe, expect, it } from 'vitest';
import { openPrompt, promptKey, visibleChoices, type PromptState } from '../../src/tui/prompt.js';

function type(p: PromptState, text: string): PromptState {
  for (const ch of text) {
    const out = promptKey(p, ch, {});
    if (out?.type !== 'editing') throw new Error('not editing');
    p = out.prompt;
  }
  return p;
}

describe('prompt', () => {
  it('walks through its steps and hands back the values', () => {
    let p: PromptState = openPrompt<string>('task', 'Follow-up task', [
      { name: 'title', label: 'Task' },
      { name: 'due', label: 'Due', initial: 'tomorrow' },
    ]);
    p = type(p, 'Send quote');
    const step2 = promptKey(p, '', { return: true });
    expect(step2).toMatchObject({ type: 'editing', prompt: { index: 1, text: 'tomorrow' } });
    expect(promptKey((step2 as { prompt: PromptState }).prompt, '', { return: true })).toEqual({ type: 'done', kind: 'task', values: { title: 'Send quote', due: 'tomorrow' } });
  });

  it('refuses an empty required answer and says how to get out', () => {
    const p = openPrompt('note', 'Note', [{ name: 'subject', label: 'Note' }]);
    expect(promptKey(p, '', { return: true })).toMatchObject({ type: 'editing', prompt: { error: 'Note cannot be empty; esc cancels.' } });
    expect(promptKey(p, '', { escape: true })).toEqual({ type: 'cancel' });
  });

  it('narrows a choice as you type and picks with the arrows', () => {
    let p: PromptState = openPrompt<string>('lose', 'Lose deal #3', [{ name: 'reason', label: 'Reason', choices: ['price', 'competitor', 'no budget', 'no decision'] }]);
    p = type(p, 'no');
    expect(visibleChoices(p)).toEqual(['no budget', 'no decision']);
    const down = promptKey(p, '', { downArrow: true });
    expect(promptKey((down as { prompt: PromptState }).prompt, '', { return: true })).toEqual({ type: 'done', kind: 'lose', values: { reason: 'no decision' } });
    expect(promptKey(type(p, 'zzz'), '', { return: true })).toMatchObject({ type: 'editing', prompt: { error: 'Nothing matches; esc cancels.' } });
  });
});
