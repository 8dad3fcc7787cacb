#!/usr/bin/env node
// The `attn-heatmap` command: runs cli/explain.ts through tsx's loader (the CLI has no build step).
import { register } from 'tsx/esm/api';

register();
await import('./explain.ts');
