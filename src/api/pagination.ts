import { z } from 'zod';
import type { KeysetPosition } from '../db/repositories/keyset';

/** Keyset pages: `limit`, and `after` = the `nextAfter` of the previous page (opaque, URL-safe). */

export const pageLimit = z.coerce.number().int().min(1, 'at least 1').max(500, 'at most 500').default(100);

export function encodeCursor(at: string, id: string | number): string {
  return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** An `after` parameter whose id part must match `id` (uuid, integer …). */
export function cursorParam<Id extends string | number>(id: z.ZodType<Id>) {
  return z.string().transform((value, ctx): KeysetPosition<Id> => {
    const [at, rawId, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
    const parsedId = id.safeParse(rawId);
    if (rest.length > 0 || !at || !EXACT_TIME.test(at) || !parsedId.success) {
      ctx.addIssue({ code: 'custom', message: 'expected the nextAfter value of a previous page' });
      return z.NEVER;
    }
    return { at, id: parsedId.data };
  });
}

/** The next page's cursor, or null when this page was the last (shorter than the limit). */
export function nextAfter<T extends { cursorAt: string; id: string | number }>(rows: readonly T[], limit: number): string | null {
  const last = rows.length === limit ? rows[rows.length - 1] : undefined;
  return last ? encodeCursor(last.cursorAt, last.id) : null;
}
