#!/usr/bin/env node
// The zkpulse binary: runs the TypeScript sources through tsx's loader (no build step).
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
