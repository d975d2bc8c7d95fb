import fs from 'node:fs';
import path from 'node:path';
import { requiredSearchAttributes } from '../src/definitions';

describe('§9 search attributes', () => {
  it('the embedded dev server registers exactly the ones the code uses', () => {
    // scripts/ is plain Node that runs before anything is compiled, so it keeps its own list.
    const script = fs.readFileSync(path.join(__dirname, '..', 'scripts', 'temporal-dev-server.mjs'), 'utf8');
    const listed = /SEARCH_ATTRIBUTES = \[([^\]]*)\]/.exec(script)?.[1];
    expect(listed).toBeDefined();
    const names = [...listed!.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]);
    expect(names).toEqual(requiredSearchAttributes.map((key) => key.name));
    expect(requiredSearchAttributes.every((key) => key.type === 'KEYWORD')).toBe(true);
  });
});
