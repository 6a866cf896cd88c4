import type { Fixtures } from '../lib/seed.js';
import type { BenchRequest, ScenarioName } from '../lib/types.js';

/** The Gatehouse API requests of each scenario; the floor answers the same ones. */
export function gatehouseRequests(f: Fixtures): (scenario: ScenarioName, i: number) => BenchRequest | null {
  const headers = { authorization: `Bearer ${f.token}` };
  const org = (id: string) => `/instances/${f.instanceId}/orgs/${id}`;
  return (scenario, i) => {
    switch (scenario) {
      case 'get-invite':
        return { method: 'GET', path: `${org(f.orgA)}/invites/${f.inviteA}`, headers };
      case 'list-invites':
        return { method: 'GET', path: `${org(f.orgA)}/invites?filterField=email&filter=*%40example.com&sortField=email&sortDirection=asc&perPage=100`, headers };
      // No perPage: the whole list, as upstream answers it (org A's 1,000 invites).
      case 'list-invites-all':
        return { method: 'GET', path: `${org(f.orgA)}/invites?filterField=email&filter=*%40example.com&sortField=email&sortDirection=asc`, headers };
      case 'list-members':
        return { method: 'GET', path: `${org(f.orgA)}/members?perPage=100`, headers };
      case 'create-invite':
        return { method: 'POST', path: `${org(f.orgC)}/invites?perPage=1`, headers, body: JSON.stringify({ email: `new${i}@example.com`, role: 'view' }) };
      case 'accept-invite': {
        const link = f.accepts[i];
        return link ? { method: 'POST', path: '/invites', body: JSON.stringify({ email: link.email, token: link.token, accept: true }) } : null;
      }
    }
  };
}
