/**
 * The console's modal questions, on the native <dialog>: focus is trapped and restored by the
 * browser, Escape cancels, and every step is reachable from the keyboard.
 */
import type { Role } from '../contract/common.js';
import { byId, el, ROLE_TEXT, roles, show } from './dom.js';

function ask(title: string, body: Node[], confirmLabel: string, danger: boolean): Promise<FormData | null> {
  const dialog = byId<HTMLDialogElement>('dialog');
  const form = el(
    'form',
    { method: 'dialog' },
    el('h2', { id: 'dialog-title' }, title),
    ...body,
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'submit', value: 'confirm', class: danger ? 'danger' : 'primary' }, confirmLabel),
      el('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel'),
    ),
  );
  show(dialog, form);
  dialog.setAttribute('aria-labelledby', 'dialog-title');
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? new FormData(form) : null), { once: true });
    dialog.showModal();
  });
}

/** Asks a yes/no question about a destructive step; resolves true only on the confirm button. */
export async function confirmStep(title: string, text: string, confirmLabel: string): Promise<boolean> {
  return (await ask(title, [el('p', {}, text)], confirmLabel, true)) !== null;
}

/** Asks for a role, preselecting `current`; resolves null when cancelled. */
export async function chooseRole(title: string, text: string, current: Role, confirmLabel: string): Promise<Role | null> {
  const select = roleSelect('dialog-role', current);
  const answer = await ask(title, [el('p', {}, text), el('div', { class: 'field' }, el('label', { for: 'dialog-role' }, 'Role'), select)], confirmLabel, false);
  return answer ? (answer.get('role') as Role) : null;
}

/** A labelled-by-id role picker whose options explain each role. */
export function roleSelect(id: string, current: Role = 'view', name = 'role'): HTMLSelectElement {
  const select = el('select', { id, name });
  for (const role of roles()) select.append(el('option', { value: role, selected: role === current, title: ROLE_TEXT[role] }, role));
  return select;
}
