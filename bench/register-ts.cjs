// `node --require ./bench/register-ts.cjs file.ts`: runs the project's TypeScript from source in a
// plain Node process, compiled on load by @swc/core with the settings jest.config.js uses. Tests
// fork Storelink processes this way (bench/order-stack.ts) without a build; built code never needs it.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
