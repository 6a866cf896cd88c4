/**
 * One table of the console (members or invitations) over the API's list parameters: sorting
 * by column, a glob filter on a chosen field, and pages.
 */
import { el, fitTable, show } from './dom.js';

interface Column<T> {
  label: string;
  /** The API's sortField for this column, when the list sorts by it. */
  sort?: string;
  cell: (item: T) => Node | string;
}

export interface ListQuery {
  sortField: string;
  sortDirection: 'asc' | 'desc';
  filterField?: string;
  filter?: string;
  page: number;
  perPage: number;
}

/** A button of a row, or false where the token may not use it (no column is left empty). */
type RowAction<T> = ((item: T) => HTMLElement) | false;

interface ListSpec<T> {
  /** Prefix of the element ids, e.g. "invites". */
  id: string;
  title: string;
  /** What a row is called, for the empty and count lines ("invitation"), and its plural if not noun + s. */
  noun: string;
  plural?: string;
  /** Fields the glob filter applies to; none: no filter bar (the view has filters of its own). */
  filterFields: string[];
  sort: { field: string; direction: 'asc' | 'desc' };
  perPage?: number;
  columns: Column<T>[];
  actions?: RowAction<T>[];
  /** The line of an empty list, when "No <plural>." does not say it well. */
  empty?: string;
  fetch: (query: ListQuery) => Promise<{ items: T[]; totalCount: number; totalCountCapped?: true }>;
  onError: (error: unknown) => void;
}

export interface ListView {
  element: HTMLElement;
  refresh(): Promise<void>;
  /** Back to the first page, then refresh (after a change of the view's own filters). */
  restart(): Promise<void>;
}

const PER_PAGE = 20;

export function listView<T>(spec: ListSpec<T>): ListView {
  const plural = spec.plural ?? `${spec.noun}s`;
  const actions = (spec.actions ?? []).filter((a): a is (item: T) => HTMLElement => a !== false);
  const columns: Column<T>[] = actions.length
    ? [...spec.columns, { label: 'Actions', cell: (item) => el('div', { class: 'actions' }, ...actions.map((a) => a(item))) }]
    : spec.columns;
  const query: ListQuery = { sortField: spec.sort.field, sortDirection: spec.sort.direction, page: 0, perPage: spec.perPage ?? PER_PAGE };
  const field = el('select', { id: `${spec.id}-filter-field`, name: 'filterField' }, ...spec.filterFields.map((f) => el('option', { value: f }, f)));
  const filter = el('input', { id: `${spec.id}-filter`, name: 'filter', type: 'search', placeholder: '*@example.com', autocomplete: 'off', maxlength: 256 });
  const toolbar = el(
    'form',
    { class: 'row', role: 'search', 'aria-label': `Filter ${spec.title.toLowerCase()}` },
    el('div', { class: 'field' }, el('label', { for: field.id }, 'Filter by'), field),
    el('div', { class: 'field' }, el('label', { for: filter.id }, 'Filter (glob: * any text, ? one character)'), filter),
    el('button', { type: 'submit' }, 'Apply filter'),
  );
  toolbar.addEventListener('submit', (event) => {
    event.preventDefault();
    query.filterField = filter.value ? field.value : undefined;
    query.filter = filter.value || undefined;
    query.page = 0;
    void refresh();
  });

  const head = el('tr', { role: 'row' });
  const body = el('tbody', { role: 'rowgroup' });
  const status = el('p', { id: `${spec.id}-count`, class: 'muted', 'aria-live': 'polite' });
  const previous = el('button', { type: 'button', onclick: () => turn(-1) }, 'Previous page');
  const next = el('button', { type: 'button', onclick: () => turn(1) }, 'Next page');
  // Named by the section's visible heading (a display:none caption would name it for nobody).
  // The roles are explicit: on narrow screens the rows are laid out as cards (display: block),
  // which some browsers take as "no longer a table" for assistive technology.
  const table = el('table', { id: `${spec.id}-table`, role: 'table', 'aria-labelledby': `${spec.id}-title` }, el('thead', { role: 'rowgroup', class: columns.some((c) => c.sort) ? 'sortable' : null }, head), body);
  const wrap = el('div', { class: 'table-wrap' }, table);
  const fit = fitTable(wrap);
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': `${spec.id}-title` },
    el('h2', { id: `${spec.id}-title` }, spec.title),
    spec.filterFields.length > 0 && toolbar,
    wrap,
    el('div', { class: 'pager' }, previous, next, status),
  );
  let total = 0;

  function turn(by: number): void {
    query.page = Math.max(0, query.page + by);
    void refresh();
  }

  function sortBy(sortField: string): void {
    query.sortDirection = query.sortField === sortField && query.sortDirection === 'asc' ? 'desc' : 'asc';
    query.sortField = sortField;
    query.page = 0;
    void refresh();
  }

  function renderHead(): void {
    show(
      head,
      ...columns.map((c) => {
        if (!c.sort) return el('th', { scope: 'col', role: 'columnheader' }, c.label);
        const current = query.sortField === c.sort;
        const sort = current ? (query.sortDirection === 'asc' ? 'ascending' : 'descending') : 'none';
        // The arrow is for the eye; aria-sort already tells assistive technology the order.
        const arrow = current ? el('span', { 'aria-hidden': 'true' }, query.sortDirection === 'asc' ? ' ▲' : ' ▼') : '';
        return el('th', { scope: 'col', role: 'columnheader', 'aria-sort': sort }, el('button', { type: 'button', onclick: () => sortBy(c.sort!) }, c.label, arrow));
      }),
    );
  }

  let latest = 0;
  async function refresh(): Promise<void> {
    renderHead();
    // Only the answer to the newest request is shown: a slow older one must not overwrite it.
    const request = ++latest;
    let page: { items: T[]; totalCount: number; totalCountCapped?: true };
    try {
      page = await spec.fetch({ ...query });
    } catch (error) {
      if (request === latest) spec.onError(error);
      return;
    }
    if (request !== latest) return;
    total = page.totalCount;
    if (page.items.length === 0 && query.page > 0) {
      query.page = Math.max(0, Math.ceil(total / query.perPage) - 1);
      return refresh();
    }
    show(
      body,
      ...(page.items.length
        ? page.items.map((item) => el('tr', { role: 'row' }, ...columns.map((c) => el('td', { role: 'cell', 'data-label': c.label }, el('span', { class: 'value' }, c.cell(item))))))
        : [el('tr', { role: 'row' }, el('td', { role: 'cell', colspan: columns.length }, spec.empty && !query.filter ? spec.empty : `No ${plural}${query.filter ? ' match the filter' : ''}.`))]),
    );
    const first = query.page * query.perPage;
    // A capped total is a lower bound (the server stopped counting): more pages follow.
    const more = page.totalCountCapped ? '+' : '';
    status.textContent = total ? `${first + 1}–${first + page.items.length} of ${total}${more} ${total === 1 && !more ? spec.noun : plural}` : '';
    fit();
    previous.disabled = query.page === 0;
    next.disabled = !more && first + page.items.length >= total;
  }

  const restart = () => {
    query.page = 0;
    return refresh();
  };
  return { element, refresh, restart };
}
