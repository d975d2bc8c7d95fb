import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether code runs from src/ (tests) or dist/src/ (built). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'drizzle'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Storelink project root not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(__dirname);
export const migrationsFolder = path.join(projectRoot, 'drizzle');
