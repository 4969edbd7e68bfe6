#!/usr/bin/env node
'use strict';
// The `hhb` program runs its TypeScript sources through tsx: no build step on a fresh machine.
require('tsx/cjs');
require('../cli/main.ts');
