import { createHash } from 'node:crypto';
import { type Branding, type BrandingPatch, type EffectiveBranding, LOGO_TYPES, MAX_LOGO_BYTES } from '../contract/branding.js';
import { type Actor, audit } from './audit.js';
import type { DomainDeps } from './context.js';
import { invalid, notFound } from './errors.js';
import { resolveOrg } from './orgs.js';
import type { BrandingRecord, LogoRecord } from './records.js';
import type { Store } from './store.js';
import { requireText } from './text.js';

/** Where the logo of an owner is served: the hash in the query makes each version its own URL, cached for good. */
const logoPath = (b: BrandingRecord) => (b.logoHash ? `/branding/${b.ownerId}/logo?v=${b.logoHash.slice(0, 16)}` : undefined);

/** The image type by its first bytes: the type a client names is not trusted, and SVG is never taken. */
function sniffLogo(data: Buffer): (typeof LOGO_TYPES)[number] | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (data.subarray(0, 6).toString('latin1').match(/^GIF8[79]a$/)) return 'image/gif';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** The logo's bytes from base64 (a `data:` URL is taken too), checked for size and type. */
function decodeLogo(text: string): { data: Buffer; type: string } {
  const base64 = text.replace(/^data:[\w/+.-]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) throw invalid('logo must be a base64-encoded image', 'logo');
  const data = Buffer.from(base64, 'base64');
  if (data.length === 0) throw invalid('logo must be a base64-encoded image', 'logo');
  if (data.length > MAX_LOGO_BYTES) throw invalid(`logo must be at most ${MAX_LOGO_BYTES / 1024} KiB (this one is ${Math.ceil(data.length / 1024)} KiB)`, 'logo');
  const type = sniffLogo(data);
  if (!type) throw invalid('logo must be a PNG, JPEG, GIF or WebP image (SVG is not accepted)', 'logo');
  return { data, type };
}

/** `https://app.example.com` from what an admin typed: http(s), no path, query or credentials. */
function toOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw invalid(`continueOrigins: "${text}" is not an origin like https://app.example.com`, 'continueOrigins');
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!/^https?:$/.test(url.protocol) || !bare) throw invalid(`continueOrigins: "${text}" is not an origin like https://app.example.com (http or https, no path)`, 'continueOrigins');
  return url.origin;
}

/** The continue URL if it is http(s) on an allowed origin; the reason otherwise. */
function continueProblem(text: string, origins: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'continueUrl must be an absolute http or https URL';
  }
  if (!/^https?:$/.test(url.protocol)) return 'continueUrl must be an http or https URL';
  if (url.username || url.password) return 'continueUrl must not carry credentials';
  if (!origins.includes(url.origin)) {
    return origins.length === 0
      ? "continueUrl needs the instance's continueOrigins to name its origin first"
      : `continueUrl must be on one of the instance's continueOrigins (${origins.join(', ')})`;
  }
  return null;
}

const blank = (ownerId: string, instanceId: string, at: string): BrandingRecord => ({
  ownerId,
  instanceId,
  productName: null,
  accentColor: null,
  continueUrl: null,
  continueOrigins: [],
  logoType: null,
  logoHash: null,
  updatedAt: at,
});

/**
 * What the pages and the mail of an org use: each field the org's, else its instance's. A
 * continue URL whose origin the instance no longer allows is dropped, so removing an origin
 * takes effect at once.
 */
function merge(instance: BrandingRecord | undefined, org: BrandingRecord | undefined): EffectiveBranding {
  const origins = instance?.continueOrigins ?? [];
  const pick = <K extends 'productName' | 'accentColor'>(key: K) => org?.[key] ?? instance?.[key] ?? undefined;
  // The org's if its origin is still allowed, else the instance's (if its is).
  const continueUrl = [org?.continueUrl, instance?.continueUrl].find((url) => url && !continueProblem(url, origins));
  const logoUrl = (org?.logoHash ? logoPath(org) : undefined) ?? (instance ? logoPath(instance) : undefined);
  return {
    ...(pick('productName') ? { productName: pick('productName')! } : {}),
    ...(pick('accentColor') ? { accentColor: pick('accentColor')! } : {}),
    ...(continueUrl ? { continueUrl } : {}),
    ...(logoUrl ? { logoUrl } : {}),
  };
}

/** The branding an org's (or, with orgId null, an instance's) pages and mail use; called inside a change's transaction too. */
export async function effectiveBranding(store: Store, instanceId: string, orgId: string | null): Promise<EffectiveBranding> {
  const rows = await store.getBrandings(orgId ? [instanceId, orgId] : [instanceId]);
  return merge(
    rows.find((r) => r.ownerId === instanceId),
    orgId ? rows.find((r) => r.ownerId === orgId) : undefined,
  );
}

/** Branding per instance and per organization: product name, logo, accent colour, continue URL. */
export class Brandings {
  constructor(private readonly deps: Pick<DomainDeps, 'store' | 'clock'>) {}

