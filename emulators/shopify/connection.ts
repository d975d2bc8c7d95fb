// Relay connections over keyset cursors. A cursor is opaque base64 of (sort value, id) of an
// item, so a page boundary stays exact even when many items share a sort value (updatedAt has
// whole-second precision) and while other items change between page requests.
import { GraphQLError } from 'graphql';

export type SortValue = number | string;

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function encodeCursor(sort: SortValue, id: number): string {
  return Buffer.from(JSON.stringify({ s: sort, id }), 'utf8').toString('base64');
}

export function decodeCursor(cursor: string): { s: SortValue; id: number } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'id' in parsed &&
      's' in parsed &&
      typeof parsed.id === 'number' &&
      (typeof parsed.s === 'number' || typeof parsed.s === 'string')
    ) {
      return { s: parsed.s, id: parsed.id };
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor ${cursor}`, { extensions: { code: 'BAD_REQUEST' } });
}

function cmp(a: SortValue, aId: number, b: SortValue, bId: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return aId - bId;
}

/**
 * Sorts by (sortValue, id), applies after/before as strict keyset bounds, then first/last.
 * `reverse` flips the order, and the cursors compare in that flipped order.
 */
export function paginate<T>(
  items: Iterable<T>,
  args: PageArgs,
  sortValue: (item: T) => SortValue,
  idOf: (item: T) => number,
  wrap: (item: T) => unknown = (item) => item,
): Connection<unknown> {
  const dir = args.reverse ? -1 : 1;
  const keyed = Array.from(items, (item) => ({ item, s: sortValue(item), id: idOf(item) }));
  keyed.sort((x, y) => dir * cmp(x.s, x.id, y.s, y.id));

  // Position of a cursor relative to item i, in the page order.
  const relative = (i: number, c: { s: SortValue; id: number }): number => {
    const k = keyed[i];
    return k ? dir * cmp(k.s, k.id, c.s, c.id) : 1;
  };
  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const c = decodeCursor(args.after);
    while (start < end && relative(start, c) <= 0) start++;
  }
  if (args.before) {
    const c = decodeCursor(args.before);
    let i = start;
    while (i < end && relative(i, c) < 0) i++;
    end = i;
  }
  let from = start;
  let to = end;
  if (typeof args.first === 'number') to = Math.min(to, from + Math.max(0, args.first));
  if (typeof args.last === 'number') from = Math.max(from, to - Math.max(0, args.last));

  const page = keyed.slice(from, to);
  const edges = page.map((k) => ({ cursor: encodeCursor(k.s, k.id), node: wrap(k.item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: to < keyed.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
