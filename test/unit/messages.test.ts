import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/contract/canonical.js';
import { acceptedTags, bestLocale, localeOfAcceptLanguage, MESSAGES, placeholders } from '../../src/i18n/messages.js';

describe('messages', () => {
  const keys = Object.keys(MESSAGES.en);

  it('every language has every key, none empty, none extra', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...LOCALES].sort());
    for (const locale of LOCALES) {
      const messages = MESSAGES[locale];
      expect(Object.keys(messages).sort(), locale).toEqual([...keys].sort());
      for (const key of keys) expect(messages[key as keyof typeof messages].trim(), `${locale}.${key}`).not.toBe('');
    }
  });

  it('every translation has the same placeholders as the English', () => {
    for (const locale of LOCALES) {
      for (const key of keys) {
        const k = key as keyof typeof MESSAGES.en;
        expect(placeholders(MESSAGES[locale][k]), `${locale}.${key}`).toEqual(placeholders(MESSAGES.en[k]));
      }
    }
  });

  it('the translations are translations (not the English copied)', () => {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      const same = keys.filter((k) => MESSAGES[locale][k as keyof typeof MESSAGES.en] === MESSAGES.en[k as keyof typeof MESSAGES.en]);
      expect(same, locale).toEqual([]);
    }
  });
});

describe('choosing a language', () => {
  it('takes the exact tag, then the base language, else English', () => {
    expect(bestLocale(['pt-BR'])).toBe('pt-BR');
    expect(bestLocale(['pt'])).toBe('pt-BR');
    expect(bestLocale(['pt-pt'])).toBe('pt-BR');
    expect(bestLocale(['de-AT'])).toBe('de');
    expect(bestLocale(['JA-jp'])).toBe('ja');
    expect(bestLocale(['nl', 'es-MX'])).toBe('es');
    expect(bestLocale(['nl', 'zh'])).toBe('en');
    expect(bestLocale([])).toBe('en');
  });

  it('honours q-values and ignores q=0 and junk', () => {
    expect(acceptedTags('fr;q=0.5, de;q=0.9, ja')).toEqual(['ja', 'de', 'fr']);
    expect(localeOfAcceptLanguage('fr;q=0.5, de;q=0.9')).toBe('de');
    expect(localeOfAcceptLanguage('de;q=0, fr;q=0.1')).toBe('fr');
    expect(localeOfAcceptLanguage('*, x"<>;q=1')).toBe('en');
    expect(localeOfAcceptLanguage(undefined)).toBe('en');
    expect(localeOfAcceptLanguage('en-US,en;q=0.9,ja;q=0.8')).toBe('en');
  });
});