  /** The instance's branding (orgId null) or an org's, as set, with what takes effect. */
  async get(instanceId: string, orgId: string | null): Promise<Branding> {
    await this.owner(this.deps.store, instanceId, orgId);
    const rows = await this.deps.store.getBrandings(orgId ? [instanceId, orgId] : [instanceId]);
    return this.present(instanceId, orgId, rows);
  }

  async update(instanceId: string, orgId: string | null, patch: BrandingPatch, actor: Actor): Promise<Branding> {
    if (Object.keys(patch).length === 0) throw invalid('Nothing to change: give productName, accentColor, continueUrl, continueOrigins or logo');
    if (orgId && patch.continueOrigins !== undefined) throw invalid("continueOrigins is set on the instance's branding, for all its organizations", 'continueOrigins');
    const productName = patch.productName == null ? patch.productName : requireText(patch.productName, 'productName');
    const logo = patch.logo == null ? patch.logo : decodeLogo(patch.logo);
    const origins = patch.continueOrigins === undefined ? undefined : [...new Set(patch.continueOrigins.map(toOrigin))];
    const now = this.deps.clock().toISOString();
    return this.deps.store.transaction(async (store) => {
      await this.owner(store, instanceId, orgId);
      const ownerId = orgId ?? instanceId;
      const rows = await store.getBrandings(orgId ? [instanceId, orgId] : [instanceId]);
      const current = rows.find((r) => r.ownerId === ownerId) ?? blank(ownerId, instanceId, now);
      const next: BrandingRecord = {
        ...current,
        ...(productName !== undefined ? { productName } : {}),
        ...(patch.accentColor !== undefined ? { accentColor: patch.accentColor?.toLowerCase() ?? null } : {}),
        ...(patch.continueUrl !== undefined ? { continueUrl: patch.continueUrl } : {}),
        ...(origins !== undefined ? { continueOrigins: origins } : {}),
        ...(logo !== undefined ? { logoType: logo?.type ?? null, logoHash: logo ? createHash('sha256').update(logo.data).digest('hex') : null } : {}),
        updatedAt: now,
      };
      if (patch.continueUrl) {
        const allowed = orgId ? (rows.find((r) => r.ownerId === instanceId)?.continueOrigins ?? []) : next.continueOrigins;
        const problem = continueProblem(patch.continueUrl, allowed);
        if (problem) throw invalid(problem, 'continueUrl');
      }
      await store.putBranding(next, logo === undefined ? undefined : (logo?.data ?? null));
      // What changed, never the logo's bytes: its type and size say enough.
      const details = Object.fromEntries(
        Object.entries({
          productName,
          accentColor: next.accentColor === current.accentColor ? undefined : next.accentColor,
          continueUrl: patch.continueUrl,
          continueOrigins: origins,
          logo: logo === undefined ? undefined : logo ? `${logo.type}, ${logo.data.length} bytes` : null,
        }).filter(([, v]) => v !== undefined),
      );
      const action = orgId ? 'instanceOrgBranding.patch' : 'instanceBranding.patch';
      await audit(store, this.deps.clock, actor, { instanceId, orgId, action, targetId: ownerId, email: null, details });
      return this.present(instanceId, orgId, [...rows.filter((r) => r.ownerId !== ownerId), next]);
    });
  }

  /** What an org's pages and mail show. */
  effective(instanceId: string, orgId: string): Promise<EffectiveBranding> {
    return effectiveBranding(this.deps.store, instanceId, orgId);
  }

  /** A logo by its owner's id, for the public logo route; null when there is none. */
  logo(ownerId: string): Promise<LogoRecord | null> {
    return this.deps.store.getLogo(ownerId);
  }

  private async owner(store: Store, instanceId: string, orgId: string | null): Promise<void> {
    if (orgId) await resolveOrg(store, instanceId, orgId);
    else if (!(await store.getInstance(instanceId))) throw notFound('Instance');
  }

  private present(instanceId: string, orgId: string | null, rows: BrandingRecord[]): Branding {
    const own = rows.find((r) => r.ownerId === (orgId ?? instanceId));
    const logoUrl = own && logoPath(own);
    return {
      instanceId,
      ...(orgId ? { orgId } : {}),
      ...(own?.productName ? { productName: own.productName } : {}),
      ...(own?.accentColor ? { accentColor: own.accentColor } : {}),
      ...(own?.continueUrl ? { continueUrl: own.continueUrl } : {}),
      ...(orgId ? {} : { continueOrigins: own?.continueOrigins ?? [] }),
      ...(logoUrl ? { logoUrl } : {}),
      ...(own ? { lastUpdated: own.updatedAt } : {}),
      effective: merge(
        rows.find((r) => r.ownerId === instanceId),
        orgId ? rows.find((r) => r.ownerId === orgId) : undefined,
      ),
    };
  }
}
