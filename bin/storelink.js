#!/usr/bin/env node
'use strict';
// The built CLI; `npm start` and `npm run build` produce dist/.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('storelink is not built yet: run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
require(entry).runCli(process.argv);
