/** A value to copy (a join link, a secret shown once): a read-only field and a button that copies it. */
import { el } from './dom.js';

/** Puts the value on the clipboard; where the browser refuses, the value is left selected instead. */
async function copy(input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    input.select();
    return false;
  }
}

/** `name` says what is copied, for the button's accessible name ("Copy the signing secret"). */
export function copyField(value: string, id: string, label: string, name: string): HTMLElement {
  const input = el('input', { id, readonly: true, value, spellcheck: 'false' });
  const copied = el('span', { class: 'muted', 'aria-live': 'polite' });
  const button = el('button', {
    type: 'button',
    'aria-label': `Copy ${name}`,
    onclick: async () => {
      copied.textContent = (await copy(input)) ? 'Copied' : 'Selected: press Ctrl+C to copy';
    },
  }, 'Copy');
  return el('div', { class: 'field' }, el('label', { for: id }, label), el('div', { class: 'copy' }, input, button), copied);
}
