import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { compileLazily } from './compile-lazily.js';

const defaultSerializers = SerializerSelector();

/**
 * Fastify's own answer serializers (fast-json-stringify, with the app's shared schemas), each
 * compiled on its first answer: most routes never answer most of their statuses.
 */
export const lazySerializers: typeof defaultSerializers = (externalSchemas, options) => {
  const compile = defaultSerializers(externalSchemas, options);
  return (route) => compileLazily(() => compile(route));
};
