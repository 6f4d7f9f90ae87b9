#!/usr/bin/env node
// The `trainyard` command. The project runs its TypeScript through tsx without a build step, and
// a bin must start under plain node, so this shim loads the CLI through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('../main.ts', import.meta.url);
