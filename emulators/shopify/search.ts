// Shopify search syntax for the `query:` argument of list fields, the subset an importer uses:
// `field:value`, `field:>=value` (also >, <, <=), quoted values, `-field:value` / `NOT` negation,
// `AND` (implicit) and `OR` between terms. Terms on unknown fields are ignored, as Shopify does.

export type Comparator = '=' | '>' | '>=' | '<' | '<=';

export interface SearchTerm {
  field: string;
  comparator: Comparator;
  value: string;
  negated: boolean;
}

/** Disjunction of conjunctions: [[a, b], [c]] means (a AND b) OR c. */
export type SearchQuery = SearchTerm[][];

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re = /\s*((?:[^\s"'()]+(?:"[^"]*"|'[^']*')?)+|"[^"]*"|'[^']*')/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) {
    if (m[1]) tokens.push(m[1]);
    if (m[0].length === 0) break;
  }
  return tokens;
}

function unquote(value: string): string {
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
    return value.slice(1, -1);
  }
  return value;
}

export function parseSearch(query: string | null | undefined): SearchQuery {
  if (!query || !query.trim()) return [];
  const groups: SearchQuery = [[]];
  let negateNext = false;
  for (const token of tokenize(query)) {
    if (token === 'AND') continue;
    if (token === 'OR') {
      groups.push([]);
      continue;
    }
    if (token === 'NOT') {
      negateNext = true;
      continue;
    }
    let raw = token;
    let negated = negateNext;
    negateNext = false;
    if (raw.startsWith('-')) {
      negated = !negated;
      raw = raw.slice(1);
    }
    const m = /^([A-Za-z_.]+):(>=|<=|>|<)?(.*)$/.exec(raw);
    const group = groups[groups.length - 1] as SearchTerm[];
    if (!m || !m[1]) {
      // A bare word is a default-field text search.
      group.push({ field: 'default', comparator: '=', value: unquote(raw), negated });
      continue;
    }
    group.push({
      field: m[1].toLowerCase(),
      comparator: (m[2] as Comparator | undefined) ?? '=',
      value: unquote(m[3] ?? ''),
      negated,
    });
  }
  return groups.filter((g) => g.length > 0);
}

/** How each supported field of a resource reads its value. Unknown fields are ignored. */
export type FieldAccessors<T> = Record<string, (item: T) => string | number | string[] | null>;

function parseTime(value: string): number | undefined {
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function compare(actual: string | number | null, comparator: Comparator, raw: string, isTime: boolean): boolean {
  if (actual === null) return false;
  if (typeof actual === 'number') {
    const expected = isTime ? parseTime(raw) : Number(raw);
    if (expected === undefined || Number.isNaN(expected)) return false;
    switch (comparator) {
      case '=':
        return actual === expected;
      case '>':
        return actual > expected;
      case '>=':
        return actual >= expected;
      case '<':
        return actual < expected;
      case '<=':
        return actual <= expected;
    }
  }
  const a = actual.toLowerCase();
  const e = raw.toLowerCase();
  if (comparator !== '=') return comparator.startsWith('>') ? a >= e : a <= e;
  // Shopify's `field:value*` is a prefix match.
  return e.endsWith('*') ? a.startsWith(e.slice(0, -1)) : a === e;
}

export function matches<T>(item: T, query: SearchQuery, accessors: FieldAccessors<T>, timeFields: ReadonlySet<string>): boolean {
  if (query.length === 0) return true;
  return query.some((group) =>
    group.every((term) => {
      const accessor = accessors[term.field];
      if (!accessor) return true; // unknown search terms are ignored
      const actual = accessor(item);
      const hit = Array.isArray(actual)
        ? actual.some((v) => compare(v, term.comparator, term.value, false))
        : compare(actual, term.comparator, term.value, timeFields.has(term.field));
      return term.negated ? !hit : hit;
    }),
  );
}
