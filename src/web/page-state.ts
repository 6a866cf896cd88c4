import { productName } from './brand.js';
import { byId, el, show } from './dom.js';

/**
 * The public pages (invitation, join link) show one state at a time: a heading and its words.
 * Each state moves focus to its heading, so screen readers announce it and keyboard users start
 * from the top of what changed.
 */
export function pageStates(): (heading: string, ...body: (Node | string | null)[]) => void {
  const title = byId('title');
  const content = byId('content');
  return (heading, ...body) => {
    title.textContent = heading;
    show(content, ...body);
    document.title = `${heading} · ${productName}`;
    title.focus();
  };
}

export const para = (...text: (Node | string)[]) => el('p', {}, ...text);
export const strong = (text: string) => el('strong', {}, text);
/** An address kept on one line when it fits one (browsers otherwise break it after a hyphen). */
export const address = (text: string) => el('strong', { class: 'address' }, text);
