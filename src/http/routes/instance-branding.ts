import { Type } from '@sinclair/typebox';
import { Branding, BrandingPatch, MAX_LOGO_BYTES } from '../../contract/branding.js';
import { canonicalId, ID_PATTERN } from '../../contract/canonical.js';
import { notFound } from '../../domain/errors.js';
import { operation } from '../operation.js';
import { actor, type RoutePlugin } from './shared.js';

/** A logo travels base64-encoded in JSON (4/3 of its size): room for the largest one and the other fields, in whole KiB. */
const BODY_LIMIT = Math.ceil(((MAX_LOGO_BYTES / 3) * 4) / 1024 + 16) * 1024;

export const instanceBrandingRoutes: RoutePlugin = async (app, { services: { brandings } }) => {
  app.route({
    ...operation('instanceBranding.get', { response: Branding }),
    handler: async (req) => brandings.get(req.params.instanceId, null),
  });
  app.route({
    ...operation('instanceBranding.patch', { body: BrandingPatch, response: Branding }),
    bodyLimit: BODY_LIMIT,
    handler: async (req) => brandings.update(req.params.instanceId, null, req.body, actor(req)),
  });
  app.route({
    ...operation('instanceOrgBranding.get', { response: Branding }),
    handler: async (req) => brandings.get(req.params.instanceId, req.params.orgId),
  });
  app.route({
    ...operation('instanceOrgBranding.patch', { body: BrandingPatch, response: Branding }),
    bodyLimit: BODY_LIMIT,
    handler: async (req) => brandings.update(req.params.instanceId, req.params.orgId, req.body, actor(req)),
  });

  // Public, as the pages and the mail that show it are: a logo is no secret. Its type is the
  // sniffed one, and the policy keeps a browser from running anything opened at this URL.
  app.get(
    '/branding/:ownerId/logo',
    { schema: { hide: true, params: Type.Object({ ownerId: Type.String({ pattern: ID_PATTERN }) }), querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) }) } },
    async (req, reply) => {
      const logo = await brandings.logo(canonicalId(req.params.ownerId));
      if (!logo) throw notFound('Logo');
      const current = req.query.v !== undefined && logo.hash.startsWith(req.query.v) && req.query.v.length >= 16;
      return reply
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('x-content-type-options', 'nosniff')
        // A versioned URL names these bytes for good; the bare one follows changes.
        .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .header('etag', `"${logo.hash.slice(0, 32)}"`)
        .type(logo.type)
        .send(logo.data);
    },
  );
};
