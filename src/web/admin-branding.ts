/**
 * The look of the invitation and join pages and of the mail: the instance's branding (the
 * default of every organization) or one organization's own, with a preview of the result.
 * Only what changed is sent, and a refused value is shown next to its field.
 */
import type { Branding, BrandingPatch } from '../../client/src/index.js';
import { DEFAULT_ACCENT, inkOn } from '../contract/colors.js';
import type { ConsoleContext, ConsoleView } from './admin-context.js';
import { el, show, showFieldError, submitting } from './dom.js';

const INSTANCE = '';
const LOGO_TYPES = 'image/png,image/jpeg,image/gif,image/webp';

const field = (input: HTMLElement, label: string, help?: string) =>
  el('div', { class: 'field' }, el('label', { for: input.id }, label), input, help && el('p', { class: 'muted', id: `${input.id}-help` }, help));

/** A file as base64, without its `data:` prefix. */
const base64Of = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

export function brandingView({ client, me, may, orgs, tell, report }: ConsoleContext): ConsoleView {
  const owner = el('select', { id: 'branding-owner' }, el('option', { value: INSTANCE }, 'The instance (the default of every organization)'), ...orgs().map((o) => el('option', { value: o.id }, o.name)));
  const body = el('div');

  const load = (orgId: string) => (orgId === INSTANCE ? client.instanceBranding.get({ instanceId: me.instanceId }) : client.instanceOrgBranding.get({ instanceId: me.instanceId, orgId }));
  const save = (orgId: string, branding: BrandingPatch) =>
    orgId === INSTANCE ? client.instanceBranding.patch({ instanceId: me.instanceId, branding }) : client.instanceOrgBranding.patch({ instanceId: me.instanceId, orgId, branding });
  const mayChange = (orgId: string) => may(orgId === INSTANCE ? 'instanceBranding.patch' : 'instanceOrgBranding.patch');

  /** What an invitee will see: the logo or the product name, and a button in the accent. */
  function preview(b: Branding['effective']): HTMLElement {
    const accent = b.accentColor ?? DEFAULT_ACCENT;
    const button = el('span', { class: 'button primary' }, 'Accept invitation');
    button.style.setProperty('background', accent);
    button.style.setProperty('border-color', accent);
    button.style.setProperty('color', inkOn(accent));
    return el(
      'div',
      { class: 'brand-preview', 'aria-label': 'What invitees see' },
      b.logoUrl ? el('img', { class: 'brand-logo', src: b.logoUrl, alt: b.productName ?? 'Logo' }) : el('p', {}, el('strong', {}, b.productName ?? 'Gatehouse')),
      button,
      b.continueUrl ? el('p', { class: 'muted' }, 'After accepting: “Continue to ', b.productName ?? 'the app', '” opens ', el('span', { class: 'address' }, b.continueUrl)) : null,
    );
  }

  function form(orgId: string, b: Branding): HTMLElement {
    const p = 'branding';
    const productName = el('input', { id: `${p}-product`, name: 'productName', class: 'wide', maxlength: 60, value: b.productName ?? '', autocomplete: 'off', placeholder: orgId ? 'The instance\'s' : 'Gatehouse' });
    const accentText = el('input', { id: `${p}-accent`, name: 'accentColor', maxlength: 7, value: b.accentColor ?? '', autocomplete: 'off', placeholder: DEFAULT_ACCENT, 'aria-describedby': `${p}-accent-help` });
    const accentPick = el('input', { id: `${p}-accent-pick`, type: 'color', value: b.accentColor ?? b.effective.accentColor ?? DEFAULT_ACCENT, 'aria-label': 'Pick the accent colour' });
    accentPick.addEventListener('input', () => (accentText.value = accentPick.value));
    const continueUrl = el('input', { id: `${p}-continue`, name: 'continueUrl', class: 'wide', type: 'url', maxlength: 2000, value: b.continueUrl ?? '', autocomplete: 'off', placeholder: 'https://app.example.com/start' });
    const origins = orgId === INSTANCE ? el('textarea', { id: `${p}-origins`, name: 'continueOrigins', rows: 3 }) : null;
    if (origins) origins.value = (b.continueOrigins ?? []).join('\n');
    const logo = el('input', { id: `${p}-logo`, name: 'logo', type: 'file', accept: LOGO_TYPES });
    const removeLogo = el('input', { id: `${p}-logo-remove`, type: 'checkbox' });
    const submit = el('button', { type: 'submit', class: 'primary' }, 'Save branding');
    const element = el(
      'form',
      { class: 'settings-form', 'aria-label': orgId ? 'Branding of the organization' : 'Branding of the instance' },
      el('div', { class: 'row' }, field(productName, 'Product name (empty: ' + (orgId ? 'the instance\'s' : 'Gatehouse') + ')')),
      el('div', { class: 'row' }, el('div', { class: 'field' }, el('label', { for: accentText.id }, 'Accent colour (#rrggbb, empty: ' + (orgId ? 'the instance\'s' : 'Gatehouse\'s') + ')'), el('div', { class: 'row' }, accentText, accentPick), el('p', { class: 'muted', id: `${p}-accent-help` }, 'Buttons get black or white words, whichever reads better.'))),
      el('div', { class: 'row' }, field(continueUrl, 'Continue URL (optional)', 'The welcome page links here after someone accepts. It must be on an allowed origin.')),
      origins && el('div', { class: 'row' }, field(origins, 'Allowed origins for continue URLs, one per line', 'Like https://app.example.com: scheme, host and port, no path.')),
      el(
        'div',
        { class: 'row' },
        field(logo, 'Logo (PNG, JPEG, GIF or WebP, at most 128 KiB)'),
        b.logoUrl ? el('div', { class: 'field check' }, removeLogo, el('label', { for: removeLogo.id }, 'Remove the logo')) : null,
      ),
      submit,
    );
    element.addEventListener('submit', async (event) => {
      event.preventDefault();
      const branding: BrandingPatch = {};
      const text = (input: HTMLInputElement, was: string | undefined) => {
        const value = input.value.trim();
        return value === (was ?? '') ? undefined : value || null;
      };
      const changes = { productName: text(productName, b.productName), accentColor: text(accentText, b.accentColor), continueUrl: text(continueUrl, b.continueUrl) };
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) branding[key as 'productName'] = value;
      if (origins) {
        const list = origins.value.split('\n').map((o) => o.trim()).filter(Boolean);
        if (list.join('\n') !== (b.continueOrigins ?? []).join('\n')) branding.continueOrigins = list;
      }
      if (removeLogo.checked) branding.logo = null;
      const file = logo.files?.[0];
      await submitting(submit, async () => {
        if (file) branding.logo = await base64Of(file);
        if (Object.keys(branding).length === 0) return tell('Nothing to change.');
        await save(orgId, branding);
        tell('Saved the branding. New pages and mail use it now.');
        await refresh();
      }, (error) => {
        if (!showFieldError(element, error)) report(error);
      });
    });
    return element;
  }

  /** The branding as set, read-only (for tokens that may not change it). */
  const facts = (b: Branding) =>
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Product name'), el('dd', {}, b.productName ?? 'Not set'),
      el('dt', {}, 'Accent colour'), el('dd', {}, b.accentColor ?? 'Not set'),
      el('dt', {}, 'Continue URL'), el('dd', {}, b.continueUrl ?? 'Not set'),
      b.continueOrigins ? el('dt', {}, 'Allowed origins') : null,
      b.continueOrigins ? el('dd', {}, b.continueOrigins.join(', ') || 'None') : null,
    );

  async function refresh(): Promise<void> {
    const orgId = owner.value;
    try {
      const b = await load(orgId);
      show(body, el('h3', {}, 'What invitees see'), preview(b.effective), el('h3', {}, orgId ? 'Set for this organization' : 'Set for the instance'), mayChange(orgId) ? form(orgId, b) : facts(b));
    } catch (error) {
      report(error);
    }
  }
  owner.addEventListener('change', () => void refresh());

  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'branding-title' },
    el('h2', { id: 'branding-title' }, 'Branding'),
    el('p', { class: 'muted' }, 'The product name, logo and accent colour of the invitation and join pages and of the mail, and where the welcome page sends new members. An organization\'s own settings take precedence over the instance\'s, field by field.'),
    el('div', { class: 'row' }, field(owner, 'Branding of')),
    body,
  );
  return { element, refresh };
}
