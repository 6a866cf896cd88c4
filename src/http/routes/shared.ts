import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../contract/common.js';
import type { Services } from '../app.js';

export type RoutePlugin = FastifyPluginAsyncTypebox<{ services: Services }>;

/** Every error answer has the upstream error shape. */
export const errors = { '4xx': ErrorBody, '5xx': ErrorBody } as const;
