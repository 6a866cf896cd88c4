import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../contract/common.js';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/invitations.js';
import type { Services } from '../app.js';

export type RoutePlugin = FastifyPluginAsyncTypebox<{ services: Services }>;

/** The caller of an authenticated route, as the domain records it. */
export const actor = (req: FastifyRequest): Actor => ({ tokenId: req.token?.id ?? null, userId: req.token?.userId ?? null });

/** Every error answer has the upstream error shape. */
export const errors = { '4xx': ErrorBody, '5xx': ErrorBody } as const;
