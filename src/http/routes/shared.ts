import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { VIA_HEADER } from '../../contract/events.js';
import type { Actor } from '../../domain/audit.js';
import type { Services } from '../services.js';

export type RoutePlugin = FastifyPluginAsyncTypebox<{ services: Services }>;

/** The caller, as the domain records it: token and user (none on the public routes), address, and how. */
export const actor = (req: FastifyRequest): Actor => ({
  tokenId: req.token?.id ?? null,
  userId: req.token?.userId ?? null,
  address: req.ip,
  via: !req.token ? 'invite_link' : req.headers[VIA_HEADER] === 'cli' ? 'cli' : 'api',
});

/** A join link's URL is shown to tokens that could make such a link themselves (see JoinLink.url). */
export const showsJoinUrl = (services: Services, req: FastifyRequest, instanceId: string, orgId: string): Promise<boolean> =>
  services.auth.may(req.token!, 'instanceOrgJoinLinks.post', instanceId, orgId);
