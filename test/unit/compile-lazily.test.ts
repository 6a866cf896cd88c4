import { describe, expect, it } from 'vitest';
import { compileLazily } from '../../src/http/compile-lazily.js';
import { validatorCompiler } from '../../src/http/validation.js';

describe('a schema compiled on first use', () => {
  it('is compiled by its first call, once, and answers every call as the compiled function would', () => {
    let compiles = 0;
    const twice = compileLazily(() => (compiles++, (n: number) => n * 2));
    expect(compiles).toBe(0);
    expect([twice(1), twice(2), twice(3)]).toEqual([2, 4, 6]);
    expect(compiles).toBe(1);
  });

  it('passes on the errors of each call, as Fastify reads them from the validator', () => {
    const check = validatorCompiler({ schema: { type: 'object', properties: { perPage: { type: 'integer', maximum: 1000 } } }, httpPart: 'querystring', method: 'GET', url: '/x' });
    expect(check({ perPage: '5000' })).toBe(false);
    expect((check as { errors?: { instancePath: string }[] }).errors?.[0].instancePath).toBe('/perPage');
    expect(check({ perPage: '10' })).toBe(true);
    expect((check as { errors?: unknown }).errors).toBeNull();
  });

  it('reports a schema that cannot compile when its route is first asked', () => {
    const check = validatorCompiler({ schema: { $ref: 'no-such-schema#' }, httpPart: 'body', method: 'POST', url: '/x' });
    expect(() => check({})).toThrow(/no-such-schema/);
  });
});
