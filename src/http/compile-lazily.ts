/**
 * A schema made into code on its route's first use rather than when the server starts. Fastify
 * compiles a validator per request part and a serializer per answer status of every route as
 * it registers them; done up front for every route, that allocated about 300 MB at start
 * (ajv and fast-json-stringify) and left the heap three times what the routes in use need.
 * Validators report through `.errors`, which the wrapper passes on.
 * @example
 * const check = compileLazily(() => ajv.compile(schema)); // nothing compiled yet
 * check(data); // compiled now, once
 */
export function compileLazily<F extends ((...args: any[]) => any) & { errors?: unknown }>(compile: () => F): F {
  let compiled: F | undefined;
  const lazy = ((...args: Parameters<F>) => {
    compiled ??= compile();
    const result = compiled(...args);
    lazy.errors = compiled.errors;
    return result;
  }) as F;
  return lazy;
}
