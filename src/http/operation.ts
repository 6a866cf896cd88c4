import { type TObject, type TSchema, type TString, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody, idString, ref } from '../contract/common.js';
import { OPERATIONS, type OperationId, type OperationOf, PATH_IDS, type PathIdsOf, pathIds } from '../contract/operations.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operation of the table (src/contract/operations.ts) a route performs. */
    operation?: OperationId;
  }
}

/** What a route says of itself beyond the operation table: the schemas of its query, body and answer. */
interface RouteSchemas {
  querystring?: TSchema;
  body?: TSchema;
  response: TSchema;
}

type PathSchema<P extends string> = TObject<{ [K in PathIdsOf<P>]: TString }>;
type Status<Id extends OperationId> = OperationOf<Id>['status'];

/** Every path id is an id; path ids arrive in either case (`canonicalPathIds` lower-cases them). */
const pathSchema = (path: string) =>
  Type.Object(Object.fromEntries(pathIds(path).map((name) => [name, idString({ description: PATH_IDS[name] })])));

/** A named schema by reference (written once in the document), any other as it is. */
const named = (schema: TSchema) => (schema.$id ? ref(schema) : schema);

/** Every error answer has the upstream error shape. */
const errors = { '4xx': ref(ErrorBody), '5xx': ref(ErrorBody) } as const;

/**
 * The route options of an operation, from the table: method, URL, path schema, success status
 * and the operation id (read by the auth hook and the OpenAPI document). Spread it into
 * `app.route` with the handler, which answers with the body only.
 * @example
 * app.route({ ...operation('instanceOrgMember.get', { response: Member }), handler: async (req) => members.get(req.params.instanceId, req.params.orgId, req.params.userId) });
 */
export function operation<Id extends OperationId, S extends RouteSchemas>(id: Id, schemas: S) {
  const spec = OPERATIONS[id];
  const { response, body, querystring } = schemas;
  const hasIds = pathIds(spec.path).length > 0;
  return {
    method: spec.method,
    url: spec.path.replace(/\{(\w+)\}/g, ':$1'),
    config: { operation: id },
    schema: {
      // A path without ids has no params schema (an empty one would be documented as such).
      ...((hasIds ? { params: pathSchema(spec.path) } : {}) as { params: PathSchema<OperationOf<Id>['path']> }),
      ...((querystring ? { querystring } : {}) as S extends { querystring: infer Q } ? { querystring: Q } : object),
      ...((body ? { body: named(body) } : {}) as S extends { body: infer B } ? { body: B } : object),
      response: { [spec.status]: named(response), ...errors } as Record<Status<Id>, S['response']> & typeof errors,
    },
    // Another success status than 200 is set before the handler (an error answer sets its own).
    ...(spec.status !== 200 && {
      preHandler: async (_request: FastifyRequest, reply: FastifyReply) => {
        reply.code(spec.status);
      },
    }),
  };
}
