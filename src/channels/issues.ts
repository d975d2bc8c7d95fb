import type { z } from 'zod';

/** Readable summary of zod issues for error messages, e.g. `orders.nodes.3.updatedAt: expected string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
