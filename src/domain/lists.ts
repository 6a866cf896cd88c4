import { compileGlob } from './glob.js';
import type { OrgRecord } from './records.js';
import type { ListQuery, Page } from './store.js';

/** A list request as the API takes it; absent fields take the list's defaults. */
export interface ListParams<F extends string> {
  sortField?: F;
  sortDirection?: 'asc' | 'desc' | 'ASC' | 'DESC';
  filterField?: 'email' | 'role' | 'name' | '';
  filter?: string;
  page?: number;
  perPage?: number;
}

/** Page size when a client asks for a page without saying how big. */
const DEFAULT_PER_PAGE = 100;

/**
 * The store query for a list request, and the parameters the answer echoes. A list whose
 * defaults name a page size is always paged (upstream's org list); the others only on request.
 */
export function resolveList<F extends string>(p: ListParams<F>, defaults: { sortField: F; sortDirection: 'asc' | 'desc'; perPage?: number }) {
  const sortField = p.sortField ?? defaults.sortField;
  const sortDirection = (p.sortDirection?.toLowerCase() ?? defaults.sortDirection) as 'asc' | 'desc';
  // A blank field or filter means no filtering, as upstream documents.
  const filter = p.filterField && p.filter ? { filterField: p.filterField, filter: p.filter } : null;
  const paged = p.page !== undefined || p.perPage !== undefined || defaults.perPage !== undefined;
  const page = paged ? { page: p.page ?? 0, perPage: p.perPage ?? defaults.perPage ?? DEFAULT_PER_PAGE } : null;
  const query: ListQuery<F> = {
    sortField,
    sortDirection,
    ...(filter ? { filterField: filter.filterField, filter: compileGlob(filter.filter) } : {}),
    ...(page ? { offset: page.page * page.perPage, limit: page.perPage } : {}),
  };
  return { query, echo: { sortField, sortDirection, ...filter, ...page } };
}

/** The collection envelope: items, counts and the list parameters echoed back. */
export function collection<T>(org: OrgRecord, echo: ReturnType<typeof resolveList>['echo'], items: T[], page: Page<unknown>) {
  return { items, instanceId: org.instanceId, orgId: org.id, count: items.length, ...totals(page), ...echo };
}

/** `totalCount`, and `totalCountCapped: true` when the store stopped counting at its cap. */
export function totals(page: Page<unknown>): { totalCount: number; totalCountCapped?: true } {
  return page.totalCountCapped ? { totalCount: page.totalCount, totalCountCapped: true } : { totalCount: page.totalCount };
}
