import type { Role } from '../contract/common.js';

/** Every role, in the order people choose from (the type keeps the list complete). */
export const roles = (): Role[] => Object.keys(ROLE_TEXT) as Role[];

/**
 * The few DOM helpers both pages use. Every value from the server goes in as text (text nodes
 * and properties), never as HTML: nothing here parses markup.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

/** `el('button', { type: 'button', onclick: go }, 'Accept')`: an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  node.append(...nodes(children));
  return node;
}

/** Replaces the children of `parent`. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...nodes(children));
}

const nodes = (children: Child[]): (Node | string)[] =>
  children.flatMap((c) => (c === null || c === undefined || c === false ? [] : [typeof c === 'number' ? String(c) : c]));

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

/** "Tue, 3 Dec 2030, 14:05" in the reader's language and time zone. */
export const formatDate = (iso: string): string =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** What a role lets a member do, in a few words (for invitees who do not know the names). */
export const ROLE_TEXT: Record<Role, string> = {
  admin: 'Administrator: full control of the organization',
  edit: 'Editor: can create and change resources',
  collaborate: 'Collaborator: can work with existing resources',
  view: 'Viewer: can see, not change',
  none: 'No organization-wide access (only what is granted per application or dashboard)',
};

/** A small status word in a coloured outline: `kind` picks the colour. */
export const badge = (kind: string, text: string) => el('span', { class: `badge ${kind}` }, text);

/** A row's action button; its accessible name says which row it acts on. */
export const rowAction = (label: string, name: string, onclick: () => Promise<void>) => el('button', { type: 'button', 'aria-label': name, onclick }, label);

/**
 * Lays the table in `wrap` out as cards exactly when it does not fit (measured, not guessed
 * from the screen width: a table of short rows stays a table where one of long emails cannot).
 * Answers a function to call again after the rows change.
 */
export function fitTable(wrap: HTMLElement): () => void {
  const fit = () => {
    const table = wrap.querySelector('table');
    wrap.classList.remove('cards');
    if (table && table.offsetWidth > wrap.clientWidth + 1) wrap.classList.add('cards');
  };
  // In the next frame: toggling the class inside the observer's callback would be reported as
  // a resize loop.
  new ResizeObserver(() => requestAnimationFrame(fit)).observe(wrap);
  return fit;
}

/**
 * Shows an error of the API next to the field it names (`error.field`, matched to an input's
 * `name` inside `form`, in the alert after it); answers false when no field of the form is
 * named, for the caller to show it elsewhere. Clears the form's earlier field errors first.
 */
export function showFieldError(form: HTMLFormElement, error: unknown): boolean {
  for (const old of form.querySelectorAll('.field-problem')) old.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const field = (error as { field?: string } | null)?.field;
  const input = field ? form.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`) : null;
  if (!input) return false;
  const problem = el('p', { id: `${input.id}-problem`, class: 'notice error field-problem', role: 'alert' }, (error as Error).message);
  input.after(problem);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', problem.id);
  input.focus();
  return true;
}

/**
 * Sends a form's request with its button disabled, so that a second click sends nothing twice;
 * a failure goes to `failed` (the console's alert line or the field it concerns).
 */
export async function submitting(button: HTMLButtonElement, send: () => Promise<void>, failed: (error: unknown) => void): Promise<void> {
  button.disabled = true;
  try {
    await send();
  } catch (error) {
    failed(error);
  } finally {
    button.disabled = false;
  }
}
