import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { namedSchemas } from '../contract/common.js';
import { AppError } from '../domain/errors.js';
import { registerAccess } from './access.js';
import { registerWriteSafety } from './write-safety.js';
import { canonicalPathIds } from './path-ids.js';
import type { Services } from './services.js';
import { answerFrameworkError, registerErrorMapper } from './errors.js';
import { answerClientError } from './client-errors.js';
import { capConnectionsPerAddress, type ConnectionLimits, serverOptions } from './connections.js';
import { SAFETY_HEADERS } from './safety-headers.js';
import { instanceOrgInviteRoutes } from './routes/instance-org-invite.js';
import { instanceOrgInvitesRoutes } from './routes/instance-org-invites.js';
import { instanceOrgMemberRoutes } from './routes/instance-org-member.js';
import { instanceOrgMembersRoutes } from './routes/instance-org-members.js';
import { instanceOrgsRoutes } from './routes/instance-orgs.js';
import { instanceBrandingRoutes } from './routes/instance-branding.js';
import { orgRoutes } from './routes/org.js';
import { instanceApiTokensRoutes } from './routes/instance-api-tokens.js';
import { instanceAuditLogsRoutes } from './routes/instance-audit-logs.js';
import { instanceEventsRoutes } from './routes/instance-events.js';
import { instanceWebhookRoutes } from './routes/instance-webhook.js';
import { instanceMailRoutes } from './routes/instance-mail.js';
import { instanceWebhooksRoutes } from './routes/instance-webhooks.js';
import { instanceOrgJoinLinkRoutes } from './routes/instance-org-join-link.js';
import { instanceOrgJoinLinksRoutes } from './routes/instance-org-join-links.js';
import { joinLinksRoutes } from './routes/join-links.js';
import { meRoutes } from './routes/me.js';
import { healthRoutes } from './routes/health.js';
import { registerOpenApi } from './openapi.js';
import { orgInvitesRoutes } from './routes/org-invites.js';
import { lazySerializers } from './serialization.js';
import { validatorCompiler } from './validation.js';
import { webRoutes } from './routes/web.js';


export interface AppOptions {
  /** A pino logger made with `loggerOptions` (so that secrets are redacted); none logs nothing. */
  logger?: FastifyBaseLogger;
  /** Whether (or which) proxies' X-Forwarded-For names the client address (rate limits, audit). */
  trustProxy?: boolean | string;
  /** Timeouts and the per-address socket cap, for a server that listens (inject needs none). */
  connections?: ConnectionLimits;
  /** How long a request waits for a database that went away (GATEHOUSE_DATABASE_HOLD); the store does the waiting. */
  holdMs?: number;
  /** How long a token that wrote reads from the primary rather than a standby (GATEHOUSE_READ_MAX_LAG). */
  readYourWritesMs?: number;
}

/** Largest accepted body: room for 100 application and 100 dashboard role overrides. */
const BODY_LIMIT = 64 * 1024;

/** No accepted body nests more than 3 levels; a generous bound keeps pathological ones out cheaply. */
const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings not counted). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return deepest;
}

/** SAFETY_HEADERS on an answer; a route that set its own cache-control keeps it. */
const { 'cache-control': CACHE_CONTROL, ...ALWAYS } = SAFETY_HEADERS;
function setSafetyHeaders(reply: FastifyReply): FastifyReply {
  reply.headers(ALWAYS);
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', CACHE_CONTROL);
  return reply;
}

/** Builds the HTTP app from ready services; it owns no resources of its own. */
export function buildApp(services: Services, options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 200 },
    // The router's refusals skip the hooks, so they set the safety headers themselves.
    frameworkErrors: (error, _request, reply) => answerFrameworkError(error, setSafetyHeaders(reply)),
    // What Node's parser refuses never reaches the router: answered in our shape there.
    clientErrorHandler: answerClientError,
    ...(options.connections && serverOptions(options.connections)),
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  });
  const cap = options.connections?.maxPerAddress;
  if (cap) capConnectionsPerAddress(app.server, cap, options.trustProxy ?? false);
  app.setValidatorCompiler(validatorCompiler);
  // For the answers' serializers and the OpenAPI components.
  for (const schema of namedSchemas()) app.addSchema(schema);

  // Clients such as losant-rest send `Content-Type: application/json` with no body on DELETE;
  // an empty body is "no body", anything else goes through Fastify's prototype-safe parser.
  // JSON is the only body type: anything else (text/plain included) is a 415.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    if (nestingDepth(body as string) > MAX_JSON_DEPTH) return done(new AppError('invalid_request', `Body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    parseJson(request, body as string, done);
  });

  // A callback hook: an async one costs every answer a promise and a turn of the microtask queue.
  app.addHook('onSend', (_request, reply, payload, done) => {
    setSafetyHeaders(reply);
    done(null, payload);
  });

  registerErrorMapper(app, (error) => services.store.isUnavailable(error));
  canonicalPathIds(app);
  registerWriteSafety(app, services.store, { holdMs: options.holdMs ?? 0, readYourWritesMs: options.readYourWritesMs ?? 5000 });
  registerAccess(app, services.auth, services.limiter);
  // Before the routes: the document describes the routes registered after it.
  registerOpenApi(app);
  app.register(instanceOrgsRoutes, { services });
  app.register(instanceBrandingRoutes, { services });
  app.register(instanceApiTokensRoutes, { services });
  app.register(instanceOrgInvitesRoutes, { services });
  app.register(instanceOrgInviteRoutes, { services });
  app.register(instanceOrgMembersRoutes, { services });
  app.register(instanceOrgMemberRoutes, { services });
  app.register(orgInvitesRoutes, { services });
  app.register(orgRoutes, { services });
  app.register(meRoutes, { services });
  app.register(instanceAuditLogsRoutes, { services });
  app.register(instanceEventsRoutes, { services });
  app.register(instanceWebhooksRoutes, { services });
  app.register(instanceWebhookRoutes, { services });
  app.register(instanceMailRoutes, { services });
  app.register(instanceOrgJoinLinksRoutes, { services });
  app.register(instanceOrgJoinLinkRoutes, { services });
  app.register(joinLinksRoutes, { services });
  app.register(healthRoutes, { services });
  app.register(webRoutes, { services });
  return app;
}
